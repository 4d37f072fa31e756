// Where an image's renditions are read from. Every file of an image lives under its hash:
// `/media/<hash>/<width>.<ext>` and `/media/<hash>/original.<ext>` (src/media/storage.ts writes
// them; src/http/media.ts serves them). The Markdown of a post names one of them; pages
// offer the rest through srcset.
import type { StoredRendition } from "../../db/schema.ts";

export const MEDIA_HASH = /^[a-f0-9]{64}$/;
const EXTENSIONS: Record<StoredRendition["format"], string> = { jpeg: "jpg", png: "png", webp: "webp", gif: "gif" };
const MEDIA_URL = /^\/media\/([a-f0-9]{64})\/(?:original|\d{1,5})\.(?:jpg|png|webp|gif)$/;

/** What a page needs of an image to show it: its size, its placeholder and its renditions. */
export interface MediaInfo {
  hash: string;
  width: number;
  height: number;
  placeholder: string;
  /** Narrowest first. */
  variants: StoredRendition[];
}

export function renditionPath(hash: string, rendition: Pick<StoredRendition, "width" | "format">): string {
  return `/media/${hash}/${rendition.width}.${EXTENSIONS[rendition.format]}`;
}

/** The hash of a `/media/…` address this site wrote, or null for any other address. */
export function mediaHashOf(url: string): string | null {
  return MEDIA_URL.exec(url)?.[1] ?? null;
}

/**
 * The one address that stands for the image in Markdown, feeds and exports: its widest
 * rendition in a format every reader has (JPEG, PNG or GIF, not WebP) up to 1600 px.
 */
export function fallbackSrc(media: MediaInfo): string {
  const plain = media.variants.filter((v) => v.format !== "webp");
  const pick = plain.filter((v) => v.width <= 1600).at(-1) ?? plain[0] ?? media.variants[0]!;
  return renditionPath(media.hash, pick);
}

/**
 * The rendition a link preview shows (og:image, twitter:image, JSON-LD): the 1200 px JPEG or
 * PNG, or the widest below it, in a format every preview reader takes.
 */
export function previewRendition(media: MediaInfo): StoredRendition & { path: string; type: string } {
  const plain = media.variants.filter((v) => v.format !== "webp");
  const pick = plain.filter((v) => v.width <= 1200).at(-1) ?? plain[0] ?? media.variants[0]!;
  return { ...pick, path: renditionPath(media.hash, pick), type: `image/${pick.format}` };
}
