// Request checks shared by the API routes.
import { CLIENT_IP_HEADER } from "../auth.ts";
import type { Config } from "../config.ts";

/** The origins a state-changing request may come from: the public site and this server. */
export function isSameOrigin(request: Request, config: Config): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  return origin === new URL(config.siteUrl).origin || origin === new URL(request.url).origin;
}

/**
 * A copy of the request's headers carrying the client address in the one header
 * better-auth is told to trust, so rate limits are per client, not global.
 */
export function withClientAddress(request: Request, clientAddress: string | undefined, config: Config): Request {
  const headers = new Headers(request.headers);
  const forwarded = config.trustProxy ? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  headers.set(CLIENT_IP_HEADER, forwarded || clientAddress || "unknown");
  return new Request(request, { headers });
}

export function jsonError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json" },
  });
}
