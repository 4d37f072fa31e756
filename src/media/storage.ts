// Where processed images live: a folder by default, an S3-compatible bucket when several servers
// share the media. Keys are content-addressed, `<sha256 of the upload>/<rendition>.<ext>`, so an
// object is never rewritten with other bytes and a stored image is never stored twice.
import { randomUUID } from "node:crypto";
import { mkdir, open, rename, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import type { ProcessedImage, Rendition } from "./pipeline.ts";
import type { S3StoreOptions } from "./s3-store.ts";

export interface StoredObject {
  stream: Readable;
  contentType: string;
  size: number;
  etag: string;
}

export interface MediaStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<StoredObject | null>;
  has(key: string): Promise<boolean>;
  /** Removes the object; one that is not there is already removed. */
  delete(key: string): Promise<void>;
  /** Where readers fetch the object directly, when the store is public; otherwise Quire serves it. */
  publicUrl?(key: string): string | undefined;
}

const TYPES_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};
const EXTENSIONS: Record<Rendition["format"], string> = { jpeg: "jpg", png: "png", webp: "webp", gif: "gif" };

/**
 * A hash folder and one plain name with a known extension. Nothing else: no `..`, no leading
 * `/`, no dot-files (the local store's temporary files start with a dot), no other types.
 */
export const MEDIA_KEY = /^[a-f0-9]{64}\/[a-z0-9][a-z0-9-]{0,63}\.(jpg|png|webp|gif)$/;

export class InvalidMediaKey extends Error {
  constructor(key: string) {
    super(`Not a media key: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = "InvalidMediaKey";
  }
}

/** The content type a key's extension stands for; throws for anything that is not a media key. */
export function contentTypeOf(key: string): string {
  const match = MEDIA_KEY.exec(key);
  if (!match) throw new InvalidMediaKey(key);
  return TYPES_BY_EXTENSION[match[1]];
}

export function checkPut(key: string, contentType: string): void {
  const expected = contentTypeOf(key);
  // The type is the key's: both stores then answer the same type, and a local file needs no side record.
  if (contentType !== expected) throw new TypeError(`${key} is ${expected}, not ${contentType}`);
}

export function originalKey(hash: string, original: Pick<Rendition, "format">): string {
  return `${hash}/original.${EXTENSIONS[original.format]}`;
}

export function variantKey(hash: string, variant: Pick<Rendition, "width" | "format">): string {
  return `${hash}/${variant.width}.${EXTENSIONS[variant.format]}`;
}

/** Every file of a recorded image, the original first: deleting it first unmarks the image as complete. */
export function imageKeys(image: {
  hash: string;
  original: Pick<Rendition, "format">;
  variants: Array<Pick<Rendition, "width" | "format">>;
}): string[] {
  return [originalKey(image.hash, image.original), ...image.variants.map((v) => variantKey(image.hash, v))];
}

/**
 * Writes an image's variants and then its original, unless the original is there already. The
 * original goes last so that it marks a complete image: a write cut short leaves no original,
 * and the next upload of the same image writes everything again.
 */
export async function storeMedia(store: MediaStore, image: ProcessedImage): Promise<{ stored: boolean; keys: string[] }> {
  const last = originalKey(image.hash, image.original);
  const keys = [...image.variants.map((v) => variantKey(image.hash, v)), last];
  if (await store.has(last)) return { stored: false, keys };
  for (const variant of image.variants) await store.put(variantKey(image.hash, variant), variant.bytes, variant.contentType);
  await store.put(last, image.original.bytes, image.original.contentType);
  return { stored: true, keys };
}

/** Files under `dir`, one folder per image; each written whole or not at all. */
export function localStore(dir: string): MediaStore {
  const root = resolve(dir);
  const pathOf = (key: string) => {
    contentTypeOf(key);
    const path = join(root, key);
    if (!path.startsWith(root + sep)) throw new InvalidMediaKey(key);
    return path;
  };
  return {
    async put(key, bytes, contentType) {
      checkPut(key, contentType);
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Written beside its final name and renamed into place: a reader sees the old file, the
      // new one, or nothing, never a part; a crash leaves only a dot-file no key can name.
      const temp = join(dirname(path), `.tmp-${randomUUID()}`);
      try {
        const file = await open(temp, "wx", 0o644);
        try {
          await file.writeFile(bytes);
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(temp, path);
      } catch (e) {
        await rm(temp, { force: true });
        throw e;
      }
    },
    async get(key) {
      const path = pathOf(key);
      // Opened once and read through the same handle: a delete in between cannot split size from bytes.
      const file = await open(path, "r").catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return null;
        throw e;
      });
      if (!file) return null;
      try {
        const info = await file.stat();
        return {
          stream: file.createReadStream(),
          contentType: contentTypeOf(key),
          size: info.size,
          etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
        };
      } catch (e) {
        await file.close();
        throw e;
      }
    },
    async has(key) {
      const info = await stat(pathOf(key)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return null;
        throw e;
      });
      return Boolean(info?.isFile());
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      // The image's folder goes with its last file.
      await rmdir(dirname(path)).catch(() => {});
    },
  };
}

/**
 * The store the configuration names: the bucket when one is configured, else the folder. The
 * S3 client is loaded only for a bucket, so a site on a folder never holds the AWS SDK.
 */
export interface MediaStoreConfig {
  dir: string;
  s3?: Omit<S3StoreOptions, "publicUrl">;
  publicUrl?: string;
}

export async function createMediaStore(media: MediaStoreConfig): Promise<MediaStore> {
  if (!media.s3) return localStore(media.dir);
  const { s3Store } = await import("./s3-store.ts");
  return s3Store({ ...media.s3, publicUrl: media.publicUrl });
}
