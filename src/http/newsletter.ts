// The newsletter's plain-HTTP routes, which work with no JavaScript:
//  POST /api/newsletter/subscribe     the reader pages' form (same-origin, rate-limited per client);
//                                     always "check your inbox", whether or not the address is known
//  GET  /api/newsletter/confirm       the signed link in the confirmation mail
//  POST /api/newsletter/unsubscribe   RFC 8058 one-click from a mail program (which sends no Origin:
//                                     the unguessable token is the authority), or the page's button
//  GET  /api/newsletter/unsubscribe   an old-style List-Unsubscribe click: to the page with the button
// A refusal is a small page of its own in the site's language, with the reason and a way back.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Runtime } from "../runtime.ts";
import { escapeHtml } from "../lib/html.ts";
import { messages } from "../lib/i18n/index.ts";
import { PRIVATE_CACHE_CONTROL } from "../lib/cache-tags.ts";
import { SubscriberEmail } from "../lib/schemas.ts";
import { eventJobs } from "../server/events.ts";
import { readConfirmLink } from "../server/newsletter.ts";
import { confirmSubscription, requestSubscription, unsubscribeByToken, type Choice } from "../server/queries/subscribers.ts";
import { siteSettings } from "../server/settings.ts";
import { readBodyUpTo } from "./body-limit.ts";
import { headersOf, uploadFailed } from "./file-upload.ts";
import { clientAddressOf, isSameOrigin } from "./request.ts";

const PREFIX = "/api/newsletter/";
const FORM_LIMIT = 8 * 1024;

export function isNewsletterPath(url: string): boolean {
  return url.startsWith(PREFIX);
}

/** At most `max` tries a minute per client, in this process (as sign-in's limit is). */
function perClientLimit(max: number, windowMs = 60_000) {
  const hits = new Map<string, { since: number; n: number }>();
  return (client: string): boolean => {
    const now = Date.now();
    const entry = hits.get(client);
    if (!entry || now - entry.since >= windowMs) {
      hits.delete(client);
      hits.set(client, { since: now, n: 1 });
      if (hits.size > 100_000) hits.delete(hits.keys().next().value!);
      return true;
    }
    entry.n += 1;
    return entry.n <= max;
  };
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(303, { location: to, "cache-control": PRIVATE_CACHE_CONTROL, "content-length": "0" });
  res.end();
}

export function newsletterListener(runtime: Runtime) {
  const { config, db } = runtime;
  const allowed = perClientLimit(config.authRateLimit);
  const words = async () => messages((await siteSettings(db.db)).language).newsletter;

  async function refusePage(res: ServerResponse, status: number, title: string, text: string, back: string) {
    const t = await words();
    const body = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font:17px/1.6 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1.25rem;color:#1d1d1b;background:#fff}
h1{font-size:1.6rem;line-height:1.2}a{color:#2159c4}@media (prefers-color-scheme:dark){body{background:#161615;color:#ecece8}a{color:#8fb4ff}}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(text)}</p><p><a href="${escapeHtml(back)}">${escapeHtml(t.tryAgain)}</a></p></main></body></html>`;
    res.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "cache-control": PRIVATE_CACHE_CONTROL,
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    });
    res.end(body);
  }

  /** Where the form was: back there on a refusal (only a path on this site). */
  const backTo = (headers: Headers) => {
    const referer = headers.get("referer");
    try {
      const url = referer ? new URL(referer) : null;
      return url && url.origin === new URL(config.siteUrl).origin ? url.pathname : "/";
    } catch {
      return "/";
    }
  };

  async function subscribe(req: IncomingMessage, res: ServerResponse, headers: Headers) {
    const t = await words();
    const back = backTo(headers);
    if (!isSameOrigin(new Request(config.siteUrl, { headers: { origin: headers.get("origin") ?? "" } }), config)) {
      return refusePage(
        res,
        403,
        t.checkInboxTitle,
        `Cross-site request refused: subscribe from ${new URL(config.siteUrl).origin}'s own pages.`,
        "/",
      );
    }
    if (!allowed(clientAddressOf(new Request(config.siteUrl, { headers }), req.socket.remoteAddress, config))) {
      res.setHeader("retry-after", "60");
      return refusePage(res, 429, t.formTitle, t.tooMany, back);
    }
    const raw = await readBodyUpTo(req, FORM_LIMIT);
    if (!raw) return refusePage(res, 413, t.formTitle, `The form is over the ${FORM_LIMIT / 1024} KB limit.`, back);
    const form = new URLSearchParams(raw.toString("utf8"));
    const email = SubscriberEmail.safeParse((form.get("email") ?? "").trim());
    if (!email.success) return refusePage(res, 400, t.formTitle, `email: ${t.badEmail}`, back);
    const tags = form
      .getAll("tag")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean)
      .slice(0, 50);
    const choice: Choice = tags.length ? { all: false, tags } : { all: true };
    await requestSubscription(db.write, { email: email.data, choice });
    redirect(res, "/newsletter/check-inbox");
  }

  async function confirm(res: ServerResponse, url: URL) {
    const asked = readConfirmLink(config.authSecret, url.searchParams);
    if (!asked) {
      const t = await words();
      return refusePage(res, 400, t.badLinkTitle, t.badLinkText, "/");
    }
    await confirmSubscription({ db: db.db, write: db.write }, asked, (subscriberId) =>
      eventJobs(db.db, { type: "subscriber.confirmed", subscriberId }),
    );
    redirect(res, "/newsletter/confirmed");
  }

  async function unsubscribe(req: IncomingMessage, res: ServerResponse, url: URL) {
    const raw = (await readBodyUpTo(req, FORM_LIMIT)) ?? Buffer.alloc(0);
    const form = new URLSearchParams(raw.toString("utf8"));
    const token = url.searchParams.get("token") ?? form.get("token") ?? "";
    const oneClick = form.get("List-Unsubscribe") === "One-Click";
    const known = token.length > 0 && token.length < 200 && (await unsubscribeByToken(db.write, token));
    if (oneClick) {
      const text = known ? "Unsubscribed.\n" : "No subscription has that token.\n";
      res.writeHead(known ? 200 : 404, { "content-type": "text/plain; charset=utf-8", "cache-control": PRIVATE_CACHE_CONTROL });
      return void res.end(text);
    }
    if (!known) {
      const t = await words();
      return refusePage(res, 404, t.badLinkTitle, t.badLinkText, "/");
    }
    redirect(res, "/newsletter/unsubscribed");
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", config.siteUrl);
    const route = `${req.method} ${url.pathname}`;
    try {
      if (route === "POST /api/newsletter/subscribe") return await subscribe(req, res, headersOf(req));
      if (route === "GET /api/newsletter/confirm") return await confirm(res, url);
      if (route === "POST /api/newsletter/unsubscribe") return await unsubscribe(req, res, url);
      if (route === "GET /api/newsletter/unsubscribe") {
        return redirect(res, `/newsletter/unsubscribe?token=${encodeURIComponent(url.searchParams.get("token") ?? "")}`);
      }
      const body = JSON.stringify({ error: { code: "NOT_FOUND", message: `No newsletter route ${route}` } });
      res.writeHead(404, { "content-type": "application/json", "cache-control": PRIVATE_CACHE_CONTROL });
      res.end(body);
    } catch (e) {
      uploadFailed(req, res, e, "newsletter");
    }
  };
}
