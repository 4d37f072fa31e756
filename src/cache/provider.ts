// Astro's route cache provider for Quire (astro.config.mjs names this file). It keeps
// pages in the process-wide store the start script's HTTP server answers from first;
// here it answers what reaches Astro: misses, and hits when no fast path is in front.
import type { CacheProvider, CacheProviderFactory } from "astro";
import { chooseEncoding } from "../lib/accept-encoding.ts";
import { cacheKey, etagMatches, getStore, representation, strongEtag, type CacheEntry } from "./store.ts";

/** Astro attaches `Astro.cookies` to the response under this symbol, not as headers yet. */
const ASTRO_COOKIES = Symbol.for("astro.cookies");

function setsCookies(response: Response): boolean {
  if (response.headers.has("set-cookie")) return true;
  const cookies = Reflect.get(response, ASTRO_COOKIES) as { headers(): Iterator<string> } | undefined;
  return cookies ? !cookies.headers().next().done : false;
}

/** max-age from the CDN-Cache-Control header Astro writes when a page calls Astro.cache.set. */
function maxAgeOf(response: Response): number {
  const header = response.headers.get("cdn-cache-control");
  const match = header && /(?:^|,)\s*max-age=(\d+)/i.exec(header);
  return match ? Number(match[1]) : 0;
}

function tagsOf(response: Response): string[] {
  return (response.headers.get("cache-tag") ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The stored page as a response: the whole body, or a 304 when the client already has it. */
export function respondFromEntry(entry: CacheEntry, request: Request, state: "HIT" | "MISS"): Response {
  const sent = representation(entry, chooseEncoding(request.headers.get("accept-encoding")));
  const notModified = etagMatches(request.headers.get("if-none-match"), sent.etag);
  const raw = notModified ? sent.rawNotModifiedHeaders : sent.rawHeaders;
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.set(raw[i]!, raw[i + 1]!);
  headers.set("x-astro-cache", state);
  if (notModified) return new Response(null, { status: 304, headers });
  return new Response(request.method === "HEAD" ? null : sent.body.slice(), { status: entry.status, headers });
}

const quireCache: CacheProviderFactory = () => {
  const store = getStore();
  return {
    name: "quire",
    async onRequest(context, next) {
      if (context.request.method !== "GET") return next();
      const key = cacheKey(context.url);
      const hit = store.get(key);
      if (hit) return respondFromEntry(hit, context.request, "HIT");

      // Taken before rendering: a purge while the page renders keeps it out of the store.
      const since = store.generation();
      const response = await next();
      const maxAge = maxAgeOf(response);
      // Only pages that called Astro.cache.set, rendered the same for everyone, are kept.
      if (maxAge <= 0 || response.status !== 200 || setsCookies(response) || response.headers.has("vary")) {
        return response;
      }
      const body = new Uint8Array(await response.arrayBuffer());
      const entry = store.set(
        key,
        { status: response.status, body, headers: response.headers, tags: tagsOf(response), maxAgeSeconds: maxAge },
        since,
      );
      if (entry) {
        // The first reader gets the compressed page too: the copies take well under a millisecond.
        await entry.compressed;
        return respondFromEntry(entry, context.request, "MISS");
      }
      // Not kept (a purge raced the render, or too big): still a full answer with its validator.
      const headers = new Headers(response.headers);
      headers.set("etag", strongEtag(body));
      headers.set("x-astro-cache", "MISS");
      if (etagMatches(context.request.headers.get("if-none-match"), headers.get("etag")!)) {
        return new Response(null, { status: 304, headers });
      }
      return new Response(body, { status: response.status, headers });
    },
    async invalidate(options) {
      if (options.tags) store.purgeTags(Array.isArray(options.tags) ? options.tags : [options.tags]);
      if (options.path) store.purgePath(options.path);
    },
  } satisfies CacheProvider;
};

export default quireCache;
