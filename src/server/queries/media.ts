// Images in SQL: what an upload records and what pages read back. One row an image (its hash
// names it), one row for each person who uploaded it. Functions take the database and return
// rows; they know nothing of who asks.
import { inArray, sql } from "drizzle-orm";
import { Media, MediaUpload } from "../../../db/schema.ts";
import type { Database, Db } from "../../../db/client.ts";
import type { ProcessedImage } from "../../media/pipeline.ts";
import { fallbackSrc, mediaHashOf, renditionPath, type MediaInfo } from "../../media/urls.ts";

const infoColumns = {
  hash: Media.hash,
  width: Media.width,
  height: Media.height,
  placeholder: Media.placeholder,
  variants: Media.variants,
};

/**
 * Records a stored image and who uploaded it. The same image uploaded again (by anyone) keeps
 * its first row; a second uploader gets a row of their own, and the first keeps theirs.
 */
export async function recordUpload(
  write: Db["write"],
  image: ProcessedImage,
  upload: { userId: string; fileName: string; bytes: number },
): Promise<MediaInfo> {
  const rendition = (r: ProcessedImage["original"]) => ({ width: r.width, height: r.height, format: r.format, bytes: r.bytes.byteLength });
  const row = {
    hash: image.hash,
    width: image.width,
    height: image.height,
    format: image.format,
    bytes: upload.bytes,
    hasAlpha: image.hasAlpha,
    animated: image.animated,
    placeholder: image.placeholder,
    original: rendition(image.original),
    variants: image.variants.map(rendition),
  };
  await write((db) =>
    db.batch([
      db.insert(Media).values(row).onConflictDoNothing(),
      db
        .insert(MediaUpload)
        .values({ hash: image.hash, userId: upload.userId, fileName: upload.fileName })
        .onConflictDoUpdate({ target: [MediaUpload.hash, MediaUpload.userId], set: { createdAt: sql`excluded.created_at` } }),
    ]),
  );
  return { hash: row.hash, width: row.width, height: row.height, placeholder: row.placeholder, variants: row.variants };
}

/** The images among `hashes` that exist, by hash: a page looks up every image it shows at once. */
export async function mediaByHashes(db: Database, hashes: readonly string[]): Promise<Map<string, MediaInfo>> {
  if (hashes.length === 0) return new Map();
  const rows = await db
    .select(infoColumns)
    .from(Media)
    .where(inArray(Media.hash, [...new Set(hashes)]));
  return new Map(rows.map((r) => [r.hash, r]));
}

/** A post's cover as pages show it: the image, its alt text and its one plain address. */
export interface Cover extends MediaInfo {
  alt: string;
  /** The JPEG/PNG/GIF rendition that stands for it (fallbackSrc). */
  src: string;
}

/** Each row with its cover (null for none), the images of all of them read at once. */
export async function withCovers<T extends { coverHash: string | null; coverAlt: string }>(
  db: Database,
  rows: readonly T[],
): Promise<(T & { cover: Cover | null })[]> {
  const media = await mediaByHashes(
    db,
    rows.flatMap((r) => (r.coverHash ? [r.coverHash] : [])),
  );
  return rows.map((r) => {
    const info = r.coverHash ? media.get(r.coverHash) : undefined;
    return { ...r, cover: info ? { ...info, alt: r.coverAlt, src: fallbackSrc(info) } : null };
  });
}

/** Whether `url` is the address of a rendition of an image stored here (`/media/<hash>/<width>.<ext>`). */
export async function isStoredImage(db: Database, url: string): Promise<boolean> {
  const hash = mediaHashOf(url);
  const info = hash ? (await mediaByHashes(db, [hash])).get(hash) : undefined;
  return Boolean(info?.variants.some((v) => renditionPath(info.hash, v) === url));
}
