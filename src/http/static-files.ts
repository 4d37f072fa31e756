// The built site's static files (dist/client: the islands' scripts and styles, public/),
// served before a request reaches Astro. The Node adapter runs in middleware mode, which
// leaves static files to the server around it; this is that part of its standalone mode.
import type { IncomingMessage, ServerResponse } from "node:http";
import { posix } from "node:path";
import send from "send";

/** Hashed build output: its names change with its content, so it may be kept for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";

export function serveStaticFiles(clientDir: string, assetsDir: string, next: (req: IncomingMessage, res: ServerResponse) => void) {
  const assets = `/${assetsDir}/`;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const path = url.split(/[?#]/, 1)[0]!;
    try {
      decodeURI(path); // send decodes it again; a malformed one is refused here
    } catch {
      res.writeHead(400);
      res.end("Bad request.");
      return;
    }
    // A page, not a file: Astro answers (no static page is prerendered, so no index.html).
    if (path.endsWith("/") || (req.method !== "GET" && req.method !== "HEAD")) return next(req, res);
    const file = posix.normalize(path);
    let found = false;
    send(req, file, { root: clientDir, index: false, dotfiles: file.startsWith("/.well-known/") ? "allow" : "deny" })
      .on("file", () => (found = true))
      .on("headers", () => {
        if (file.startsWith(assets)) res.setHeader("Cache-Control", IMMUTABLE);
      })
      .on("error", (err: { statusCode?: number }) => {
        if (!found) return next(req, res);
        const status = err.statusCode ?? 500;
        res.writeHead(status);
        res.end(status >= 500 ? "Internal server error" : "");
      })
      .pipe(res);
  };
}
