// The database: one libSQL client, its PRAGMAs, migrations, and the one write path.
// Knows nothing of HTTP.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient, type Client, type Config as LibsqlConfig } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.ts";
import { LocalClient } from "./local-client.ts";

/**
 * How long a statement waits for another process's lock before failing with SQLITE_BUSY
 * (a 503 to the client). The local driver waits synchronously, so the whole server, cache
 * hits included, stalls for as long: long enough for any real write transaction (they
 * take milliseconds), short enough that a lock held elsewhere does not freeze the site.
 */
export const BUSY_TIMEOUT_MS = 1000;

export interface DatabaseConfig {
  url: string;
  authToken?: string;
  syncUrl?: string;
  syncInterval?: number;
  localPath?: string;
}

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };

export interface Db {
  db: Database;
  client: Client;
  /**
   * Runs one write. The local libSQL client is synchronous underneath, so writes are
   * queued here instead of racing for the file lock; multi-statement writes go through
   * `db.batch([...])` inside `fn`, never an interactive transaction held across awaits.
   */
  write<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  close(): void;
}

/** The libSQL client options for a configuration: local file, Turso, or an embedded replica. */
export function libsqlOptions(config: DatabaseConfig): LibsqlConfig {
  const local = config.url.startsWith("file:");
  return {
    url: config.url,
    authToken: config.authToken,
    ...(config.syncUrl ? { syncUrl: config.syncUrl, syncInterval: config.syncInterval } : {}),
    // One connection for a local file: its PRAGMAs stick, and statements never
    // contend with each other inside this process.
    ...(local ? { concurrency: 1 } : {}),
  };
}

/**
 * A local file or in-memory database gets Quire's own client, which keeps its prepared
 * statements (db/local-client.ts); Turso and embedded replicas get @libsql/client's.
 */
export function openClient(config: DatabaseConfig): Client {
  const path = config.localPath ?? (config.url === "file::memory:" ? ":memory:" : undefined);
  if (path && !config.syncUrl && !config.url.includes("?")) return new LocalClient({ path });
  return createClient(libsqlOptions(config));
}

/**
 * A query built and prepared once per database, for the statements every request sends:
 * Drizzle takes longer to build a query's SQL than the local database takes to run it.
 * Values go in as `sql.placeholder(name)`.
 */
export function preparedOnce<Q>(build: (db: Database) => Q): (db: Database) => Q {
  const built = new WeakMap<Database, Q>();
  return (db) => {
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query;
  };
}

export interface DbOptions {
  /** Called with every SQL statement Drizzle sends (tests count them). */
  onQuery?: (sql: string) => void;
}

export async function createDb(config: DatabaseConfig, options: DbOptions = {}): Promise<Db> {
  if (config.localPath) mkdirSync(dirname(config.localPath), { recursive: true });
  const client = openClient(config);
  if (config.url.startsWith("file:")) {
    // WAL lets readers in other processes go on while one writes; the busy timeout
    // makes a second process wait for the lock instead of failing at once.
    if (config.localPath) await client.execute("PRAGMA journal_mode = WAL");
    await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  const onQuery = options.onQuery;
  const db = drizzle(client, { schema, ...(onQuery ? { logger: { logQuery: (q: string) => onQuery(q) } } : {}) }) as Database;

  let tail: Promise<unknown> = Promise.resolve();
  function write<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    const run = tail.then(() => fn(db));
    tail = run.catch(() => undefined);
    return run;
  }

  return { db, client, write, close: () => client.close() };
}

export async function migrateDb(db: Database, migrationsFolder: string): Promise<void> {
  await migrate(db, { migrationsFolder });
}
