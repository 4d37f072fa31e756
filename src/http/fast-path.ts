// The request listener in front of Astro: a fresh cached page is written straight from
// the store, with no Request/Response objects, routing or middleware; anything else goes
// to Astro's own Node handler, whose cache provider fills the same store.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { cacheKey, etagMatches, type Store } from "../cache/store.ts";

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
      if (entry) {
        if (etagMatches(req.headers["if-none-match"], entry.etag)) {
          res.writeHead(304, entry.rawNotModifiedHeaders);
          res.end();
        } else {
          res.writeHead(entry.status, entry.rawHeaders);
          res.end(method === "HEAD" ? undefined : entry.body);
        }
        return;
      }
    }
    astro(req, res);
  };
}
