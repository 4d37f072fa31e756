// Entry point for the better-auth CLI (npm run auth:generate), which needs an `auth`
// instance to read the tables from. Never used at run time.
import { initAuth } from "../src/auth.ts";
import { loadConfig } from "../src/config.ts";
import { createDb } from "./client.ts";

const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: "file::memory:" });
export const auth = initAuth(config, (await createDb(config.database)).db);
