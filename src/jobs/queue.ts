// The durable job queue. A job is a row: enqueued in the same db.batch as the write that
// causes it (so there is never a write without its job, nor a job without its write), taken
// by one process at a time under a lease it keeps renewing while it works, retried with
// growing pauses when it fails, and taken over by any other process once the lease runs out
// (the process that held it died). What it guarantees:
// - a job is never run by two processes at once while its runner is alive;
// - a job that was enqueued runs until it succeeds, or fails maxAttempts times (then
//   `failed`, with the last error);
// - a job whose process dies mid-run runs again from the start (its handler can read the
//   progress it last saved to resume): handlers must be safe to run again.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database, Db } from "../../db/client.ts";
import { Job, type JobRow } from "../../db/schema.ts";

export interface NewJob {
  kind: string;
  payload: unknown;
  /** Not before this time (default: now). */
  runAt?: Date;
  maxAttempts?: number;
  id?: string;
}

/** The insert that enqueues a job: put it in the same `db.batch([...])` as the write that causes it. */
export function enqueue(db: Database, job: NewJob) {
  return db.insert(Job).values({
    id: job.id ?? randomUUID(),
    kind: job.kind,
    payload: job.payload ?? null,
    ...(job.runAt ? { runAt: job.runAt } : {}),
    ...(job.maxAttempts ? { maxAttempts: job.maxAttempts } : {}),
  });
}

/**
 * The inserts for `jobs`, to put in the write's batch after the change. With `guard` (a
 * condition that holds only once the change is made, such as "the revision it wrote
 * exists"), a job is inserted only when the guard holds inside the batch.
 */
export function jobInserts(db: Database, jobs: readonly NewJob[], guard?: SQL) {
  return jobs.map((job) => {
    const id = job.id ?? randomUUID();
    const payload = JSON.stringify(job.payload ?? null);
    const runAt = (job.runAt ?? new Date()).getTime();
    const maxAttempts = job.maxAttempts ?? 5;
    // `or ignore`: a consumer that names its job (one newsletter per post) enqueues it once.
    return db.run(sql`insert or ignore into ${Job} (id, kind, payload, run_at, max_attempts)
      select ${id}, ${job.kind}, ${payload}, ${runAt}, ${maxAttempts} where ${guard ?? sql`1`}`);
  });
}

/** A job as it stands now: status, attempts, progress, result or error; null if there is none. */
export async function jobById(db: Database, id: string): Promise<JobRow | null> {
  const [row] = await db.select().from(Job).where(eq(Job.id, id)).limit(1);
  return row ?? null;
}

export interface JobContext {
  id: string;
  /** 1 on the first run, 2 on the first retry… */
  attempt: number;
  payload: unknown;
  /** What an earlier run saved with `progress`, if it died before finishing. */
  resumeFrom: unknown;
  /** Saves how far it got (readable by anyone, and handed to a run that takes over). */
  progress(value: unknown): Promise<void>;
  /** Aborted when the lease was lost or the runner is stopping: stop as soon as you can. */
  signal: AbortSignal;
}

/**
 * A failure no retry can fix (a file that is not an export, say): thrown by a handler, it
 * fails the job at once with this message.
 */
export class JobRefused extends Error {
  override name = "JobRefused";
}

/** Runs one job; what it returns is stored as the result. Throwing retries it later (JobRefused: never). */
export type JobHandler = (job: JobContext) => Promise<unknown>;

export interface JobRunnerOptions {
  db: Db;
  handlers: Record<string, JobHandler>;
  /** Who holds the lease (a process and host); unique per runner by default. */
  owner?: string;
  /** How long a lease lasts without renewal; renewed every third of it. */
  leaseMs?: number;
  /** How often an idle runner looks for due jobs. */
  pollMs?: number;
  /** Jobs run at once by this runner. */
  concurrency?: number;
  /** The pause before retry `attempt` (1-based). */
  backoffMs?: (attempt: number) => number;
  onError?: (message: string, error?: unknown) => void;
}

export interface JobRunner {
  readonly owner: string;
  /** Takes and runs one due job, if there is one; resolves to whether it did. */
  runOnce(): Promise<boolean>;
  start(): void;
  /** Stops taking jobs, asks running ones to stop, and hands back those that did not finish. */
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_MS = 30_000;

/** 2 s, 4 s, 8 s… at most an hour, with up to a quarter more at random so retries spread out. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(2 ** attempt * 1000, 3_600_000);
  return base + Math.floor(Math.random() * base * 0.25);
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 2000);

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, handlers } = options;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? 1000;
  const concurrency = options.concurrency ?? 1;
  const backoff = options.backoffMs ?? defaultBackoff;
  const onError = options.onError ?? ((message, error) => console.error(`[jobs] ${message}`, error ?? ""));
  const kinds = Object.keys(handlers);
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopping = false;

  /** Leases the next due job of a kind this runner knows: a queued one, or one whose holder's lease ran out. */
  async function claim(): Promise<JobRow | null> {
    if (kinds.length === 0) return null;
    const now = Date.now();
    const [row] = await db.write((d) =>
      d
        .update(Job)
        .set({ status: "running", attempts: sql`${Job.attempts} + 1`, leaseOwner: owner, leaseUntil: new Date(now + leaseMs) })
        .where(
          sql`${Job.id} = (select ${Job.id} from ${Job} where ${inArray(Job.kind, kinds)} and (
            (${Job.status} = 'queued' and ${Job.runAt} <= ${now}) or (${Job.status} = 'running' and ${Job.leaseUntil} < ${now})
          ) order by ${Job.runAt} limit 1)`,
        )
        .returning(),
    );
    return row ?? null;
  }

  /** Changes a job this runner holds; false when the lease is no longer ours. */
  async function update(id: string, set: Partial<typeof Job.$inferInsert>): Promise<boolean> {
    const result = await db.write((d) =>
      d
        .update(Job)
        .set(set)
        .where(and(eq(Job.id, id), eq(Job.leaseOwner, owner), eq(Job.status, "running"))),
    );
    return result.rowsAffected > 0;
  }

  async function run(job: JobRow, controller: AbortController): Promise<void> {
    // A process that died on the last attempt: nothing left to try.
    if (job.attempts > job.maxAttempts) {
      await update(job.id, {
        status: "failed",
        leaseOwner: null,
        leaseUntil: null,
        finishedAt: new Date(),
        error: job.error ?? "It stopped mid-run on every attempt",
      });
      return;
    }
    const renew = setInterval(
      () => {
        void update(job.id, { leaseUntil: new Date(Date.now() + leaseMs) }).then(
          (held) => held || controller.abort(new Error("The job's lease was taken over")),
          (e) => onError(`renewing the lease of job ${job.id} failed`, e),
        );
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    try {
      const handler = handlers[job.kind]!;
      const result = await handler({
        id: job.id,
        attempt: job.attempts,
        payload: job.payload,
        resumeFrom: job.progress ?? null,
        progress: async (value) => {
          await update(job.id, { progress: value ?? null });
        },
        signal: controller.signal,
      });
      clearInterval(renew);
      const saved = await update(job.id, {
        status: "done",
        result: result ?? null,
        error: null,
        leaseOwner: null,
        leaseUntil: null,
        finishedAt: new Date(),
      });
      if (!saved) onError(`job ${job.id} (${job.kind}) finished after its lease was taken over; its result was not saved`);
    } catch (e) {
      clearInterval(renew);
      if (stopping && controller.signal.aborted) {
        // Handed back at once, so another process need not wait for the lease to run out.
        await update(job.id, { status: "queued", leaseOwner: null, leaseUntil: null, runAt: new Date() });
        return;
      }
      const last = job.attempts >= job.maxAttempts || e instanceof JobRefused;
      await update(
        job.id,
        last
          ? { status: "failed", error: errorText(e), leaseOwner: null, leaseUntil: null, finishedAt: new Date() }
          : {
              status: "queued",
              error: errorText(e),
              leaseOwner: null,
              leaseUntil: null,
              runAt: new Date(Date.now() + backoff(job.attempts)),
            },
      );
      if (last && !(e instanceof JobRefused)) onError(`job ${job.id} (${job.kind}) failed for good after ${job.attempts} attempts`, e);
    }
  }

  /** Runs a claimed job; resolves when it is over (done, retried, failed or handed back). */
  function begin(job: JobRow): Promise<void> {
    const controller = new AbortController();
    const done = run(job, controller)
      .catch((e) => onError(`running job ${job.id} failed`, e))
      .finally(() => running.delete(job.id));
    running.set(job.id, { controller, done });
    return done;
  }

  async function runOnce(): Promise<boolean> {
    if (stopping || running.size >= concurrency) return false;
    const job = await claim();
    if (!job) return false;
    await begin(job);
    return true;
  }

  let looking = false;
  async function tick(): Promise<void> {
    // One look at a time; take jobs while there are due ones and room to run them, and look
    // again each time one is over.
    if (looking) return;
    looking = true;
    try {
      while (!stopping && running.size < concurrency) {
        const job = await claim().catch((e) => {
          onError("looking for due jobs failed", e);
          return null;
        });
        if (!job) return;
        void begin(job).then(() => tick());
      }
    } finally {
      looking = false;
    }
  }

  return {
    owner,
    runOnce,
    start() {
      if (timer) return;
      stopping = false;
      timer = setInterval(() => void tick(), pollMs);
      timer.unref();
      void tick();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const { controller } of running.values()) controller.abort(new Error("The server is stopping"));
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
