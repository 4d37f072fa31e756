// The server's long-lived parts, made once per process: configuration, database, auth.
import { getConfig, type Config } from "./config.ts";
import { createDb, type Db } from "../db/client.ts";
import { initAuth, type Auth } from "./auth.ts";
import { createInvalidation, type Invalidation, type InvalidationOptions } from "./cache/invalidation.ts";
import { getStore, type Store } from "./cache/store.ts";
import { cacheTags } from "./lib/cache-tags.ts";
import { redirectsChanged } from "./server/redirects.ts";
import { settingsChanged } from "./server/settings.ts";
import { webhooksChanged } from "./server/webhooks.ts";
import { apiKeysChanged } from "./server/api/keys.ts";
import { contentCountsChanged } from "./server/content-api.ts";

export interface Runtime {
  config: Config;
  db: Db;
  auth: Auth;
  /** Cache purges for this process and, through the database, every other one. */
  invalidation: Invalidation;
}

async function init(): Promise<Runtime> {
  const config = getConfig();
  const db = await createDb(config.database);
  return { config, db, auth: initAuth(config, db.db), invalidation: siteInvalidation(db, getStore()) };
}

/** Purges across processes on `db`, which also tell the settings kept in memory that they changed. */
export function siteInvalidation(db: Db, store: Store, options: Partial<InvalidationOptions> = {}): Invalidation {
  const onPurge = (tags: readonly string[]) => {
    if (tags.includes(cacheTags.site)) settingsChanged(db.db);
    if (tags.includes(cacheTags.site) || tags.includes(cacheTags.redirects)) redirectsChanged(db.db);
    if (tags.includes(cacheTags.webhooks)) webhooksChanged(db.db);
    if (tags.includes(cacheTags.apiKeys)) apiKeysChanged(db.db);
    if (tags.includes(cacheTags.list) || tags.includes(cacheTags.pages)) contentCountsChanged(db.db);
  };
  return createInvalidation({ ...options, db, store, onPurge });
}

let runtime: Promise<Runtime> | undefined;

/** The process's runtime, made on first use. */
export function getRuntime(): Promise<Runtime> {
  return (runtime ??= init());
}

/** Makes `next` the process's runtime (tests mount one on another database), or forgets it. */
export function useRuntime(next: Runtime | undefined): void {
  runtime = next && Promise.resolve(next);
}

/**
 * Ends the runtime's work: stops polling for purges and closes the database, folding a
 * local file's write-ahead log into it first (the driver's close leaves it behind), so the
 * next start, a backup or a copy finds everything in the file itself.
 */
export async function closeRuntime(runtime: Runtime): Promise<void> {
  await runtime.invalidation.stop();
  if (runtime.config.database.localPath) {
    await runtime.db.client.execute("PRAGMA wal_checkpoint(TRUNCATE)").catch((e: unknown) => {
      console.error("Could not checkpoint the database before stopping:", e instanceof Error ? e.message : e);
    });
  }
  runtime.db.close();
}
