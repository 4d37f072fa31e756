// What an upload leaves in the database: one image row however often it is uploaded, one row
// for each person who uploaded it, and the sizes pages need to lay it out.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Media, MediaUpload } from "../../db/schema.ts";
import { processImage } from "../../src/media/pipeline.ts";
import { fallbackSrc, mediaHashOf, renditionPath } from "../../src/media/urls.ts";
import { mediaByHashes, recordUpload } from "../../src/server/queries/media.ts";
import { createBackend, type Backend } from "./harness.ts";
import { LIMITS, photo, transparentPng } from "./media-fixtures.ts";

let b: Backend;
beforeEach(async () => {
  b = await createBackend();
});
afterEach(() => b.close());

describe("recording uploads", () => {
  it("keeps one image row when many people upload the same photo at once, and one upload row each", async () => {
    const people = await Promise.all(Array.from({ length: 6 }, (_, i) => b.signUp(`Uploader ${i}`)));
    const image = await processImage(await photo(1000, 700), LIMITS);
    // Everyone twice, all at once: the writes queue, none fails, none doubles.
    const infos = await Promise.all(
      [...people, ...people].map((p) => recordUpload(b.db.write, image, { userId: p.userId, fileName: "garden.jpg", bytes: 1234 })),
    );
    expect(new Set(infos.map((i) => i.hash))).toEqual(new Set([image.hash]));
    expect(await b.db.db.select().from(Media)).toHaveLength(1);
    const uploads = await b.db.db.select().from(MediaUpload);
    expect(uploads.map((u) => u.userId).sort()).toEqual(people.map((p) => p.userId).sort());

    const found = await mediaByHashes(b.db.db, [image.hash, "f".repeat(64)]);
    expect([...found.keys()]).toEqual([image.hash]);
    expect(found.get(image.hash)).toMatchObject({ width: 1000, height: 700, placeholder: image.placeholder });
    expect(found.get(image.hash)!.variants.map((v) => `${v.width}.${v.format}`)).toEqual(
      image.variants.map((v) => `${v.width}.${v.format}`),
    );
  });

  it("names a JPEG or PNG rendition no wider than 1600 px as the image's one address", async () => {
    const user = await b.signUp("Photographer");
    const wide = await recordUpload(b.db.write, await processImage(await photo(3000, 2000), LIMITS), {
      userId: user.userId,
      fileName: "",
      bytes: 1,
    });
    expect(fallbackSrc(wide)).toBe(`/media/${wide.hash}/1600.jpg`);
    const clear = await recordUpload(b.db.write, await processImage(await transparentPng(), LIMITS), {
      userId: user.userId,
      fileName: "",
      bytes: 1,
    });
    expect(fallbackSrc(clear)).toMatch(new RegExp(`^/media/${clear.hash}/\\d+\\.png$`));
    expect(mediaHashOf(fallbackSrc(wide))).toBe(wide.hash);
    expect(mediaHashOf(renditionPath(wide.hash, { width: 480, format: "webp" }))).toBe(wide.hash);
    for (const other of [
      "https://example.com/a.jpg",
      `/media/${wide.hash}/../x.jpg`,
      `/media/${wide.hash}/1600.svg`,
      "/media/abc/1600.jpg",
    ]) {
      expect(mediaHashOf(other), other).toBeNull();
    }
  });
});
