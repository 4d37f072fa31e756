// Images for the media tests, made here with sharp so that each test says what its input holds.
import { crc32 } from "node:zlib";
import sharp from "sharp";
import type { Db } from "../../db/client.ts";

export const LIMITS = { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 };

/** A picture with some detail (a gradient under noise), so encoders have work and sizes mean something. */
export async function photo(width: number, height: number): Promise<Buffer> {
  const noise = await sharp({
    create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: "#3a6ea5" } })
    .composite([{ input: noise, blend: "soft-light" }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/**
 * A 40×20 JPEG tagged "rotate 90° clockwise to view" (orientation 6), with a GPS position, a
 * camera make, XMP and a Display P3 colour profile: what a phone photo carries.
 */
export async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 20, channels: 3, background: "#c04020" } })
    .jpeg()
    .withIccProfile("p3")
    .withExif({
      IFD0: { Make: "QuirePhone", Model: "Test 1" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** Whether raw EXIF (as sharp's metadata gives it) has a GPS directory: tag 0x8825 in IFD0. */
export function hasGpsDirectory(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.indexOf("Exif\0\0") === 0 ? 6 : 0);
  const little = tiff.toString("latin1", 0, 2) === "II";
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const entries = u16(ifd0);
  for (let i = 0; i < entries; i++) if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  return false;
}

/** A 64×64 PNG, opaque but for a transparent 16×16 square in its middle. */
export async function transparentPng(): Promise<Buffer> {
  const pixels = Buffer.alloc(64 * 64 * 4);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const inHole = x >= 24 && x < 40 && y >= 24 && y < 40;
      pixels.set([20, 160, 60, inHole ? 0 : 255], (y * 64 + x) * 4);
    }
  }
  return sharp(pixels, { raw: { width: 64, height: 64, channels: 4 } })
    .png()
    .toBuffer();
}

/** A PNG with an alpha channel in which every pixel is opaque. */
export async function opaquePngWithAlpha(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 1 } } })
    .png()
    .toBuffer();
}

/** A looping 3-frame GIF, 30×20: red, green, blue. */
export async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all(
    ["#ff0000", "#00ff00", "#0000ff"].map((background) =>
      sharp({ create: { width: 30, height: 20, channels: 3, background } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })
    .gif({ loop: 0, delay: [100, 100, 100] })
    .toBuffer();
}

/** A valid 1×1 PNG whose header (IHDR) claims 30,000×30,000 pixels, its CRC recomputed. */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } })
      .png()
      .toBuffer(),
  );
  // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more bytes, then the CRC of type + data.
  if (png.toString("latin1", 12, 16) !== "IHDR") throw new Error("IHDR is not the first chunk");
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** An avatar as the profile's upload leaves it: a small photo recorded for `userId`, by its address. */
export async function uploadedAvatar(write: Db["write"], userId: string): Promise<string> {
  const { processImage } = await import("../../src/media/pipeline.ts");
  const { recordUpload } = await import("../../src/server/queries/media.ts");
  const { fallbackSrc } = await import("../../src/media/urls.ts");
  const image = await processImage(await photo(96, 96), LIMITS);
  return fallbackSrc(await recordUpload(write, image, { userId, fileName: "me.jpg", bytes: 1 }));
}
