// Request checks shared by the API routes.
import { CLIENT_IP_HEADER } from "../auth.ts";
import type { Config } from "../config.ts";

/**
 * Whether a state-changing request comes from one of the site's own origins: SITE_URL's,
 * or one in AUTH_TRUSTED_ORIGINS (`*` standing for one or more DNS labels). Never the
 * request's own Host: whoever sends `Host: evil` can send `Origin: http://evil` too.
 */
export function isSameOrigin(request: Request, config: Config): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  return origin === new URL(config.siteUrl).origin || config.trustedOrigins.some((trusted) => originMatches(origin, trusted));
}

function originMatches(origin: string, trusted: string): boolean {
  if (!trusted.includes("*")) return origin === trusted;
  const pattern = trusted
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[a-z0-9-]+(?:\\.[a-z0-9-]+)*");
  return new RegExp(`^${pattern}$`, "i").test(origin);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state-changing request that a page on another site could have sent: every
 * browser puts an Origin on a POST, so one that is missing or foreign is not ours, and
 * only JSON is accepted, because forms and text/plain are what cross-site pages can send
 * without asking. Returns the refusal, or null to go on.
 */
export function refuseCrossSite(request: Request, config: Config, opts: { bodyRequired: boolean; flat?: boolean }): Response | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const error = opts.flat ? flatError : jsonError;
  if (!isSameOrigin(request, config)) {
    const from = request.headers.get("origin");
    const site = new URL(config.siteUrl).origin;
    return error(
      403,
      "FORBIDDEN",
      `Cross-site request refused: changes are taken only from ${site} (SITE_URL), and this came from ${from ?? "no origin"}`,
    );
  }
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type ? type !== "application/json" : opts.bodyRequired) {
    return error(415, "UNSUPPORTED_MEDIA_TYPE", "Send changes as application/json");
  }
  return null;
}

/** An error in better-auth's shape (`{ code, message }`), which its client shows. */
function flatError(status: number, code: string, message: string): Response {
  return Response.json({ code, message }, { status });
}

/**
 * The client's address: the socket's, or behind a trusted reverse proxy the one that
 * proxy appended to X-Forwarded-For. That is the last entry: anything before it came
 * from the client and could be anything, so rotating it must not buy fresh attempts.
 */
export function clientAddressOf(request: Request, socketAddress: string | undefined, config: Config): string {
  if (config.trustProxy) {
    const hops = request.headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((h) => h.trim())
      .filter(Boolean);
    const last = hops?.at(-1);
    if (last) return last;
  }
  return socketAddress || "unknown";
}

/**
 * A copy of the request's headers carrying the client address in the one header
 * better-auth is told to trust (replacing whatever a client put there), so rate limits
 * are per client, not global.
 */
export function withClientAddress(request: Request, clientAddress: string | undefined, config: Config): Request {
  return new Request(request, { headers: headersWithClientAddress(request, clientAddress, config) });
}

/** The request's headers with the client address added, as withClientAddress sets it. */
export function headersWithClientAddress(request: Request, clientAddress: string | undefined, config: Config): Headers {
  const headers = new Headers(request.headers);
  headers.set(CLIENT_IP_HEADER, clientAddressOf(request, clientAddress, config));
  return headers;
}

export function jsonError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json" },
  });
}
