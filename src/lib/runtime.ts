// The server's long-lived parts, made once per process: configuration, database, auth.
import { getConfig, type Config } from "../config.ts";
import { createDb, type Db } from "../../db/client.ts";
import { initAuth, type Auth } from "../auth.ts";
import { createInvalidation, type Invalidation } from "./cache/invalidation.ts";
import { getStore } from "./cache/store.ts";

export interface Runtime {
  config: Config;
  db: Db;
  auth: Auth;
  /** Cache purges for this process and, through the database, every other one. */
  invalidation: Invalidation;
}

const KEY = Symbol.for("quire.runtime");
type Holder = { [KEY]?: Promise<Runtime> };

async function init(): Promise<Runtime> {
  const config = getConfig();
  const db = await createDb(config.database);
  return { config, db, auth: initAuth(config, db.db), invalidation: createInvalidation({ db, store: getStore() }) };
}

/** Shared through globalThis so every bundle chunk (and the start script) sees one instance. */
export function getRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[KEY] ??= init();
  return holder[KEY];
}
