import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MediaRefused, processImage, type MediaRefusalReason } from "../../src/media/pipeline.ts";
import { localStore, storeMedia, type MediaStore } from "../../src/media/storage.ts";
import { LIMITS, photo, pngDeclaring } from "./media-fixtures.ts";

let dir: string;
let store: MediaStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "quire-media-limits-"));
  store = localStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What an upload route will do: process, then store. */
async function upload(bytes: Uint8Array, limits = LIMITS) {
  return storeMedia(store, await processImage(bytes, limits));
}

async function refusalOf(bytes: Uint8Array, limits = LIMITS): Promise<MediaRefused> {
  const error = await upload(bytes, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaRefused);
  expect(readdirSync(dir)).toEqual([]); // nothing stored
  return error as MediaRefused;
}

async function expectRefused(bytes: Uint8Array, reason: MediaRefusalReason, status: number, limits = LIMITS) {
  const refusal = await refusalOf(bytes, limits);
  expect({ reason: refusal.reason, status: refusal.status }).toEqual({ reason, status });
  expect(refusal.message.length).toBeGreaterThan(10);
  return refusal;
}

describe("upload limits, before anything is parsed", () => {
  it("refuses zero bytes", async () => {
    await expectRefused(new Uint8Array(0), "empty", 422);
  });

  it("refuses more bytes than maxBytes, saying both sizes", async () => {
    const refusal = await expectRefused(await photo(64, 64), "too-large", 413, { ...LIMITS, maxBytes: 100 });
    expect(refusal.message).toMatch(/^The file is \d+ KB; images may be at most 100 bytes\.$/);
  });

  it("refuses a tiny PNG that declares 30,000×30,000 pixels, from its header, without decoding it", async () => {
    const bomb = await pngDeclaring(30_000, 30_000);
    expect(bomb.byteLength).toBeLessThan(200);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ format: "png", width: 30_000, height: 30_000 });
    const refusal = await expectRefused(bomb, "too-many-pixels", 413);
    expect(refusal.message).toContain("50 megapixels");
  });

  it("refuses an image over maxPixels that sharp's own default limit would let through", async () => {
    await expectRefused(await photo(300, 200), "too-many-pixels", 413, { ...LIMITS, maxPixels: 300 * 200 - 1 });
  });
});

describe("upload types, by their bytes", () => {
  it("refuses a truncated JPEG", async () => {
    const whole = await photo(400, 300);
    await expectRefused(whole.subarray(0, Math.floor(whole.byteLength / 2)), "corrupt", 422);
  });

  it("refuses HTML, whatever its name (a file called photo.jpg is still read as what it is)", async () => {
    const html = new TextEncoder().encode("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>");
    await expectRefused(html, "html", 415);
  });

  it("refuses an SVG, script and all, saying SVG is not accepted", async () => {
    const svg = new TextEncoder().encode(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>',
    );
    const refusal = await expectRefused(svg, "svg", 415);
    expect(refusal.message).toMatch(/^SVG is not accepted/);
  });

  it("refuses a PDF", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    await expectRefused(pdf, "pdf", 415);
  });

  it("refuses other files, and a file whose header claims one format but whose body is not it", async () => {
    await expectRefused(new TextEncoder().encode("just some words"), "unsupported-type", 415);
    const tiff = await sharp(await photo(20, 20))
      .tiff()
      .toBuffer();
    await expectRefused(tiff, "unsupported-type", 415);
    await expectRefused(Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(64, 7)]), "corrupt", 422);
  });

  it("takes a JPEG with HTML after it (a polyglot) but stores only re-encoded pixels: no byte of the HTML survives", async () => {
    const html = "<html><body><script>alert(document.cookie)</script></body></html>";
    const polyglot = Buffer.concat([await photo(100, 80), Buffer.from(html)]);
    const image = await processImage(polyglot, LIMITS);
    expect(image.format).toBe("jpeg");
    await storeMedia(store, image);
    for (const out of [image.original, ...image.variants]) {
      const bytes = Buffer.from(out.bytes);
      expect(bytes.includes("<script")).toBe(false);
      expect(bytes.includes("<html")).toBe(false);
      // Each output ends where its format says it ends.
      if (out.format === "jpeg") expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    }
  });
});
