// The built site, built again when any source is newer than it (npm start builds on demand).
// Plain JavaScript, like the rest of what `npm start` loads before the built server.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
/** Astro's handler for the pages (the adapter's entry). */
export const ENTRY = join(root, "dist/server/entry.mjs");
/** The server's own modules, from the same build (src/main.ts). */
export const MAIN = join(root, "dist/server/main.mjs");
/** The render thread's script, from the same build. */
export const RENDER_WORKER = join(root, "dist/server/render-worker.mjs");
/** The import thread's script, from the same build. */
export const IMPORT_WORKER = join(root, "dist/server/import-worker.mjs");
/** The newsletter sender thread's script, from the same build. */
export const SENDER_WORKER = join(root, "dist/server/sender-worker.mjs");
export const MIGRATIONS = join(root, "db/migrations");

/** @param {string} path @returns {number} */
function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** @returns {boolean} */
function stale() {
  if (![ENTRY, MAIN, RENDER_WORKER, IMPORT_WORKER, SENDER_WORKER].every(existsSync)) return true;
  const sources = ["src", "db", "public", "astro.config.mjs", "package.json"].map((p) => join(root, p)).filter(existsSync);
  return Math.max(...sources.map(newest)) > statSync(ENTRY).mtimeMs;
}

/** Builds when the build is missing or older than the sources; exits the process if the build fails. */
export function buildIfStale() {
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
