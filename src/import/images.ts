// The images an import names, into the media library: from the unpacked archive when it holds
// them, else (when the admin allows it) from the old site.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { storeMedia } from "../media/storage.ts";
import { fallbackSrc } from "../media/urls.ts";
import { recordUpload } from "../server/queries/media.ts";
import { fetchRemote, type RemoteLimits } from "./fetch-remote.ts";
import { ARCHIVE_URL } from "./markdown-folder.ts";
import type { ImportBundle } from "./model.ts";
import type { ImportOptions, ImportTarget } from "./write.ts";

const REMOTE_DEFAULTS: RemoteLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 15_000, maxRedirects: 3 };

/** An image by its address in the source, from the archive or (if allowed) the old site. */
export async function importImage(target: ImportTarget, bundle: ImportBundle, url: string, options: ImportOptions) {
  const bytes = await imageBytes(bundle, url, options);
  const { processImage } = await import("../media/pipeline.ts");
  const image = await processImage(bytes, target.mediaLimits);
  await storeMedia(target.media, image);
  const stored = await recordUpload(target.db.write, image, {
    userId: options.actorId,
    fileName: decodeURIComponent(url.split(/[/?#]/).filter(Boolean).at(-1) ?? "image").slice(0, 200),
    bytes: bytes.byteLength,
  });
  return { src: fallbackSrc(stored), hash: stored.hash };
}

async function imageBytes(bundle: ImportBundle, url: string, options: ImportOptions): Promise<Uint8Array> {
  const inArchive = archivePath(bundle, url);
  if (inArchive && options.archiveRoot) {
    try {
      return await readFile(join(options.archiveRoot, inArchive));
    } catch {
      // Not in the archive after all: perhaps on the old site.
    }
  }
  if (url.startsWith(ARCHIVE_URL)) throw new Error("It is not in the archive");
  const absolute = url.replace(/^__GHOST_URL__/, bundle.site.url ?? "");
  if (!/^https?:\/\//.test(absolute)) throw new Error("It names no address to fetch it from");
  if (!options.fetchImages) throw new Error("It is not in the archive, and fetching from the old site was not allowed");
  return (await fetchRemote(absolute, { ...REMOTE_DEFAULTS, ...options.remote })).bytes;
}

/** Where an address would be inside the archive: `archive:` paths, Ghost's and WordPress's uploads. */
function archivePath(bundle: ImportBundle, url: string): string | null {
  if (url.startsWith(ARCHIVE_URL)) return url.slice(ARCHIVE_URL.length);
  const ghost = /^__GHOST_URL__\/(content\/images\/.+)$/.exec(url);
  if (ghost) return decodeURIComponent(ghost[1]!);
  const wp = /\/(wp-content\/uploads\/[^?#]+)/.exec(url);
  if (wp && bundle.source === "wordpress") return decodeURIComponent(wp[1]!);
  return null;
}
