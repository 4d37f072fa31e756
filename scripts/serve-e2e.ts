// The server the end-to-end suite starts: the built site, production mode, a fresh
// database in a temporary folder that is removed on exit. With E2E_DATABASE_FILE it
// serves that database file instead and leaves it in place, so a test can run several
// servers on one database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const shared = process.env.E2E_DATABASE_FILE;
const dir = shared ? undefined : mkdtempSync(join(tmpdir(), "quire-e2e-"));
const port = process.env.PORT ?? "0";
Object.assign(process.env, {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  DATABASE_URL: `file:${shared ?? join(dir!, "e2e.db")}`,
  SITE_URL: process.env.SITE_URL ?? `http://127.0.0.1:${port}`,
  SEED_DEMO: "false",
  // Every test signs up from 127.0.0.1: one client, as far as the limiter can tell.
  AUTH_RATE_LIMIT: process.env.AUTH_RATE_LIMIT ?? "1000",
});
if (dir) process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

// Until start.ts is serving, a signal just exits (removing the folder); from then on
// start.ts stops gracefully and exits itself.
const early = () => process.exit(0);
process.on("SIGINT", early).on("SIGTERM", early);
process.argv.push("--no-build");
await import("./start.ts");
process.off("SIGINT", early).off("SIGTERM", early);
