// The Content API over HTTP: /ghost/api/content/<resource>/… (and Ghost's older
// /ghost/api/v2|v3|v4|canary/content/ prefixes), read-only, for any origin. Every request
// shows its content key (`?key=`, public by design, as Ghost's are), and is counted against
// that key's limit, cached answers included; so a revoked key is refused at once even for
// an answer in the store. Answers are kept in the same store as pages, under keys no page
// has and without the `key` parameter (every key sees the same public content), tagged
// with the pages' cache tags so a publish purges them with the pages, and sent with ETag/304
// as pages are.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Runtime } from "../runtime.ts";
import type { NewEntry, Store } from "../cache/store.ts";
import { maxAgeUntil, READER_PAGE_CACHE_CONTROL } from "../lib/cache-tags.ts";
import { checkContentKey } from "../server/api/keys.ts";
import { rateLimit } from "../server/api/rate-limit.ts";
import { ContentApiError, contentAnswer, type ContentResource } from "../server/content-api.ts";
import { databaseUnavailable } from "../../db/unavailable.ts";
import { sendEntry } from "./fast-path.ts";
import { securityHeaders } from "./headers.ts";
import { logUnavailable, RETRY_AFTER_SECONDS } from "./unavailable.ts";

const PREFIX = "/ghost/api/";
const ROUTE = /^\/ghost\/api\/(?:(?:v[2-4]|canary)\/)?content\/(posts|pages|tags|authors|settings)\/(?:(?:slug\/([^/]+)|([^/]+))\/)?$/;

export function isContentApiPath(url: string): boolean {
  return url.startsWith(PREFIX);
}

/** What Ghost says it speaks, which its client reads. */
const CONTENT_VERSION = "v6.0";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, OPTIONS",
  "access-control-allow-headers": "Accept-Version, Content-Type",
  "access-control-max-age": "86400",
};

/** Store keys of Content API answers: never a request target, so the pages' fast path never serves one without a key. */
function storeKey(pathname: string, params: URLSearchParams): string {
  const kept = [...params].filter(([name]) => name !== "key").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `content-api:${pathname}?${new URLSearchParams(kept)}`;
}

export function contentApiListener(runtime: Runtime, store: Store) {
  const limiter = rateLimit(runtime.config.contentApi.rateLimit);
  const siteUrl = runtime.config.siteUrl;
  const headers: [string, string][] = Object.entries({
    ...Object.fromEntries(Object.entries(securityHeaders(siteUrl)).map(([n, v]) => [n.toLowerCase(), v])),
    ...CORS,
    "content-type": "application/json; charset=utf-8",
    "content-version": CONTENT_VERSION,
    vary: "Accept-Encoding",
  });

  function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      ...Object.fromEntries(headers),
      "cache-control": "private, no-store",
      ...extra,
      "content-length": Buffer.byteLength(json),
    });
    res.end(json);
  }
  const refuse = (res: ServerResponse, status: number, type: string, message: string, extra?: Record<string, string>) =>
    send(res, status, { errors: [{ message, type }] }, extra);

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    resource: ContentResource,
    target: { id: string } | { slug: string } | undefined,
  ) {
    const key = url.searchParams.get("key");
    if (!key) return refuse(res, 401, "UnauthorizedError", "Authorization failed: give a Content API key as ?key=");
    const keyId = await checkContentKey(runtime.db, key);
    if (!keyId) return refuse(res, 401, "UnauthorizedError", "Unknown Content API Key");
    const wait = limiter.take(keyId);
    if (wait) return refuse(res, 429, "TooManyRequestsError", "Too many requests for this key: slow down", { "retry-after": String(wait) });
    const cacheKey = storeKey(url.pathname, url.searchParams);
    const cached = store.get(cacheKey);
    if (cached) return sendEntry(req, res, cached);
    const since = store.generation();
    const found = await contentAnswer({ db: runtime.db.db, siteUrl }, resource, target, url.searchParams);
    const page: NewEntry = {
      status: 200,
      body: Buffer.from(JSON.stringify(found.body)),
      headers: [...headers, ["cache-control", READER_PAGE_CACHE_CONTROL]],
      tags: found.tags,
      maxAgeSeconds: maxAgeUntil(found.refreshAt),
    };
    // Kept unless a purge came while it was read; sent as read either way, said to be a miss.
    const entry = store.set(cacheKey, page, since);
    const sent = [...page.headers, ["content-length", String(page.body.byteLength)], ["x-astro-cache", "MISS"]];
    if (entry) sent.push(["etag", entry.etag]);
    res.writeHead(200, Object.fromEntries(sent));
    res.end(req.method === "HEAD" ? undefined : page.body);
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...CORS, allow: "GET, HEAD, OPTIONS", "content-length": "0" });
      return void res.end();
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return refuse(res, 405, "MethodNotAllowedError", "The Content API only reads: use GET", { allow: "GET, HEAD, OPTIONS" });
    }
    const url = URL.parse(req.url ?? "/", "http://quire.invalid");
    const route = url && ROUTE.exec(url.pathname);
    if (!url || !route) return refuse(res, 404, "NotFoundError", "No such Content API resource: posts, pages, tags, authors or settings");
    const [, resource, slug, id] = route;
    let target: { id: string } | { slug: string } | undefined;
    try {
      if (slug) target = { slug: decodeURIComponent(slug) };
      else if (id) target = { id: decodeURIComponent(id) };
    } catch {
      return refuse(res, 400, "BadRequestError", "The address is not valid percent-encoding");
    }
    try {
      await answer(req, res, url, resource as ContentResource, target);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof ContentApiError) return refuse(res, e.status, e.type, e.message);
      const why = databaseUnavailable(e);
      if (why) {
        logUnavailable(`${req.method} ${req.url}`, e);
        return refuse(res, 503, "ServiceUnavailableError", "The database is busy or out of reach; try again shortly", {
          "retry-after": String(RETRY_AFTER_SECONDS),
        });
      }
      console.error(`[content-api] ${req.method} ${url.pathname}:`, e);
      refuse(res, 500, "InternalServerError", "Something went wrong on the server; it has been logged.");
    }
  };
}
