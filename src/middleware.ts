import { defineMiddleware } from "astro:middleware";
import type { Session } from "./auth.ts";
import { getRuntime } from "./runtime.ts";
import { readSession } from "./server/session.ts";
import { PRIVATE_CACHE_CONTROL, READER_PAGE_CACHE_CONTROL } from "./lib/cache-tags.ts";
import { NOTHING_CSP, securityHeaders } from "./http/headers.ts";
import { moveIslandStyleToHead } from "./lib/html.ts";
import { logUnavailable, unavailableResponse } from "./http/unavailable.ts";

// Runs on every request the route cache does not answer. Cached pages keep the
// headers they were stored with, so these are set for them too.
export const onRequest = defineMiddleware(async (context, next) => {
  let session: Promise<Session | null> | undefined;
  // Loaded only by pages that ask: reader pages never look at who is asking.
  context.locals.getSession = () => {
    session ??= getRuntime().then(({ auth, db }) => readSession(auth, db.db, context.request.headers));
    return session;
  };
  const { config } = await getRuntime();
  let response: Response;
  try {
    response = await next();
    if (response.headers.get("content-type")?.startsWith("text/html") && response.body) {
      // Runs on cache misses only; the stored page is the fixed one.
      const html = moveIslandStyleToHead(await response.text());
      response = new Response(html, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
  } catch (e) {
    // A locked or unreachable database is a 503 to retry, not a crash; anything else is.
    const unavailable = unavailableResponse(e, context.request);
    if (!unavailable) throw e;
    logUnavailable(`${context.request.method} ${context.url.pathname}`, e);
    response = unavailable;
  }
  const headers = response.headers;
  for (const [name, value] of Object.entries(securityHeaders(config.siteUrl))) headers.set(name, value);
  // Pages carry Astro's policy with their script hashes; API answers and redirects none.
  if (!headers.has("Content-Security-Policy")) headers.set("Content-Security-Policy", NOTHING_CSP);
  if (!headers.has("Cache-Control")) {
    // Shared pages may be kept but browsers must revalidate; anything else is per user.
    const shared = context.cache.enabled && (context.cache.options.tags?.length ?? 0) > 0;
    headers.set("Cache-Control", shared ? READER_PAGE_CACHE_CONTROL : PRIVATE_CACHE_CONTROL);
  }
  return response;
});
