// The database made ready before the server takes requests: migrations applied by code and,
// on a first local run, the demo seed. Used by `npm start`, `npm run user:create` and the
// end-to-end server.
import { migrateDb } from "../db/client.ts";
import { seedDemo } from "../db/seed.ts";
import { getRuntime } from "./runtime.ts";

export async function prepareDatabase(options: { migrations: string; seed: boolean }) {
  const runtime = await getRuntime();
  await migrateDb(runtime.db.db, options.migrations);
  const seeded = options.seed ? await seedDemo(runtime.db, runtime.auth) : false;
  return { runtime, seeded };
}
