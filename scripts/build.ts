// The built site, built again when any source is newer than it (npm start builds on demand).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
export const ENTRY = join(root, "dist/server/entry.mjs");

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

function stale(): boolean {
  if (!existsSync(ENTRY)) return true;
  const sources = ["src", "db", "public", "astro.config.mjs", "package.json"].map((p) => join(root, p)).filter(existsSync);
  return Math.max(...sources.map(newest)) > statSync(ENTRY).mtimeMs;
}

/** Builds when the build is missing or older than the sources; exits the process if the build fails. */
export function buildIfStale(): void {
  if (!stale()) return;
  console.log("Building the site (astro build)…");
  const started = Date.now();
  const build = spawnSync(process.execPath, [join(root, "node_modules/astro/bin/astro.mjs"), "build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) {
    console.error("The build failed; see the errors above.");
    process.exit(build.status ?? 1);
  }
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
}
