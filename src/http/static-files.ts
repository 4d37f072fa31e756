// The built site's static files (dist/client: the islands' scripts and styles, public/),
// served before a request reaches Astro. The Node adapter runs in middleware mode, which
// leaves static files to the server around it; this is that part of its standalone mode.
import type { IncomingMessage, ServerResponse } from "node:http";
import { posix } from "node:path";
import mime from "mime-types";
import send from "send";
import { chooseEncoding } from "../lib/accept-encoding.ts";
import { listPrecompressed, precompressedPath } from "./precompressed.ts";

/** Hashed build output: its names change with its content, so it may be kept for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";

export function serveStaticFiles(clientDir: string, assetsDir: string, next: (req: IncomingMessage, res: ServerResponse) => void) {
  const assets = `/${assetsDir}/`;
  const precompressed = listPrecompressed(clientDir);
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
    const encoding = chooseEncoding(req.headers["accept-encoding"]);
    const copy = precompressedPath(precompressed, file, encoding);
    let found = false;
    send(req, copy ?? file, { root: clientDir, index: false, dotfiles: file.startsWith("/.well-known/") ? "allow" : "deny" })
      .on("file", () => (found = true))
      .on("headers", () => {
        if (file.startsWith(assets)) res.setHeader("Cache-Control", IMMUTABLE);
        if (precompressedPath(precompressed, file, "br") || precompressedPath(precompressed, file, "gzip"))
          res.setHeader("Vary", "Accept-Encoding");
        if (copy) {
          // The type of the file itself, not of its .br or .gz copy.
          res.setHeader("Content-Type", mime.contentType(posix.extname(file)) || "application/octet-stream");
          res.setHeader("Content-Encoding", encoding);
        }
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
