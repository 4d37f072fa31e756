// The durable job queue, on a real database file: jobs enqueued with their write, run once,
// retried with pauses, failed in the end; and across real processes: a SIGKILL mid-job,
// then a restart, finishes it once; two processes on one database run every job once.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createDb, migrateDb, type Db } from "../../db/client.ts";
import { CachePurge, Job } from "../../db/schema.ts";
import { createJobRunner, enqueue, jobById, jobInserts, JobRefused } from "../../src/jobs/queue.ts";
import { MIGRATIONS } from "./harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(): Promise<{ db: Db; file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "quire-jobs-"));
  const file = join(dir, "jobs.db");
  const db = await createDb({ url: `file:${file}`, localPath: file });
  await migrateDb(db.db, MIGRATIONS);
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, file, dir };
}

describe("the job queue", () => {
  it("enqueues a job in the same batch as its write, runs it, and keeps its progress and result", async () => {
    const { db } = await database();
    await db.write((d) =>
      d.batch([d.insert(CachePurge).values({ tags: ["cause"] }), enqueue(d, { id: "j1", kind: "echo", payload: { say: "hi" } })]),
    );
    const seen: unknown[] = [];
    const runner = createJobRunner({
      db,
      handlers: {
        async echo({ payload, progress, attempt }) {
          seen.push(payload);
          await progress({ step: 1, of: 1 });
          return { said: (payload as { say: string }).say, attempt };
        },
      },
    });
    expect(await runner.runOnce()).toBe(true);
    expect(await runner.runOnce()).toBe(false);
    expect(seen).toEqual([{ say: "hi" }]);
    expect(await jobById(db.db, "j1")).toMatchObject({
      status: "done",
      attempts: 1,
      progress: { step: 1, of: 1 },
      result: { said: "hi", attempt: 1 },
      error: null,
      leaseOwner: null,
    });
    expect(await jobById(db.db, "none")).toBeNull();
  });

  it("does not enqueue a job whose write failed: the batch is one", async () => {
    const { db } = await database();
    await db.write((d) => d.insert(Job).values({ id: "taken", kind: "echo", payload: null }));
    await expect(
      db.write((d) =>
        d.batch([
          enqueue(d, { id: "orphan", kind: "echo", payload: null }),
          d.insert(Job).values({ id: "taken", kind: "x", payload: null }),
        ]),
      ),
    ).rejects.toThrow();
    expect(await jobById(db.db, "orphan")).toBeNull();
  });

  it("writes a named job once, and a guarded job only when its write took effect", async () => {
    const { db } = await database();
    const named = { id: "newsletter:p1", kind: "echo", payload: { post: "p1" } };
    for (let i = 0; i < 2; i++) await db.write((d) => d.batch([d.insert(CachePurge).values({ tags: ["a"] }), ...jobInserts(d, [named])]));
    const kept = await db.db.select().from(Job);
    expect(kept.map((j) => [j.id, j.payload])).toEqual([["newsletter:p1", { post: "p1" }]]);

    const wonRace = sql`exists (select 1 from ${CachePurge} where ${sql.raw("tags")} like '%won%')`;
    await db.write((d) =>
      d.batch([d.insert(CachePurge).values({ tags: ["lost"] }), ...jobInserts(d, [{ id: "g1", kind: "echo", payload: null }], wonRace)]),
    );
    expect(await jobById(db.db, "g1")).toBeNull();
    await db.write((d) =>
      d.batch([d.insert(CachePurge).values({ tags: ["won"] }), ...jobInserts(d, [{ id: "g2", kind: "echo", payload: null }], wonRace)]),
    );
    expect((await jobById(db.db, "g2"))?.status).toBe("queued");
  });

  it("retries a failing job after a pause that grows, then fails it for good with the last error", async () => {
    const { db } = await database();
    await db.write((d) =>
      d.batch([
        enqueue(d, { id: "flaky", kind: "flaky", payload: null, maxAttempts: 5 }),
        enqueue(d, { id: "broken", kind: "broken", payload: null, maxAttempts: 3 }),
      ]),
    );
    const pauses: number[] = [];
    let flaky = 0;
    const runner = createJobRunner({
      db,
      backoffMs: (attempt) => (pauses.push(attempt), 0),
      handlers: {
        async flaky() {
          if (++flaky < 3) throw new Error(`try ${flaky} failed`);
          return "third time";
        },
        async broken() {
          throw new Error("always broken");
        },
      },
      onError: () => {},
    });
    while (await runner.runOnce());
    expect(await jobById(db.db, "flaky")).toMatchObject({ status: "done", attempts: 3, result: "third time", error: null });
    expect(await jobById(db.db, "broken")).toMatchObject({ status: "failed", attempts: 3, error: "always broken" });
    expect(pauses.sort()).toEqual([1, 1, 2, 2]);
  });

  it("fails a refused job at once: no retry fixes a file that is not an export", async () => {
    const { db } = await database();
    await db.write((d) => enqueue(d, { id: "refused", kind: "refuse", payload: null, maxAttempts: 5 }));
    const runner = createJobRunner({
      db,
      backoffMs: () => 0,
      handlers: {
        async refuse() {
          throw new JobRefused("This is not a WordPress export");
        },
      },
    });
    while (await runner.runOnce());
    expect(await jobById(db.db, "refused")).toMatchObject({ status: "failed", attempts: 1, error: "This is not a WordPress export" });
  });

  it("waits for a job's time, and leaves kinds it does not know to runners that do", async () => {
    const { db } = await database();
    await db.write((d) =>
      d.batch([
        enqueue(d, { id: "later", kind: "echo", payload: null, runAt: new Date(Date.now() + 60_000) }),
        enqueue(d, { id: "other", kind: "images", payload: null }),
      ]),
    );
    const runner = createJobRunner({ db, handlers: { echo: async () => "ran" } });
    expect(await runner.runOnce()).toBe(false);
    expect((await jobById(db.db, "later"))!.status).toBe("queued");
    expect((await jobById(db.db, "other"))!.status).toBe("queued");
  });

  it("never lets two runners hold one job, and takes over a job whose holder stopped renewing", async () => {
    const { db } = await database();
    await db.write((d) => enqueue(d, { id: "held", kind: "slow", payload: null }));
    let release!: () => void;
    const first = createJobRunner({
      db,
      owner: "first",
      leaseMs: 60_000,
      handlers: { slow: () => new Promise((r) => (release = () => r("first"))) },
    });
    const second = createJobRunner({ db, owner: "second", handlers: { slow: async () => "second" } });
    const running = first.runOnce();
    await expect.poll(async () => (await jobById(db.db, "held"))?.leaseOwner).toBe("first");
    expect(await second.runOnce()).toBe(false);
    release();
    await running;
    expect(await jobById(db.db, "held")).toMatchObject({ status: "done", result: "first" });

    // A holder that died: its lease runs out, and the job is run again from its progress.
    await db.write((d) =>
      d.insert(Job).values({
        id: "orphaned",
        kind: "slow",
        payload: null,
        status: "running",
        attempts: 1,
        leaseOwner: "dead",
        leaseUntil: new Date(Date.now() - 1),
        progress: { page: 3 },
      }),
    );
    const resumed: unknown[] = [];
    const third = createJobRunner({
      db,
      owner: "third",
      handlers: { slow: async ({ resumeFrom }) => (resumed.push(resumeFrom), "resumed") },
    });
    expect(await third.runOnce()).toBe(true);
    expect(resumed).toEqual([{ page: 3 }]);
    expect(await jobById(db.db, "orphaned")).toMatchObject({ status: "done", attempts: 2, leaseOwner: null, result: "resumed" });
  });
});

/** A job runner in a process of its own (tests/unit/job-process.ts). */
function runnerProcess(file: string, effects: string, owner: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, "job-process.ts")], {
    env: { ...process.env, QUIRE_JOB_DB: file, QUIRE_JOB_EFFECTS: effects, QUIRE_JOB_OWNER: owner, QUIRE_JOB_LEASE_MS: "600" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return new Promise((ok, fail) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && ok(child));
    child.once("exit", (code) => fail(new Error(`the job process exited (${code}) before it was ready`)));
  });
}

const lines = (effects: string) => (existsSync(effects) ? readFileSync(effects, "utf8").trim().split("\n").filter(Boolean) : []);

describe("the job queue across processes", () => {
  it("finishes a job once after its process is killed mid-run and another starts", async () => {
    const { db, file, dir } = await database();
    const effects = join(dir, "effects.log");
    await db.write((d) => enqueue(d, { id: "long", kind: "sleepy", payload: { ms: 1500 } }));
    const first = await runnerProcess(file, effects, "first");
    await expect.poll(() => lines(effects), { timeout: 10_000 }).toContain("started long first");
    await expect
      .poll(async () => (await jobById(db.db, "long"))?.progress, { timeout: 10_000 })
      .toMatchObject({ waited: expect.any(Number) });
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    await runnerProcess(file, effects, "second");
    await expect.poll(async () => (await jobById(db.db, "long"))?.status, { timeout: 20_000 }).toBe("done");
    expect(lines(effects)).toEqual(["started long first", "started long second", "finished long second"]);
    expect(await jobById(db.db, "long")).toMatchObject({ attempts: 2, result: { by: "second" } });
  }, 40_000);

  it("runs every job exactly once with two processes on one database", async () => {
    const { db, file, dir } = await database();
    const effects = join(dir, "effects.log");
    const ids = Array.from({ length: 40 }, (_, i) => `j${i}`);
    await db.write((d) =>
      d.batch(ids.map((id) => enqueue(d, { id, kind: "sleepy", payload: { ms: 60 } })) as [ReturnType<typeof enqueue>]),
    );
    await Promise.all([runnerProcess(file, effects, "a"), runnerProcess(file, effects, "b")]);
    await expect
      .poll(async () => (await db.db.select({ status: Job.status }).from(Job).where(eq(Job.status, "done"))).length, { timeout: 30_000 })
      .toBe(40);
    const finished = lines(effects).filter((l) => l.startsWith("finished"));
    expect(finished.map((l) => l.split(" ")[1]).sort()).toEqual([...ids].sort());
    expect(lines(effects).filter((l) => l.startsWith("started"))).toHaveLength(40);
    // Both took a share.
    expect(new Set(finished.map((l) => l.split(" ")[2]))).toEqual(new Set(["a", "b"]));
  }, 40_000);
});
