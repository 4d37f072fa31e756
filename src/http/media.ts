// Stored images under /media/<sha256>/<rendition>.<ext>, answered before Astro. An address
// names its bytes (content-addressed), so a file is kept by browsers and proxies for a year and
// its ETag is its address; nothing ever needs purging. Only GET and HEAD reach here (methods.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { MEDIA_KEY, type MediaStore } from "../media/storage.ts";
import { etagMatches } from "../cache/store.ts";

export const MEDIA_PREFIX = "/media/";
const IMMUTABLE = "public, max-age=31536000, immutable";

export function isMediaPath(url: string): boolean {
  return url.startsWith(MEDIA_PREFIX);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end("No such image.");
}

/** Answers a /media/ request from `store`: the file, a 304, or a 404 that says so. */
export function serveMedia(store: MediaStore) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const key = (req.url ?? "").slice(MEDIA_PREFIX.length).split(/[?#]/, 1)[0]!;
    if (!MEDIA_KEY.test(key)) return notFound(res);
    // A public bucket or CDN (MEDIA_PUBLIC_URL) serves the files itself: a permanent redirect,
    // kept by browsers as long as the file, so a reader asks here once per image at most.
    const away = store.publicUrl?.(key);
    if (away) {
      res.writeHead(301, { location: away, "cache-control": IMMUTABLE });
      res.end();
      return;
    }
    const etag = `"${key.replace("/", "-")}"`;
    if (etagMatches(req.headers["if-none-match"], etag)) {
      res.writeHead(304, { etag, "cache-control": IMMUTABLE });
      res.end();
      return;
    }
    const object = await store.get(key).catch((e: unknown) => {
      console.error(`[media] ${key}: ${e instanceof Error ? e.message : String(e)}`);
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "retry-after": "5" });
      res.end("The image store cannot be reached right now; try again in a moment.");
      return undefined;
    });
    if (object === undefined) return;
    if (!object) return notFound(res);
    res.writeHead(200, {
      "content-type": object.contentType,
      "content-length": object.size,
      "cache-control": IMMUTABLE,
      etag,
    });
    if (req.method === "HEAD") {
      object.stream.destroy();
      res.end();
      return;
    }
    await pipeline(object.stream, res).catch(() => res.destroy());
  };
}
