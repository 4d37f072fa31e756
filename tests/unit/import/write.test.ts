// An import written into a real Quire database: people, images, posts, pages, comments,
// redirects, and the same file again adding nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Comment, MailOutbox, Media, Post, Redirect, Revision, user } from "../../../db/schema.ts";
import { parseWxr } from "../../../src/import/wxr.ts";
import { writeBundle, type ImportReport } from "../../../src/import/write.ts";
import { createBackend, type Backend } from "../harness.ts";
import { LIMITS, photo } from "../media-fixtures.ts";
import { WXR } from "./fixtures.ts";

let b: Backend;
let admin: Awaited<ReturnType<Backend["signUp"]>>;
let archive: string;
let server: Server;
let report: ImportReport;
const purged: string[][] = [];

async function* text(s: string) {
  yield s;
}

beforeAll(async () => {
  b = await createBackend({ file: true });
  admin = await b.signUp("Admin Person", "admin");
  // Ada already has an account here: her posts are matched to it.
  await b.signUp("Ada Here", "author");
  await b.db.db.update(user).set({ email: "ada@lakeside.example" }).where(eq(user.name, "Ada Here"));
  // The archive has the boat; the oars are only on the old site (a loopback server here).
  archive = mkdtempSync(join(tmpdir(), "quire-import-"));
  mkdirSync(join(archive, "wp-content/uploads/2020/05"), { recursive: true });
  writeFileSync(join(archive, "wp-content/uploads/2020/05/boat.jpg"), await photo(900, 600));
  const oars = await photo(640, 480);
  server = createServer((req, res) => (req.url?.endsWith("/oars.png") ? res.end(oars) : res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const old = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const bundle = await parseWxr(
    text(WXR.replaceAll("https://lakeside.example/wp-content/uploads/2020/05/oars.png", `${old}/wp-content/uploads/2020/05/oars.png`)),
  );
  report = await writeBundle({ db: b.db, media: b.media, mediaLimits: LIMITS, purge: async (t) => void purged.push(t) }, bundle, {
    actorId: admin.userId,
    archiveRoot: archive,
    fetchImages: true,
    remote: { allowLoopback: true },
  });
}, 60_000);
afterAll(() => {
  server?.close();
  rmSync(archive, { recursive: true, force: true });
  b?.close();
});

const post = async (slug: string) => (await b.db.db.select().from(Post).where(eq(Post.slug, slug)))[0]!;

describe("a WordPress import", () => {
  it("reports what came in", () => {
    expect(report).toMatchObject({ posts: 3, pages: 1, comments: 4, alreadyImported: 0 });
    // The boat from the archive, the oars from the old site; the hostile <img src="x"> is listed as missing.
    expect(report.images).toEqual({
      imported: 2,
      missing: [{ url: "x", where: "Boat at dawn", why: "It names no address to fetch it from" }],
    });
    expect(report.people).toEqual({ matched: 1, created: 3 });
    expect(purged).toEqual([["site"]]);
  });

  it("writes posts with their statuses, dates, slugs, tags and authors", async () => {
    const boat = await post("boat-at-dawn");
    expect(boat).toMatchObject({ status: "published", kind: "post", featured: true, excerpt: "A boat, early.", excerptCustom: true });
    expect(boat.publishedAt).toEqual(new Date("2020-05-01T06:00:00Z"));
    const [ada] = await b.db.db.select().from(user).where(eq(user.id, boat.authorId));
    expect(ada!.name).toBe("Ada Here");
    const greek = await post("καλημέρα-κόσμε");
    expect(greek.status).toBe("scheduled");
    const [grace] = await b.db.db.select().from(user).where(eq(user.id, greek.authorId));
    expect(grace).toMatchObject({ name: "Grace Hopper", email: "grace@lakeside.example", role: "author" });
    expect((await post("about")).kind).toBe("page");
    const reader = await b.anonymous();
    const shown = await reader.post.bySlug({ slug: "boat-at-dawn" });
    expect(shown.tags.map((t) => t.name)).toEqual(["Travel", "lake"]);
  });

  it("brings every image into the media library and points the Markdown and the cover at it", async () => {
    const boat = await post("boat-at-dawn");
    const media = await b.db.db.select().from(Media);
    expect(media).toHaveLength(2);
    expect(boat.coverHash).toBe(media.find((m) => m.width === 900)!.hash);
    expect(boat.coverAlt).toBe("A boat on the lake");
    expect(boat.body).not.toMatch(/lakeside\.example\/wp-content|127\.0\.0\.1/);
    expect(boat.body.match(/\]\(\/media\/[a-f0-9]{64}\//g)?.length).toBe(3);
    expect(boat.html).toContain("<picture");
  });

  it("keeps comments with their authors, replies flattened, pending ones hidden", async () => {
    const boat = await post("boat-at-dawn");
    const comments = await b.db.db.select().from(Comment).where(eq(Comment.postId, boat.id));
    const byBody = (s: string) => comments.find((c) => c.body === s)!;
    expect(byBody("Thank you!").parentId).toBe(byBody("Lovely boat.").id);
    expect(byBody("A reply to a reply.").parentId).toBe(byBody("Lovely boat.").id);
    expect(byBody("Waiting for approval.").status).toBe("hidden");
    expect(comments.some((c) => c.body === "Buy now")).toBe(false);
    const reader = await b.anonymous();
    const shown = await reader.comment.byPost({ postId: boat.id, limit: 50 });
    expect(shown.items.map((c) => c.author?.name)).toEqual(["Reader One"]);
  });

  it("records the old addresses as redirects to the new ones", async () => {
    const rows = await b.db.db.select().from(Redirect);
    expect(Object.fromEntries(rows.map((r) => [r.fromPath, r.toPath]))).toMatchObject({
      "/?p=19": "/posts/boat-at-dawn",
      "/2020/05/boat-at-dawn/": "/posts/boat-at-dawn",
      "/?page_id=30": "/about",
      "/about/": "/about",
    });
  });

  it("adds nothing when the same file is imported again", async () => {
    const before = (await b.db.db.select().from(Post)).length;
    const again = await writeBundle({ db: b.db, media: b.media, mediaLimits: LIMITS, purge: async () => {} }, await parseWxr(text(WXR)), {
      actorId: admin.userId,
      fetchImages: false,
    });
    expect(again).toMatchObject({ posts: 0, pages: 0, comments: 0, alreadyImported: 4 });
    expect((await b.db.db.select().from(Post)).length).toBe(before);
  });

  it("an imported author signs in by resetting their password", async () => {
    await b.auth.api.requestPasswordReset({ body: { email: "grace@lakeside.example", redirectTo: "/reset-password" } });
    const [mail] = await b.db.db.select().from(MailOutbox).where(eq(MailOutbox.to, "grace@lakeside.example"));
    const token =
      /reset-password\/([^?\s]+)/.exec(mail!.text)?.[1] ?? new URL(/https?:\/\/\S+/.exec(mail!.text)![0]).searchParams.get("token");
    await b.auth.api.resetPassword({ body: { newPassword: "a new long password", token: token! } });
    const signedIn = await b.auth.api.signInEmail({
      body: { email: "grace@lakeside.example", password: "a new long password" },
      asResponse: true,
    });
    expect(signedIn.status).toBe(200);
  });
});

describe("an import cut off midway", () => {
  it("is run again from the start and ends with every item once: whole posts or none, never half", async () => {
    const other = await createBackend({ file: true });
    try {
      const me = await other.signUp("Cut Off", "admin");
      const target = { db: other.db, media: other.media, mediaLimits: LIMITS, purge: async () => {} };
      const controller = new AbortController();
      let written = 0;
      // Two items a transaction; the process "dies" after the first two are written: the
      // abort stops the run there.
      const first = writeBundle(target, await parseWxr(text(WXR)), {
        actorId: me.userId,
        fetchImages: false,
        batchSize: 2,
        signal: controller.signal,
        progress: (p) => {
          if (p.phase === "items" && p.done === 2) {
            written = p.done;
            controller.abort(new Error("killed"));
          }
        },
      });
      await expect(first).rejects.toThrow("killed");
      const half = await other.db.db.select().from(Post);
      expect(half).toHaveLength(written);
      // Each post that is there is whole: its revision (and tags) came in the same batch.
      const revisions = await other.db.db.select().from(Revision);
      expect(revisions.map((r) => r.postId).sort()).toEqual(half.map((p) => p.id).sort());

      const again = await writeBundle(target, await parseWxr(text(WXR)), { actorId: me.userId, fetchImages: false });
      expect(again).toMatchObject({ alreadyImported: 2, posts: 1, pages: 1 });
      const all = await other.db.db.select().from(Post);
      expect(all.map((p) => p.slug).sort()).toEqual(["about", "boat-at-dawn", "half-written", "καλημέρα-κόσμε"]);
      const comments = await other.db.db.select().from(Comment);
      expect(comments).toHaveLength(4);
    } finally {
      other.close();
    }
  });
});
