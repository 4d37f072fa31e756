// Moving out and back in: a site with posts, a page, tags, a cover, an image in a body,
// comments with a reply, a hidden, a held and a deleted one, people of every role, settings
// with a menu and a logo, and redirects, exported; the archive imported into an empty Quire;
// that site exported again. The two archives hold the same content.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Comment, Post, user } from "../../../db/schema.ts";
import { exportSite } from "../../../src/export/site.ts";
import { readImport } from "../../../src/import/read.ts";
import { writeBundle, type ImportReport } from "../../../src/import/write.ts";
import { processImage } from "../../../src/media/pipeline.ts";
import { storeMedia } from "../../../src/media/storage.ts";
import { fallbackSrc } from "../../../src/media/urls.ts";
import { saveRedirect } from "../../../src/server/queries/imports.ts";
import { recordUpload } from "../../../src/server/queries/media.ts";
import { saveSettings } from "../../../src/server/queries/settings.ts";
import { createBackend, type Backend } from "../harness.ts";
import { LIMITS, photo } from "../media-fixtures.ts";
import { untar } from "./untar.ts";

const work = mkdtempSync(join(tmpdir(), "quire-export-"));
let source: Backend;
let target: Backend;
let first: Map<string, Buffer>;
let second: Map<string, Buffer>;
let report: ImportReport;

async function exportOf(b: Backend, file: string) {
  const manifest = await exportSite({ db: b.db.db, media: b.media, siteUrl: b.config.siteUrl }, createWriteStream(file));
  return { manifest, files: await untar(file) };
}

async function importInto(b: Backend, file: string, actorId: string, dir: string) {
  mkdirSync(join(work, dir));
  const read = await readImport(file, join(work, dir), { maxBytes: 50 * 1024 * 1024 });
  try {
    return await writeBundle({ db: b.db, media: b.media, mediaLimits: LIMITS, purge: async () => {} }, read.bundle, {
      actorId,
      archiveRoot: read.archiveRoot,
      fetchImages: false,
    });
  } finally {
    read.close();
  }
}

async function uploaded(b: Backend, userId: string, fileName: string, width: number) {
  const image = await processImage(await photo(width, 300), LIMITS);
  await storeMedia(b.media, image);
  const info = await recordUpload(b.db.write, image, { userId, fileName, bytes: 1000 });
  return { hash: info.hash, src: fallbackSrc(info) };
}

beforeAll(async () => {
  source = await createBackend();
  const admin = await source.signUp("Ada Admin", "admin");
  const author = await source.signUp("Art Author", "author");
  const reader = await source.signUp("Rea Reader", "reader");
  await source.signUp("Ed Editor", "editor");
  await source.db.db.update(user).set({ bio: "Writes about lakes." }).where(eq(user.id, author.userId));

  const lake = await uploaded(source, author.userId, "Lake at dawn.JPG", 640);
  const boat = await uploaded(source, author.userId, "boat.jpg", 500);
  const logo = await uploaded(source, admin.userId, "logo.png", 200);

  const about = await admin.caller.post.create({
    kind: "page",
    title: "About",
    body: "Who we are. [Read the lake post](/posts/the-lake).",
  });
  await admin.caller.post.publish({ id: about.id });

  const post = await author.caller.post.create({
    title: "The lake",
    body: `Morning at the lake.\n\n![A lake at dawn](${lake.src})\n\nMore text.`,
    tags: ["Lakes", "Morning light"],
    excerpt: "A quiet morning.",
  });
  await author.caller.post.update({ id: post.id, version: 1, cover: { hash: boat.hash, alt: "A boat on the shore" }, lang: "de-AT" });
  await author.caller.post.publish({ id: post.id });
  await source.db.db.update(Post).set({ featured: true }).where(eq(Post.id, post.id));

  await author.caller.post.create({ title: "Half written", body: "Not yet." });
  const later = await author.caller.post.create({ title: "Later", body: "Next week.", tags: ["Lakes"] });
  await author.caller.post.publish({ id: later.id, at: new Date(Date.now() + 7 * 86_400_000) });

  const top = await reader.caller.comment.create({ postId: post.id, body: "Lovely *light*." });
  await author.caller.comment.create({ postId: post.id, parentId: top.id, body: "Thank you!" });
  const rude = await reader.caller.comment.create({ postId: post.id, body: "Something rude." });
  await author.caller.comment.hide({ id: rude.id });
  const gone = await reader.caller.comment.create({ postId: post.id, body: "I take it back." });
  await author.caller.comment.create({ postId: post.id, parentId: gone.id, body: "Noted." });
  await reader.caller.comment.delete({ id: gone.id });
  await reader.caller.comment.edit({ id: top.id, body: "Lovely **light**." });
  // As the hold-first setting leaves a newcomer's comment until a moderator approves it.
  const waiting = await reader.caller.comment.create({ postId: post.id, body: "Waiting for a moderator." });
  await source.db.db.update(Comment).set({ status: "held" }).where(eq(Comment.id, waiting.id));

  await saveSettings(source.db.write, {
    title: "Lakeside",
    logo: logo.hash,
    headerMenu: [
      { type: "home", label: "" },
      { type: "page", id: about.id, label: "About us" },
    ],
  });
  await saveRedirect(source.db.write, { from: "/2020/05/the-lake/", to: "/posts/the-lake" });
  await saveRedirect(source.db.write, { from: "/?p=12", to: "/about" });

  const exported = await exportOf(source, join(work, "first.tar.gz"));
  first = exported.files;
  expect(exported.manifest.counts).toEqual({ posts: 3, pages: 1, comments: 6, people: 4, media: 3, redirects: 2 });

  // An empty Quire whose first account is the same admin (the harness numbers its addresses).
  target = await createBackend();
  const newAdmin = await target.signUp("Ada Admin", "admin");
  report = await importInto(target, join(work, "first.tar.gz"), newAdmin.userId, "in-1");
  second = (await exportOf(target, join(work, "second.tar.gz"))).files;
}, 120_000);

afterAll(() => {
  source?.close();
  target?.close();
  rmSync(work, { recursive: true, force: true });
});

const text = (files: Map<string, Buffer>, name: string) => files.get(name)?.toString("utf8");

describe("the export", () => {
  it("holds each post and page as Markdown with its front matter, its images as files beside it", () => {
    expect([...first.keys()].sort()).toEqual([
      "comments.json",
      "manifest.json",
      "media/Lake-at-dawn.jpg",
      "media/boat.jpg",
      "media/logo.jpg",
      "pages/about.md",
      "people.json",
      "posts/half-written.md",
      "posts/later.md",
      "posts/the-lake.md",
      "redirects.json",
      "settings.json",
    ]);
    const lake = text(first, "posts/the-lake.md")!;
    expect(lake).toMatch(/^---\ntitle: The lake\nslug: the-lake\nkind: post\nstatus: published\npublished: '\d{4}-/);
    expect(lake).toContain("tags:\n  - Lakes\n  - Morning light\n");
    expect(lake).toMatch(/author:\n {2}name: Art Author\n {2}email: artauthor\.2@quire\.test\n/);
    expect(lake).toContain("excerpt: A quiet morning.\n");
    expect(lake).toContain("cover:\n  src: ../media/boat.jpg\n  alt: A boat on the shore\n");
    expect(lake).toContain(
      "lang: de-AT\nfeatured: true\n---\n\nMorning at the lake.\n\n![A lake at dawn](../media/Lake-at-dawn.jpg)\n\nMore text.\n",
    );
    expect(text(first, "posts/half-written.md")).toContain("status: draft\n");
    expect(text(first, "posts/half-written.md")).not.toContain("published:");
    expect(text(first, "posts/half-written.md")).not.toContain("excerpt:");
    expect(text(first, "posts/later.md")).toContain("status: scheduled\n");
    expect(text(first, "pages/about.md")).toContain("kind: page\n");
    expect(text(first, "pages/about.md")).not.toContain("tags:");
  });

  it("keeps the originals of the images, not a rendition", async () => {
    expect(await sharp(first.get("media/Lake-at-dawn.jpg")).metadata()).toMatchObject({ format: "jpeg", width: 640, height: 300 });
    expect(await sharp(first.get("media/logo.jpg")).metadata()).toMatchObject({ width: 200 });
  });

  it("lists people without passwords or sessions, and comments with their replies and states", () => {
    const people = JSON.parse(text(first, "people.json")!) as Record<string, unknown>[];
    expect(people).toEqual([
      { name: "Ada Admin", email: "adaadmin.1@quire.test", role: "admin", bio: "" },
      { name: "Art Author", email: "artauthor.2@quire.test", role: "author", bio: "Writes about lakes." },
      { name: "Ed Editor", email: "ededitor.4@quire.test", role: "editor", bio: "" },
      { name: "Rea Reader", email: "reareader.3@quire.test", role: "reader", bio: "" },
    ]);
    expect(text(first, "people.json")).not.toMatch(/password|token|session/i);
    const [lake] = JSON.parse(text(first, "comments.json")!) as { post: string; comments: Record<string, unknown>[] }[];
    expect(lake!.post).toBe("posts/the-lake.md");
    expect(lake!.comments.map(({ id, parent, status, body }) => ({ id, parent, status, body }))).toEqual([
      { id: "1", parent: null, status: "visible", body: "Lovely **light**." },
      { id: "2", parent: "1", status: "visible", body: "Thank you!" },
      { id: "3", parent: null, status: "hidden", body: "Something rude." },
      { id: "4", parent: null, status: "deleted", body: "" },
      { id: "5", parent: "4", status: "visible", body: "Noted." },
      { id: "6", parent: null, status: "held", body: "Waiting for a moderator." },
    ]);
    expect(lake!.comments[0]).toMatchObject({ author: { name: "Rea Reader", email: "reareader.3@quire.test" } });
    expect(lake!.comments[0]!.editedAt).toEqual(expect.any(String));
  });

  it("names settings' images and menu links by their files, and carries the redirects and a manifest", () => {
    expect(JSON.parse(text(first, "settings.json")!)).toEqual({
      headerMenu: [
        { type: "home", label: "" },
        { type: "page", label: "About us", file: "pages/about.md" },
      ],
      logo: "media/logo.jpg",
      title: "Lakeside",
    });
    expect(JSON.parse(text(first, "redirects.json")!)).toEqual([
      { from: "/2020/05/the-lake/", to: "/posts/the-lake" },
      { from: "/?p=12", to: "/about" },
    ]);
    expect(JSON.parse(text(first, "manifest.json")!)).toMatchObject({
      format: "quire-export",
      version: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      site: { url: "http://quire.test", title: "Lakeside" },
      counts: { posts: 3, pages: 1, comments: 6, people: 4, media: 3, redirects: 2 },
      missingMedia: [],
    });
  });
});

describe("importing Quire's own export into an empty Quire", () => {
  it("brings everything in: people with their roles, posts, comments, images, settings, redirects", async () => {
    expect(report).toMatchObject({ posts: 3, pages: 1, comments: 6, redirects: 2, settings: 3, alreadyImported: 0 });
    expect(report.people).toEqual({ matched: 1, created: 3 });
    expect(report.images).toEqual({ imported: 3, missing: [] });
    const editor = await target.db.db.select({ role: user.role }).from(user).where(eq(user.email, "ededitor.4@quire.test"));
    expect(editor).toEqual([{ role: "editor" }]);
    const [lake] = await target.db.db.select().from(Post).where(eq(Post.slug, "the-lake"));
    expect(lake).toMatchObject({
      status: "published",
      featured: true,
      lang: "de-AT",
      excerptCustom: true,
      coverAlt: "A boat on the shore",
    });
    expect(lake!.coverHash).toMatch(/^[a-f0-9]{64}$/);
    expect(lake!.html).toContain("<picture>");
    const replies = await target.db.db.select().from(Comment).where(eq(Comment.postId, lake!.id));
    expect(replies.filter((c) => c.parentId)).toHaveLength(2);
  });

  it("exports again to the same content", () => {
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [name, bytes] of first) {
      if (name.startsWith("media/") || name === "manifest.json") continue;
      expect(text(second, name), name).toBe(bytes.toString("utf8"));
    }
    const manifest = (files: Map<string, Buffer>) => JSON.parse(text(files, "manifest.json")!) as { counts: unknown; site: unknown };
    expect(manifest(second).counts).toEqual(manifest(first).counts);
    expect(manifest(second).site).toEqual(manifest(first).site);
  });

  it("has the same images, in the same sizes", async () => {
    for (const name of [...first.keys()].filter((n) => n.startsWith("media/"))) {
      const [a, b] = await Promise.all([sharp(first.get(name)).metadata(), sharp(second.get(name)).metadata()]);
      expect({ width: b.width, height: b.height, format: b.format }, name).toEqual({ width: a.width, height: a.height, format: a.format });
    }
  });

  it("adds nothing when the same export is imported again", async () => {
    const [admin] = await target.db.db.select({ id: user.id }).from(user).where(eq(user.email, "adaadmin.1@quire.test"));
    const again = await importInto(target, join(work, "first.tar.gz"), admin!.id, "in-2");
    expect(again).toMatchObject({ posts: 0, pages: 0, comments: 0, redirects: 0, settings: 0, alreadyImported: 4 });
    expect(again.people.created).toBe(0);
    expect(await target.db.db.select({ id: Post.id }).from(Post)).toHaveLength(4);
  });
});
