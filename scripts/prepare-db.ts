// Migrations (and, on a first local run, the demo seed) applied by code before the server
// takes requests. Used by `npm start` and by the end-to-end server.
import { resolve } from "node:path";
import { migrateDb } from "../db/client.ts";
import { seedDemo } from "../db/seed.ts";
import { getRuntime } from "../src/runtime.ts";

export const MIGRATIONS = resolve(import.meta.dirname, "../db/migrations");

export async function prepareDatabase(options: { seed: boolean }) {
  const runtime = await getRuntime();
  await migrateDb(runtime.db.db, MIGRATIONS);
  const seeded = options.seed ? await seedDemo(runtime.db, runtime.auth) : false;
  return { runtime, seeded };
}
