// The request listener in front of Astro: a fresh cached page is written straight from
// the store, with no Request/Response objects, routing or middleware; anything else goes
// to Astro's own Node handler, whose cache provider fills the same store.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { cacheKey, etagMatches, representation, type CacheEntry, type Store } from "../cache/store.ts";
import { chooseEncoding } from "../lib/accept-encoding.ts";

/** A stored answer as it is: its encoding for this client, or 304 when the client has it. */
export function sendEntry(req: IncomingMessage, res: ServerResponse, entry: CacheEntry): void {
  // Brotli or gzip bytes made once when the page was stored, never per request.
  const sent = representation(entry, chooseEncoding(req.headers["accept-encoding"]));
  if (etagMatches(req.headers["if-none-match"], sent.etag)) {
    res.writeHead(304, sent.rawNotModifiedHeaders);
    res.end();
  } else {
    res.writeHead(entry.status, sent.rawHeaders);
    res.end(req.method === "HEAD" ? undefined : sent.body);
  }
}

export function createFastPath(store: Store, astro: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method;
    if ((method === "GET" || method === "HEAD") && req.url) {
      let entry;
      try {
        entry = store.get(cacheKey(req.url));
      } catch {
        // A target URL parsing rejects: Astro answers it as it would anyway.
      }
      if (entry) return sendEntry(req, res, entry);
    }
    astro(req, res);
  };
}
