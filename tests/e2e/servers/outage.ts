// Quire as serve-e2e.ts runs it, plus a switch for the faults spec: each SIGUSR2 swaps the
// server's database between the real one and a remote libSQL database where nothing
// listens (a Turso or sqld that went away), through the real client, so the spec can
// watch pages and the API while the database is out of reach and after it is back.
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import * as schema from "../../../db/schema.ts";
import type { Database, Db } from "../../../db/client.ts";
import { freePort } from "../../../scripts/free-port.js";
import { initAuth } from "../../../src/auth.ts";
import { MAIN } from "../../../scripts/build.js";

await import("../../../scripts/serve-e2e.ts");
// The server's own runtime: the one its bundle made, not a copy from the sources.
const { getRuntime } = (await import(MAIN)) as typeof import("../../../src/main.ts");
const runtime = await getRuntime();
const real = { db: runtime.db, auth: runtime.auth };
// Built here rather than by createDb, whose first PRAGMA would fail: the server met its
// database while it was up.
const client = createClient({ url: `libsql://127.0.0.1:${await freePort()}` });
const db = drizzle(client, { schema }) as Database;
const gone: Db = { db, client, write: (fn) => fn(db), close: () => client.close() };
const away = { db: gone, auth: initAuth(runtime.config, gone.db) };

let down = false;
process.on("SIGUSR2", () => {
  down = !down;
  Object.assign(runtime, down ? away : real);
  console.log(down ? "Database unreachable." : "Database back.");
});
