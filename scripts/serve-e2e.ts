// The server the end-to-end suite starts: the built site, production mode, a fresh
// database in a temporary folder that is removed on exit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "quire-e2e-"));
const port = process.env.PORT ?? "0";
Object.assign(process.env, {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  DATABASE_URL: `file:${join(dir, "e2e.db")}`,
  SITE_URL: process.env.SITE_URL ?? `http://127.0.0.1:${port}`,
  SEED_DEMO: "false",
  // Every test signs up from 127.0.0.1: one client, as far as the limiter can tell.
  AUTH_RATE_LIMIT: process.env.AUTH_RATE_LIMIT ?? "1000",
});
const cleanup = () => rmSync(dir, { recursive: true, force: true });
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));

process.argv.push("--no-build");
await import("./start.ts");
