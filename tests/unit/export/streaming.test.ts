// An export is made as fast as its destination takes it, and no faster: a download that stalls
// holds the export where it is, so a site of any size never piles up in memory.
import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Post } from "../../../db/schema.ts";
import { exportSite } from "../../../src/export/site.ts";
import { createBackend, type Backend } from "../harness.ts";
import { untar } from "./untar.ts";

const POSTS = 300;
const PAGE = 10;
let b: Backend;

beforeAll(async () => {
  b = await createBackend();
  const { userId } = await b.signUp("Writer", "author");
  // Bodies that do not compress, so bytes in the archive are bytes read from the database.
  const rows = Array.from({ length: POSTS }, (_, n) => ({
    id: randomUUID(),
    slug: `post-${String(n).padStart(4, "0")}`,
    title: `Post ${n}`,
    body: randomBytes(1500).toString("base64"),
    status: "published" as const,
    publishedAt: new Date(),
    authorId: userId,
  }));
  for (let i = 0; i < rows.length; i += 100) await b.db.db.insert(Post).values(rows.slice(i, i + 100));
});
afterAll(() => b.close());

/** Pages of posts the export has asked the database for. */
const postPagesRead = () => b.queries.filter((q) => /from "post" inner join "user".*order by "post"\."slug"/.test(q)).length;

describe("a streamed export", () => {
  it("reads no further than a stalled destination has taken, then finishes once it takes the rest", async () => {
    const chunks: Buffer[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk);
        // The first chunk goes through; the rest wait until the test lets them.
        if (chunks.length === 1) done();
        else void held.then(() => done());
      },
    });
    b.queries.length = 0;
    const exporting = exportSite({ db: b.db.db, media: b.media, siteUrl: b.config.siteUrl }, slow, { pageSize: PAGE });
    await new Promise((r) => setTimeout(r, 300));
    const whileStalled = postPagesRead();
    expect(whileStalled).toBeGreaterThan(0);
    // The buffers between the database and the download fill, and then nothing more is read.
    await new Promise((r) => setTimeout(r, 600));
    expect(postPagesRead()).toBe(whileStalled);
    expect(whileStalled).toBeLessThan(POSTS / PAGE / 2);

    release();
    const manifest = await exporting;
    expect(manifest.counts.posts).toBe(POSTS);
    expect(postPagesRead()).toBe(POSTS / PAGE + 1);
    const files = await untar(Buffer.concat(chunks));
    expect([...files.keys()].filter((n) => n.startsWith("posts/"))).toHaveLength(POSTS);
  });

  it("stops when its destination fails, as when a download's connection closes", async () => {
    let written = 0;
    const broken = new Writable({
      write(_chunk, _e, done) {
        done(++written > 2 ? new Error("connection closed") : null);
      },
    });
    b.queries.length = 0;
    await expect(exportSite({ db: b.db.db, media: b.media, siteUrl: b.config.siteUrl }, broken, { pageSize: PAGE })).rejects.toThrow(
      /connection closed/,
    );
    expect(postPagesRead()).toBeLessThan(POSTS / PAGE / 2);
  });
});
