// An import whose server process is killed mid-way: another process takes the job over and
// finishes it, and at no moment does the site hold half a post or a post twice. The import
// runs as `npm start` runs it, on a thread of its own in a process of its own.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Comment, ImportRef, Post, Revision } from "../../../db/schema.ts";
import { IMPORT_JOB, type ImportPayload, type ImportResult } from "../../../src/jobs/import.ts";
import { enqueue, jobById } from "../../../src/jobs/queue.ts";
import { createBackend, type Backend } from "../harness.ts";
import { bigWxr } from "./fixtures.ts";

const POSTS = 600;
const COMMENTS = 3;
let b: Backend;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  b = await createBackend({ file: true });
  dir = mkdtempSync(join(tmpdir(), "quire-import-crash-"));
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

function importProcess(owner: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, "import-process.ts")], {
    env: {
      ...process.env,
      QUIRE_IMPORT_DB: b.config.database.localPath!,
      QUIRE_IMPORT_MEDIA: b.mediaDir,
      QUIRE_IMPORT_DIR: dir,
      QUIRE_JOB_OWNER: owner,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((ok, fail) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && ok(child));
    child.once("exit", (code) => fail(new Error(`the import process exited (${code}) before it was ready`)));
  });
}

const posts = async () => (await b.db.db.select({ n: count() }).from(Post))[0]!.n;

/** Posts missing their revision, their import key or any of their comments: half-written ones. */
async function halfWritten(): Promise<number> {
  const rows = await b.db.db
    .select({ id: Post.id })
    .from(Post)
    .where(
      sql`(select count(*) from ${Revision} where ${Revision.postId} = ${Post.id}) <> 1
        or (select count(*) from ${Comment} where ${Comment.postId} = ${Post.id}) <> ${COMMENTS}
        or not exists (select 1 from ${ImportRef} where ${ImportRef.entityId} = ${Post.id})`,
    );
  return rows.length;
}

describe("an import whose process is killed", () => {
  it("is finished by another process, with every post once and whole", async () => {
    const admin = await b.signUp("Ida Admin", "admin");
    const file = join(dir, "big.upload");
    writeFileSync(file, bigWxr({ posts: POSTS, commentsPerPost: COMMENTS, tags: 50 }));
    const payload: ImportPayload = { file, actorId: admin.userId, step: "write" };
    await b.db.write((d) => enqueue(d, { id: "big", kind: IMPORT_JOB, payload, maxAttempts: 3 }));

    const first = await importProcess("first");
    await expect.poll(posts, { timeout: 60_000, interval: 10 }).toBeGreaterThanOrEqual(10);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = await posts();
    expect(atKill).toBeLessThan(POSTS);
    expect(await halfWritten()).toBe(0);

    await importProcess("second");
    await expect.poll(async () => (await jobById(b.db.db, "big"))?.status, { timeout: 90_000, interval: 100 }).toBe("done");
    const job = (await jobById(b.db.db, "big"))!;
    const { report } = job.result as Extract<ImportResult, { step: "write" }>;
    expect(job.attempts).toBe(2);
    expect(report.alreadyImported).toBe(atKill);
    expect(report.posts).toBe(POSTS - atKill);
    expect(await posts()).toBe(POSTS);
    expect(await halfWritten()).toBe(0);
    const keys = await b.db.db.select({ n: count(), distinct: sql<number>`count(distinct ${ImportRef.ref})` }).from(ImportRef);
    expect(keys[0]!.n).toBe(keys[0]!.distinct);
    expect((await b.db.db.select({ n: count() }).from(Comment))[0]!.n).toBe(POSTS * COMMENTS);
  }, 180_000);
});
