// An uploaded image, taken in full or refused: limits first, then the type as the bytes say it,
// then one re-encoded original and the variants pages will offer, none of them carrying any
// metadata of the upload (a phone photo's EXIF holds where it was taken).
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import sharp, { type Metadata, type OutputInfo, type Sharp } from "sharp";
import { MediaRefused } from "./refused.ts";

export interface MediaLimits {
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
  /** Largest image accepted, in pixels (width × height, every frame of an animation counted). */
  maxPixels: number;
}

/** What the upload was, by its bytes. */
export type InputFormat = "jpeg" | "png" | "webp" | "gif" | "avif";
/** What Quire writes: no AVIF, whose encoder is too slow for the machines Quire runs on. */
export type OutputFormat = "jpeg" | "png" | "webp" | "gif";

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};

export interface Rendition {
  width: number;
  /** Of one frame, for an animation. */
  height: number;
  format: OutputFormat;
  bytes: Uint8Array;
  contentType: string;
}

export interface ProcessedImage {
  /** sha256, hex, of the bytes as uploaded: the same upload twice is the same image. */
  hash: string;
  /** The upload's size once turned upright by its EXIF orientation. */
  width: number;
  height: number;
  format: InputFormat;
  /** Whether some pixel is not fully opaque (an alpha channel that is there but all opaque does not count). */
  hasAlpha: boolean;
  animated: boolean;
  /** The dominant colour, `#rrggbb`, for the space an image takes before it loads. */
  placeholder: string;
  /** The upload re-encoded without metadata, at most ORIGINAL_MAX_SIDE on its long side. */
  original: Rendition;
  /** Narrowest first. */
  variants: Rendition[];
}

export { MediaRefused, type MediaRefusalReason } from "./refused.ts";

export const VARIANT_WIDTHS = [480, 800, 1200, 1600, 2400] as const;
export const ORIGINAL_MAX_SIDE = 4000;

// One libvips thread per operation, and at most ENCODE_SLOTS operations at once across every
// upload in the process: however many images are being processed, a core stays with the
// request thread (and the render threads), so readers are not slowed by uploads.
sharp.concurrency(1);
// Every upload is a different image: libvips' cache of recent operations would only hold memory.
sharp.cache(false);

/**
 * Decodes, resizes and encodes running at once in the process, each on a thread of libuv's
 * pool (4 by default, which file reads and DNS share): one core fewer than the machine has,
 * and never more than two.
 */
const ENCODE_SLOTS = Math.min(2, Math.max(1, availableParallelism() - 1));
const slots = pLimit(ENCODE_SLOTS);

/** A pathological image (one that decodes slowly for its size) stops here rather than holding a thread. */
const ENCODE_TIMEOUT_SECONDS = 60;

const MB = 1024 * 1024;
const WEBP_EFFORT = 1;

export async function processImage(bytes: Uint8Array, limits: MediaLimits): Promise<ProcessedImage> {
  if (bytes.byteLength === 0) throw new MediaRefused("empty", "The file is empty.");
  if (bytes.byteLength > limits.maxBytes) {
    throw new MediaRefused(
      "too-large",
      `The file is ${formatSize(bytes.byteLength)}; images may be at most ${formatSize(limits.maxBytes)}.`,
    );
  }
  // Only the five formats reach libvips: it has loaders for SVG, PDF and more that an upload
  // has no business exercising.
  const sniffed = sniffFormat(bytes);
  const meta = await readMetadata(bytes, limits);
  const format = formatOf(meta);
  if (format !== sniffed) throw new MediaRefused("corrupt", "The file is damaged or not the image it looks like.");

  const animated = (format === "gif" || format === "webp") && (meta.pages ?? 1) > 1;
  const frames = animated ? (meta.pages ?? 1) : 1;
  if (meta.width * meta.height * frames > limits.maxPixels) throw tooManyPixels(limits);

  const open = (): Sharp =>
    sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "warning", autoOrient: true, animated })
      .timeout({ seconds: ENCODE_TIMEOUT_SECONDS })
      .toColourspace("srgb");

  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  const [hash, made] = await Promise.all([
    sha256Hex(bytes),
    guarded(() => (animated ? animation(open, format, width, meta.hasAlpha) : still(open, format, width, height, meta.hasAlpha)), limits),
  ]);
  const { original, variants, look } = made;
  variants.sort((a, b) => a.width - b.width || a.format.localeCompare(b.format));

  return { hash, width, height, format, hasAlpha: look.hasAlpha, animated, placeholder: look.placeholder, original, variants };
}

interface Made {
  original: Rendition;
  variants: Rendition[];
  look: { hasAlpha: boolean; placeholder: string };
}

/** Pixels in memory, 8 bits a channel, upright and sRGB. */
type Pixels = { data: Buffer; info: OutputInfo };
const pixelsOf = (image: Sharp): Promise<Pixels> => image.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
const fromPixels = ({ data, info }: Pixels): Sharp =>
  sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).timeout({ seconds: ENCODE_TIMEOUT_SECONDS });

/**
 * A still image is decoded once (to at most ORIGINAL_MAX_SIDE), and each width is resized from
 * the next wider one rather than from the upload: a 12-megapixel JPEG decoded once instead of
 * once a rendition.
 */
async function still(open: () => Sharp, format: InputFormat, width: number, height: number, alphaChannel: boolean): Promise<Made> {
  const widths = variantWidths(width);
  // Wide enough for the original and for the widest variant (a tall image's may be wider than its original).
  const originalWidth = Math.round(width * Math.min(1, ORIGINAL_MAX_SIDE / Math.max(width, height)));
  const top = Math.max(originalWidth, widths.at(-1)!);
  const base = await slots(() => pixelsOf(top < width ? open().resize({ width: top }) : open()));
  const original = originalWidth < base.info.width ? await slots(() => pixelsOf(fromPixels(base).resize({ width: originalWidth }))) : base;
  const look = await slots(() => lookAt(() => fromPixels(original), alphaChannel));
  const plain: OutputFormat = look.hasAlpha ? "png" : "jpeg";
  const sizes: Pixels[] = [];
  let wider = base;
  for (const w of [...widths].reverse()) {
    wider = w >= wider.info.width ? wider : await slots(() => pixelsOf(fromPixels(wider).resize({ width: w })));
    sizes.push(wider);
  }
  const originalFormat: OutputFormat = format === "avif" ? plain : format;
  const jobs = [
    () => encode(fromPixels(original), originalFormat, true),
    ...sizes.flatMap((pixels) => [() => encode(fromPixels(pixels), "webp", false), () => encode(fromPixels(pixels), plain, false)]),
  ];
  const [kept, ...variants] = await Promise.all(jobs.map((job) => slots(job)));
  return { original: kept!, variants, look };
}

/** An animation is resized frame by frame from the upload at each width; its fallback is the original. */
async function animation(open: () => Sharp, format: InputFormat, width: number, alphaChannel: boolean): Promise<Made> {
  const look = await slots(() => lookAt(open, alphaChannel));
  const jobs = [
    () =>
      encode(
        open().resize(ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE, { fit: "inside", withoutEnlargement: true }),
        format as OutputFormat,
        true,
      ),
    ...variantWidths(width).map((w) => () => encode(open().resize({ width: w, withoutEnlargement: true }), "webp", false)),
  ];
  const [original, ...variants] = await Promise.all(jobs.map((job) => slots(job)));
  return { original: original!, variants, look };
}

/** The standard widths narrower than the image, and the image's own width up to the widest of them. */
export function variantWidths(width: number): number[] {
  const widest = VARIANT_WIDTHS[VARIANT_WIDTHS.length - 1];
  const widths = new Set<number>(VARIANT_WIDTHS.filter((w) => w < width));
  widths.add(Math.min(width, widest));
  return [...widths].sort((a, b) => a - b);
}

function sniffFormat(bytes: Uint8Array): InputFormat {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "png";
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(4, 8) === "ftyp" && isAvifBrand(bytes)) return "avif";
  // Readers treat a PDF as one wherever %PDF- appears near the start.
  if (ascii(0, 1024).includes("%PDF-"))
    throw new MediaRefused("pdf", "PDF files are not accepted: upload a JPEG, PNG, WebP, GIF or AVIF image.");
  const text = new TextDecoder("utf-8", { fatal: false })
    .decode(bytes.subarray(0, 4096))
    .replace(/^\ufeff/, "")
    .trimStart()
    .toLowerCase();
  if (text.startsWith("<")) {
    if (text.includes("<svg")) {
      throw new MediaRefused("svg", "SVG is not accepted: it can carry scripts. Upload a PNG or WebP export of the drawing instead.");
    }
    if (/^<(!doctype\s+html|html|head|body|script|!--)/.test(text) || text.includes("<html")) {
      throw new MediaRefused("html", "This file is a web page, not an image.");
    }
  }
  throw new MediaRefused("unsupported-type", "This file is not an image Quire accepts: upload a JPEG, PNG, WebP, GIF or AVIF image.");
}

/** An ISO-BMFF file whose `ftyp` box names AVIF among its brands. */
function isAvifBrand(bytes: Uint8Array): boolean {
  const size = Math.min(((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0, bytes.byteLength, 256);
  for (let at = 8; at + 4 <= size; at += 4) {
    if (at === 12) continue; // the minor version, not a brand
    const brand = String.fromCharCode(...bytes.subarray(at, at + 4));
    if (brand === "avif" || brand === "avis") return true;
  }
  return false;
}

async function readMetadata(bytes: Uint8Array, limits: MediaLimits): Promise<Metadata> {
  try {
    // Reads the header only: a small file that declares a huge image is refused here, undecoded.
    return await sharp(bytes, { limitInputPixels: limits.maxPixels }).metadata();
  } catch (e) {
    throw refusalFor(e, limits);
  }
}

function formatOf(meta: Metadata): InputFormat | undefined {
  switch (meta.format) {
    case "jpeg":
    case "png":
    case "webp":
    case "gif":
      return meta.format;
    case "heif":
      // HEIC (hevc) is not decodable by sharp's own libvips; only AVIF is.
      return meta.compression === "av1" ? "avif" : undefined;
    default:
      return undefined;
  }
}

/** Whether transparency is used, and the dominant colour, from a small copy of the image. */
async function lookAt(open: () => Sharp, alphaChannel: boolean): Promise<{ hasAlpha: boolean; placeholder: string }> {
  // 512 px keeps a lone transparent pixel of a 4000 px image visible in the average.
  const { data, info } = await open()
    .resize(512, 512, { fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const stats = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).stats();
  const { r, g, b } = stats.dominant;
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return { hasAlpha: alphaChannel && !stats.isOpaque, placeholder: `#${hex(r)}${hex(g)}${hex(b)}` };
}

async function encode(image: Sharp, format: OutputFormat, original: boolean): Promise<Rendition> {
  // The original is what later variants would be made from: it is kept at a higher quality.
  const quality = original ? 90 : 80;
  switch (format) {
    case "webp":
      // Effort 1 of 6 takes a fraction of the default 4's time for a few percent more bytes (BENCHMARKS.md).
      image.webp({ quality, effort: WEBP_EFFORT });
      break;
    case "jpeg":
      // Progressive JPEGs show sooner in a reader's browser. The original is only re-encoded
      // from: optimised Huffman tables would cost several times its encode for a few percent.
      image.jpeg(original ? { quality, optimiseCoding: false } : { quality, progressive: true });
      break;
    case "png":
      image.png();
      break;
    case "gif":
      image.gif();
      break;
  }
  // No withMetadata/keepExif/keepIccProfile: sharp writes none of the input's EXIF, XMP, IPTC or ICC.
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.pageHeight ?? info.height, format, bytes: data, contentType: CONTENT_TYPES[format] };
}

/** A sharp failure on the upload's pixels is a refusal of the upload, not a server error. */
async function guarded<T>(work: () => Promise<T>, limits: MediaLimits): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw refusalFor(e, limits);
  }
}

function refusalFor(e: unknown, limits: MediaLimits): unknown {
  if (e instanceof MediaRefused) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(message)) return tooManyPixels(limits);
  if (/unsupported image format/i.test(message)) {
    return new MediaRefused("unsupported-type", "This file is not an image Quire accepts: upload a JPEG, PNG, WebP, GIF or AVIF image.", {
      cause: e,
    });
  }
  // libvips reports a bad file as a plain Error; a TypeError or RangeError is a bug of ours, not the upload's.
  if (!(e instanceof Error) || e instanceof TypeError || e instanceof RangeError) return e;
  return new MediaRefused("corrupt", "The image is damaged or incomplete; try exporting it again.", { cause: e });
}

function tooManyPixels(limits: MediaLimits): MediaRefused {
  return new MediaRefused(
    "too-many-pixels",
    `The image is too large: at most ${(limits.maxPixels / 1e6).toFixed(0)} megapixels are accepted.`,
  );
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // WebCrypto hashes on a thread of libuv's pool: a 20 MB upload does not hold the event loop.
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Buffer.from(digest).toString("hex");
}

function formatSize(n: number): string {
  if (n >= MB) return `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
