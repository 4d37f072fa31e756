// The media library through its procedures: whose images each person sees, where an image is
// used, and a delete that refuses to leave a post or an avatar pointing at nothing.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Media, MediaUpload, Post, user } from "../../db/schema.ts";
import { processImage } from "../../src/media/pipeline.ts";
import { storeMedia } from "../../src/media/storage.ts";
import { fallbackSrc } from "../../src/media/urls.ts";
import { recordUpload } from "../../src/server/queries/media.ts";
import { createBackend, type Backend } from "./harness.ts";
import { LIMITS, photo } from "./media-fixtures.ts";

let b: Backend;
beforeEach(async () => {
  b = await createBackend();
});
afterEach(() => b.close());

/** An image uploaded by `userId` as the route does it: processed, stored, recorded. */
async function uploaded(userId: string, width = 600, fileName = "photo.jpg") {
  const image = await processImage(await photo(width, 400), LIMITS);
  await storeMedia(b.media, image);
  const info = await recordUpload(b.db.write, image, { userId, fileName, bytes: 5000 });
  return { hash: info.hash, src: fallbackSrc(info) };
}

describe("media.list", () => {
  it("shows an author their own uploads with thumbnail, size and uploader; an editor sees everyone's", async () => {
    const ann = await b.signUp("Ann", "author");
    const ben = await b.signUp("Ben", "author");
    const eve = await b.signUp("Eve", "editor");
    const mine = await uploaded(ann.userId, 600, "harbour.jpg");
    const theirs = await uploaded(ben.userId, 700);

    const list = await ann.caller.media.list();
    expect(list.map((m) => m.hash)).toEqual([mine.hash]);
    expect(list[0]).toMatchObject({
      src: mine.src,
      width: 600,
      height: 400,
      bytes: 5000,
      fileName: "harbour.jpg",
      uploader: { id: ann.userId, name: "Ann" },
      thumbnail: { src: `/media/${mine.hash}/480.webp`, width: 480, height: 320 },
      usage: { posts: [], avatars: [] },
    });
    expect((await eve.caller.media.list()).map((m) => m.hash).sort()).toEqual([mine.hash, theirs.hash].sort());
  });
});

describe("where an image is used", () => {
  it("finds it in a post's text, as a cover and as an avatar, and names someone else's draft without its title", async () => {
    const ann = await b.signUp("Ann", "author");
    const ben = await b.signUp("Ben", "author");
    const { hash, src } = await uploaded(ann.userId);
    const inText = await ann.caller.post.create({ title: "Harbour walk", body: `Look:\n\n![The harbour](${src})` });
    const secret = await ben.caller.post.create({ title: "Ben's secret draft" });
    await b.db.db.update(Post).set({ coverHash: hash }).where(eq(Post.id, secret.id));
    await b.db.db.update(user).set({ image: src }).where(eq(user.id, ann.userId));

    const usage = await ann.caller.media.usage({ hash });
    expect(usage.avatars).toEqual([{ id: ann.userId, name: "Ann" }]);
    expect(usage.posts).toEqual(
      expect.arrayContaining([
        {
          id: inText.id,
          kind: "post",
          title: "Harbour walk",
          href: `/dashboard/posts/${inText.id}`,
          status: "draft",
          asCover: false,
          inBody: true,
        },
        {
          id: secret.id,
          kind: "post",
          title: expect.not.stringContaining("secret"),
          href: null,
          status: "draft",
          asCover: true,
          inBody: false,
        },
      ]),
    );
    expect(await ben.caller.media.usage({ hash }).catch((e: { code: string }) => e.code)).toBe("FORBIDDEN");
  });

  it("names a page as a page: an author reaches a published one at its address, a draft one not at all", async () => {
    const ann = await b.signUp("Ann", "author");
    const edna = await b.signUp("Edna", "editor");
    const { hash, src } = await uploaded(ann.userId);
    const about = await edna.caller.post.create({ kind: "page", title: "About", body: `![The harbour](${src})` });
    const contact = await edna.caller.post.create({ kind: "page", title: "Contact", body: `![](${src})` });
    await edna.caller.post.publish({ id: about.id });

    const seen = (await ann.caller.media.usage({ hash })).posts.map((p) => [p.kind, p.title, p.href]);
    expect(seen.sort()).toEqual([
      ["page", "A page that is not published", null],
      ["page", "About", "/about"],
    ]);
    // Editors edit pages, whoever made them.
    expect((await edna.caller.media.usage({ hash })).posts.map((p) => p.href).sort()).toEqual(
      [`/dashboard/posts/${about.id}`, `/dashboard/posts/${contact.id}`].sort(),
    );
    const refused = await ann.caller.media.delete({ hash }).catch((e: { message: string }) => e.message);
    expect(refused).toContain("the page “About” (its text)");
  });
});

describe("media.delete", () => {
  it("refuses while the image is used, saying where, and deletes its rows and files once nothing uses it", async () => {
    const ann = await b.signUp("Ann", "author");
    const { hash, src } = await uploaded(ann.userId);
    const post = await ann.caller.post.create({ title: "Harbour walk", body: `![](${src})` });
    await b.db.db.update(user).set({ image: src }).where(eq(user.id, ann.userId));

    const refused = await ann.caller.media.delete({ hash }).catch((e: { code: string; message: string }) => e);
    expect(refused).toMatchObject({ code: "CONFLICT" });
    expect((refused as { message: string }).message).toBe(
      "This image is in use by the post “Harbour walk” (its text), the avatar of Ann: remove it there first.",
    );
    expect(existsSync(join(b.mediaDir, hash))).toBe(true);

    await ann.caller.post.update({ id: post.id, version: post.version, body: "No picture now." });
    await b.db.db.update(user).set({ image: null }).where(eq(user.id, ann.userId));
    expect(await ann.caller.media.delete({ hash })).toEqual({ hash, removed: "image" });
    expect(await b.db.db.select().from(Media)).toEqual([]);
    expect(await b.db.db.select().from(MediaUpload)).toEqual([]);
    expect(existsSync(join(b.mediaDir, hash))).toBe(false);
    expect(await ann.caller.media.delete({ hash }).catch((e: { code: string }) => e.code)).toBe("NOT_FOUND");
  });

  it("takes an image two authors uploaded out of one library only, keeping it for the other", async () => {
    const ann = await b.signUp("Ann", "author");
    const ben = await b.signUp("Ben", "author");
    const bytes = await photo(500, 300);
    for (const who of [ann, ben]) {
      const image = await processImage(bytes, LIMITS);
      await storeMedia(b.media, image);
      await recordUpload(b.db.write, image, { userId: who.userId, fileName: "", bytes: 1 });
    }
    const [{ hash }] = await ann.caller.media.list();
    expect(await ann.caller.media.delete({ hash: hash! })).toEqual({ hash, removed: "from-library" });
    expect(await ann.caller.media.list()).toEqual([]);
    expect((await ben.caller.media.list()).map((m) => m.hash)).toEqual([hash]);
    expect(readdirSync(join(b.mediaDir, hash!)).length).toBeGreaterThan(0);
  });
});

describe("a post's cover (post.update's cover field)", () => {
  it("sets an uploaded image with its alt text, refuses a hash nothing was uploaded as, and removes it with null", async () => {
    const ann = await b.signUp("Ann", "author");
    const { hash } = await uploaded(ann.userId);
    const post = await ann.caller.post.create({ title: "With a cover" });
    const missing = await ann.caller.post
      .update({ id: post.id, version: post.version, cover: { hash: "c".repeat(64), alt: "x" } })
      .catch((e: { code: string; message: string }) => e);
    expect(missing).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^cover: No uploaded image/) });
    const covered = await ann.caller.post.update({ id: post.id, version: post.version, cover: { hash, alt: "The harbour at dawn" } });
    expect([covered.coverHash, covered.coverAlt]).toEqual([hash, "The harbour at dawn"]);
    expect((await ann.caller.media.usage({ hash })).posts.map((p) => p.asCover)).toEqual([true]);
    const kept = await ann.caller.post.update({ id: post.id, version: covered.version, title: "Renamed" });
    expect(kept.coverHash).toBe(hash);
    const bare = await ann.caller.post.update({ id: post.id, version: kept.version, cover: null });
    expect([bare.coverHash, bare.coverAlt]).toEqual([null, ""]);
  });
});
