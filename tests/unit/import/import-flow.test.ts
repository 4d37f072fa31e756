// An import as an admin makes one: the file through POST /api/import, a preview job, confirm,
// the import job, the report, and a hostile file refused with nothing imported. The server's
// HTTP layer and the job runner run in this process on a real database; the import itself on
// its own thread, as the server runs it.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Post } from "../../../db/schema.ts";
import { createStore } from "../../../src/cache/store.ts";
import { createServer, type QuireServer } from "../../../src/http/server.ts";
import { startJobs } from "../../../src/jobs/site-jobs.ts";
import type { JobRunner } from "../../../src/jobs/queue.ts";
import { getRuntime } from "../../../src/runtime.ts";
import { createBackend, type Backend } from "../harness.ts";
import { BILLION_LAUGHS, GHOST, WXR } from "./fixtures.ts";
import { zip } from "./zip-writer.ts";

const SITE = "http://quire.test";
let b: Backend;
let quire: QuireServer;
let jobs: JobRunner;
let base: string;
let importDir: string;
let admin: Awaited<ReturnType<Backend["signUp"]>>;
let author: Awaited<ReturnType<Backend["signUp"]>>;
const astro: RequestListener = (_req, res) => res.writeHead(200).end("page");

beforeAll(async () => {
  importDir = mkdtempSync(join(tmpdir(), "quire-imports-"));
  b = await createBackend({ file: true, env: { IMPORT_DIR: importDir, IMPORT_MAX_BYTES: "200000" } });
  b.mount();
  const runtime = await getRuntime();
  quire = createServer(runtime, astro, { store: createStore(), media: b.media });
  // As `npm start` runs imports: each on a thread of its own, with its own connection.
  jobs = startJobs(runtime, b.media, { pollMs: 20, importWorker: new URL("../../../src/jobs/import-worker.ts", import.meta.url) });
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
  admin = await b.signUp("Ida Admin", "admin");
  author = await b.signUp("Art Author", "author");
});
afterAll(async () => {
  await jobs.stop();
  await quire.stop(1000);
  b.close();
  rmSync(importDir, { recursive: true, force: true });
});

function upload(body: string | Buffer, cookie?: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/import`, {
    method: "POST",
    body: typeof body === "string" ? body : new Uint8Array(body),
    headers: {
      origin: SITE,
      "content-type": "application/octet-stream",
      "x-file-name": "export.xml",
      ...(cookie ? { cookie } : {}),
      ...headers,
    },
  });
}

async function settled(id: string) {
  for (let i = 0; i < 400; i++) {
    const job = await admin.caller.import.status({ id });
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`import ${id} did not finish`);
}

describe("importing through the admin's route", () => {
  it("refuses anyone but an admin, other sites' pages, forms and files over the cap", async () => {
    expect((await upload(WXR)).status).toBe(401);
    const asAuthor = await upload(WXR, author.cookie);
    expect(asAuthor.status).toBe(403);
    expect(((await asAuthor.json()) as { error: { message: string } }).error.message).toBe("Only admins import content.");
    expect((await upload(WXR, admin.cookie, { origin: "https://evil.example" })).status).toBe(403);
    expect((await upload(WXR, admin.cookie, { "content-type": "multipart/form-data; boundary=x" })).status).toBe(415);
    const big = await upload("x".repeat(200_001), admin.cookie);
    expect(big.status).toBe(413);
    expect(readdirSync(importDir).filter((f) => f.endsWith(".upload"))).toEqual([]);
  });

  it("previews a WordPress export, then imports it once confirmed", async () => {
    const answer = await upload(WXR, admin.cookie);
    expect(answer.status).toBe(201);
    const { jobId } = (await answer.json()) as { jobId: string };
    const preview = await settled(jobId);
    expect(preview).toMatchObject({ status: "done", step: "preview", fileName: "export.xml" });
    expect(preview.result).toMatchObject({
      step: "preview",
      preview: { source: "wordpress", posts: 3, pages: 1, drafts: 1, scheduled: 1, comments: 4, people: 2, images: 3 },
    });
    // Nothing is written by a preview.
    expect(await b.db.db.select().from(Post)).toHaveLength(0);

    const { id } = await admin.caller.import.confirm({ id: jobId, fetchImages: false });
    const done = await settled(id);
    expect(done.error).toBeNull();
    expect(done.result).toMatchObject({ step: "write", report: { posts: 3, pages: 1, comments: 4 } });
    expect(done.progress).toMatchObject({ phase: "done", done: 4, total: 4 });
    // Without the archive or fetching, images are listed as missing, and the posts keep their text.
    const missing = (done.result as { report: { images: { missing: { url: string }[] } } }).report.images.missing.map((m) => m.url);
    expect(missing).toContain("https://lakeside.example/wp-content/uploads/2020/05/boat.jpg");
    await expect((await b.anonymous()).post.bySlug({ slug: "boat-at-dawn" })).resolves.toMatchObject({ title: "Boat at dawn" });
    expect((await admin.caller.import.recent()).map((j) => j.step)).toEqual(["write", "preview"]);
  });

  it("previews and imports a Ghost zip", async () => {
    const file = zip([{ name: "ghost-export/site.ghost.2024-01-01.json", data: GHOST }]);
    const { jobId } = (await (await upload(file, admin.cookie)).json()) as { jobId: string };
    const preview = await settled(jobId);
    expect(preview.result).toMatchObject({ preview: { source: "ghost", posts: 3, pages: 1 } });
    const { id } = await admin.caller.import.confirm({ id: jobId, fetchImages: false });
    expect((await settled(id)).result).toMatchObject({ report: { posts: 3, pages: 1 } });
  });

  it("fails a hostile file at once with the reason, and imports nothing", async () => {
    const before = (await b.db.db.select().from(Post)).length;
    const { jobId } = (await (await upload(BILLION_LAUGHS, admin.cookie)).json()) as { jobId: string };
    const job = await settled(jobId);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/declares a DTD/);
    await expect(admin.caller.import.confirm({ id: jobId, fetchImages: false })).rejects.toThrow(/Only a finished preview/);
    const escaping = zip([{ name: "../../etc/evil.md", data: "---\ntitle: x\n---\n" }]);
    const { jobId: second } = (await (await upload(escaping, admin.cookie)).json()) as { jobId: string };
    expect((await settled(second)).error).toMatch(/points outside the archive/);
    expect((await b.db.db.select().from(Post)).length).toBe(before);
  });
});
