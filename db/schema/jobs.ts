// The durable job queue (src/jobs/): work that outlives a request (image variants, imports,
// newsletters, webhooks) as rows any server process may take, one at a time each.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { now } from "./columns.ts";

export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;

export const Job = sqliteTable(
  "job",
  {
    id: text("id").primaryKey(),
    /** Which handler runs it (src/jobs/queue.ts: the runner's handlers by kind). */
    kind: text("kind").notNull(),
    payload: text("payload", { mode: "json" }).$type<unknown>(),
    /** queued (waiting for run_at), running (leased), done, or failed (out of attempts). */
    status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
    /** Claims so far, this one included. */
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    /** Not before this time: when it was enqueued, or when its retry is due. */
    runAt: integer("run_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** The process that holds it, and until when: past that, another may take it over. */
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    /** What the handler last reported (`{ done: 40, total: 100 }`, say): resumable, readable. */
    progress: text("progress", { mode: "json" }).$type<unknown>(),
    result: text("result", { mode: "json" }).$type<unknown>(),
    /** The last attempt's error, in words. */
    error: text("error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("job_due_idx").on(t.status, t.runAt)],
);

export type JobRow = typeof Job.$inferSelect;
