// Old addresses answered with a 301 to where their content lives now: before the fast path,
// since an old address can look like a cached page's (WordPress's `/?p=12` is the home page
// to a cache that ignores unknown queries). One map lookup, and none while the table is empty.
import type { RequestListener } from "node:http";
import type { RedirectTable } from "../server/redirects.ts";

export function withRedirects(table: RedirectTable, next: RequestListener): RequestListener {
  return (req, res) => {
    if ((req.method === "GET" || req.method === "HEAD") && req.url) {
      const to = table.target(req.url);
      if (to) {
        res.writeHead(301, { location: to, "cache-control": "public, max-age=3600", "content-length": "0" });
        return void res.end();
      }
    }
    next(req, res);
  };
}
