// Cache purges across every server process on one database. The process that writes
// drops the pages from its own store at once and appends the tags to cache_purge; every
// process polls that log and drops what others purged. The log is the only channel, so
// processes need no address for each other, and a Turso database works like a file.
import { gt, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { CachePurge } from "../../db/schema.ts";
import type { Store } from "./store.ts";

export interface InvalidationOptions {
  db: Db;
  store: Store;
  /** How often to read the log. */
  pollMs?: number;
  /** Log rows older than this are deleted. */
  retentionMs?: number;
  /** How often to delete old rows. */
  pruneEveryMs?: number;
  onError?: (message: string, error: unknown) => void;
  /** Told of every purge, this process's and the others', before its pages are dropped. */
  onPurge?: (tags: readonly string[]) => void;
}

export interface Invalidation {
  /** Drops pages with any of these tags here, and tells the other processes. */
  purge(tags: readonly string[]): Promise<void>;
  /** Reads purges made by others since the last poll and applies them. */
  poll(): Promise<number>;
  /** Deletes log rows older than the retention. */
  prune(): Promise<void>;
  /** Starts polling (and pruning) in the background. */
  start(): Promise<void>;
  /** Stops the background work, waiting for a poll in flight. */
  stop(): Promise<void>;
}

/** Tags waiting for the next log row, and when that row is written (or has failed). */
interface Batch {
  tags: Set<string>;
  recorded: Promise<void>;
}

export const PURGE_POLL_MS = 200;
export const PURGE_RETENTION_MS = 10 * 60_000;

export function createInvalidation(options: InvalidationOptions): Invalidation {
  const { db, store } = options;
  const pollMs = options.pollMs ?? PURGE_POLL_MS;
  const retentionMs = options.retentionMs ?? PURGE_RETENTION_MS;
  const pruneEveryMs = options.pruneEveryMs ?? 60_000;
  const onError = options.onError ?? ((message, error) => console.error(`[cache] ${message}:`, error));

  // Log ids this process wrote: already applied here when they were written.
  const own = new Set<number>();
  let lastSeen: number | undefined;
  let lastPollOk = Date.now();
  let lastPrune = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight: Promise<unknown> | undefined;
  let next: Batch | undefined;

  async function latestId(): Promise<number> {
    const [row] = await db.db.select({ max: sql<number | null>`max(${CachePurge.id})` }).from(CachePurge);
    return row?.max ?? 0;
  }

  async function poll(): Promise<number> {
    // Everything before the first poll was purged before this process cached anything.
    if (lastSeen === undefined) {
      lastSeen = await latestId();
      lastPollOk = Date.now();
      return 0;
    }
    const rows = await db.db
      .select({ id: CachePurge.id, tags: CachePurge.tags })
      .from(CachePurge)
      .where(gt(CachePurge.id, lastSeen))
      .orderBy(CachePurge.id);
    // Polls failed for so long that rows may have been pruned unseen: start over.
    if (Date.now() - lastPollOk > retentionMs / 2) store.clear();
    lastPollOk = Date.now();
    let applied = 0;
    for (const row of rows) {
      lastSeen = row.id;
      if (own.delete(row.id)) continue;
      options.onPurge?.(row.tags);
      store.purgeTags(row.tags);
      applied++;
    }
    return applied;
  }

  async function prune(): Promise<void> {
    await db.write((d) =>
      d
        .delete(CachePurge)
        // The database's clock, like the one created_at was written with.
        .where(lt(CachePurge.createdAt, sql`(cast(unixepoch('subsecond') * 1000 as integer) - ${retentionMs})`)),
    );
  }

  async function tick(): Promise<void> {
    try {
      await poll();
    } catch (e) {
      onError("reading the purge log failed", e);
    }
    if (Date.now() - lastPrune >= pruneEveryMs) {
      lastPrune = Date.now();
      await prune().catch((e) => onError("pruning the purge log failed", e));
    }
  }

  return {
    async purge(tags) {
      if (tags.length === 0) return;
      options.onPurge?.(tags);
      store.purgeTags(tags);
      // The row is written once this turn of the event loop is over, and purges that arrive
      // before then, or while it waits its turn on the write path, join it: under load one
      // row records the mutations of many requests (one each had cost a second commit per
      // mutation), and each caller still returns only once its tags are in the log.
      if (!next) {
        const batch: Batch = { tags: new Set(), recorded: Promise.resolve() };
        batch.recorded = new Promise<void>((turnOver) => setImmediate(turnOver))
          .then(() =>
            db.write((d) => {
              // From here on, later purges start a new row.
              next = undefined;
              return d
                .insert(CachePurge)
                .values({ tags: [...batch.tags] })
                .returning({ id: CachePurge.id });
            }),
          )
          .then(
            ([row]) => {
              // Only worth remembering when a poll will read it; else it would stay forever.
              if (row && lastSeen !== undefined && row.id > lastSeen) own.add(row.id);
            },
            (e) => {
              if (next === batch) next = undefined;
              // The change itself is saved; failing the request would invite a retry of it.
              const which = [...batch.tags].join(", ");
              onError(`recording purge of ${which} failed; other processes keep those pages until they expire`, e);
            },
          );
        next = batch;
      }
      for (const tag of tags) next.tags.add(tag);
      await next.recorded;
    },
    poll,
    prune,
    async start() {
      if (timer) return;
      await poll().catch((e) => onError("reading the purge log failed", e));
      timer = setInterval(() => {
        if (inFlight) return;
        inFlight = tick().finally(() => {
          inFlight = undefined;
        });
      }, pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
