import { createHash } from "node:crypto";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { processImage, variantWidths, type ProcessedImage } from "../../src/media/pipeline.ts";
import { LIMITS, animatedGif, hasGpsDirectory, opaquePngWithAlpha, phonePhoto, photo, transparentPng } from "./media-fixtures.ts";

const outputsOf = (image: ProcessedImage) => [image.original, ...image.variants];
const formatsAt = (image: ProcessedImage) => image.variants.map((v) => `${v.width}.${v.format}`);

describe("processImage: a phone photo", () => {
  let input: Buffer;
  let image: ProcessedImage;
  beforeAll(async () => {
    input = await phonePhoto();
    image = await processImage(input, LIMITS);
  });

  it("the fixture carries what a phone writes: orientation 6, GPS, XMP, a P3 profile", async () => {
    const meta = await sharp(input).metadata();
    expect(meta).toMatchObject({ orientation: 6, width: 40, height: 20 });
    expect(hasGpsDirectory(meta.exif!)).toBe(true);
    expect(meta.xmp).toBeDefined();
    expect(meta.icc).toBeDefined();
  });

  it("comes out upright: orientation 6 turns 40×20 into 20×40, in the result and in every output", async () => {
    expect(image).toMatchObject({ width: 20, height: 40, format: "jpeg", hasAlpha: false, animated: false });
    for (const out of outputsOf(image)) {
      const meta = await sharp(out.bytes).metadata();
      expect([meta.width, meta.height, meta.orientation]).toEqual([20, 40, undefined]);
      expect(out.height).toBe(40);
    }
  });

  it("keeps no metadata at all in any output: no EXIF (so no GPS), no XMP, no IPTC, no colour profile", async () => {
    expect(outputsOf(image).length).toBeGreaterThan(1);
    for (const out of outputsOf(image)) {
      const meta = await sharp(out.bytes).metadata();
      expect({ exif: meta.exif, xmp: meta.xmp, iptc: meta.iptc, icc: meta.icc }).toEqual({
        exif: undefined,
        xmp: undefined,
        iptc: undefined,
        icc: undefined,
      });
      expect(meta.space).toBe("srgb");
      expect(Buffer.from(out.bytes).includes("QuirePhone")).toBe(false);
    }
  });

  it("is named by the sha256 of the bytes as uploaded, and gives a colour to hold its place", () => {
    expect(image.hash).toBe(createHash("sha256").update(input).digest("hex"));
    expect(image.placeholder).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe("processImage: widths and formats", () => {
  it("a 3000 px photo gets 480, 800, 1200, 1600 and 2400 in WebP and JPEG, and an original at 3000", async () => {
    const image = await processImage(await photo(3000, 2000), LIMITS);
    expect(formatsAt(image)).toEqual([
      "480.jpeg",
      "480.webp",
      "800.jpeg",
      "800.webp",
      "1200.jpeg",
      "1200.webp",
      "1600.jpeg",
      "1600.webp",
      "2400.jpeg",
      "2400.webp",
    ]);
    for (const v of image.variants) {
      const meta = await sharp(v.bytes).metadata();
      expect(meta.format).toBe(v.format);
      expect([meta.width, meta.height]).toEqual([v.width, Math.round((v.width * 2000) / 3000)]);
      expect(v.contentType).toBe(`image/${v.format}`);
    }
    expect(image.original).toMatchObject({ width: 3000, height: 2000, format: "jpeg", contentType: "image/jpeg" });
  });

  it("a 600 px image gets 480 and 600 and nothing wider: never upscaled", async () => {
    const image = await processImage(await photo(600, 400), LIMITS);
    expect(formatsAt(image)).toEqual(["480.jpeg", "480.webp", "600.jpeg", "600.webp"]);
  });

  it("an image narrower than 480 px gets one size, its own", async () => {
    const image = await processImage(await photo(300, 200), LIMITS);
    expect(formatsAt(image)).toEqual(["300.jpeg", "300.webp"]);
    expect(variantWidths(2400)).toEqual([480, 800, 1200, 1600, 2400]);
    expect(variantWidths(1000)).toEqual([480, 800, 1000]);
  });

  it("keeps the original at most 4000 px on its long side", async () => {
    const image = await processImage(await photo(2000, 5000), LIMITS);
    expect(image).toMatchObject({ width: 2000, height: 5000 });
    expect(image.original).toMatchObject({ width: 1600, height: 4000 });
    expect(image.variants.at(-1)).toMatchObject({ width: 2000, height: 5000 });
    // Ten megapixels encoded six times: seconds on a quiet machine, more on a busy one.
  }, 90_000);
});

describe("processImage: transparency and animation", () => {
  it("a PNG that uses its alpha channel gets PNG and WebP variants that keep the transparent pixels", async () => {
    const image = await processImage(await transparentPng(), LIMITS);
    expect(image).toMatchObject({ format: "png", hasAlpha: true, animated: false });
    expect(image.original.format).toBe("png");
    expect(formatsAt(image)).toEqual(["64.png", "64.webp"]);
    for (const out of outputsOf(image)) {
      const { data, info } = await sharp(out.bytes).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(4);
      const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
      expect([alphaAt(32, 32), alphaAt(2, 2)]).toEqual([0, 255]);
    }
  });

  it("a PNG whose alpha channel is all opaque is treated as opaque: JPEG, not PNG", async () => {
    const image = await processImage(await opaquePngWithAlpha(), LIMITS);
    expect(image.hasAlpha).toBe(false);
    expect(formatsAt(image)).toEqual(["64.jpeg", "64.webp"]);
    expect(image.original.format).toBe("png");
  });

  it("a 3-frame GIF becomes animated WebP with 3 frames, and the GIF itself is kept, still animated", async () => {
    const image = await processImage(await animatedGif(), LIMITS);
    expect(image).toMatchObject({ format: "gif", animated: true, width: 30, height: 20 });
    expect(formatsAt(image)).toEqual(["30.webp"]);
    const webp = await sharp(image.variants[0].bytes).metadata();
    expect(webp).toMatchObject({ format: "webp", pages: 3, width: 30, height: 20 });
    const gif = await sharp(image.original.bytes).metadata();
    expect(gif).toMatchObject({ format: "gif", pages: 3, width: 30 });
    expect(image.original).toMatchObject({ format: "gif", contentType: "image/gif", height: 20 });
  });

  it("AVIF is read but not written: its variants are WebP and JPEG, its original a JPEG", async () => {
    const avif = await sharp(await photo(500, 300))
      .avif({ effort: 0 })
      .toBuffer();
    const image = await processImage(avif, LIMITS);
    expect(image.format).toBe("avif");
    expect(formatsAt(image)).toEqual(["480.jpeg", "480.webp", "500.jpeg", "500.webp"]);
    expect(image.original.format).toBe("jpeg");
  });
});

describe("processImage: the same image twice", () => {
  it("gives the same hash for the same bytes and another for other bytes", async () => {
    const bytes = await photo(200, 100);
    const [a, b] = await Promise.all([processImage(bytes, LIMITS), processImage(Uint8Array.from(bytes), LIMITS)]);
    expect(a.hash).toBe(b.hash);
    const other = await processImage(await photo(201, 100), LIMITS);
    expect(other.hash).not.toBe(a.hash);
  });
});
