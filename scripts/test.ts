// npm test: the static checks (tsc, svelte-check, ESLint, Prettier), the unit suite (Vitest),
// then the end-to-end suite (Playwright) against a fresh build on a free port with a fresh
// database, or against E2E_BASE_URL when it is set (then only that suite runs).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { findOrInstallChromium } from "./browser.ts";
import { freePort } from "./free-port.js";

const root = resolve(import.meta.dirname, "..");
process.chdir(root);
const args = process.argv.slice(2);
const only = args.includes("--e2e-only") ? "e2e" : args.includes("--unit-only") ? "unit" : "all";
const passthrough = args.filter((a) => !a.startsWith("--") || a === "--headed");

function step(title: string, cmd: string[], env: Record<string, string> = {}): void {
  console.log(`\n=== ${title}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, cmd, {
    stdio: "inherit",
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1", ...env },
  });
  console.log(`=== ${title}: ${result.status === 0 ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Each suite also writes a JSON report, so the run ends with one count a person or CI can read.
const reports = join(root, "test-results/reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- two reporters' JSON, each read by its own function
function count(file: string, read: (json: any) => { passed: number; failed: number; skipped: number }) {
  try {
    const r = read(JSON.parse(readFileSync(join(reports, file), "utf8")));
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.skipped += r.skipped;
  } catch {
    totals.failed += 1; // a suite that wrote no report did not pass
  }
}

if (only !== "e2e") {
  // A type error, a lint finding or an unformatted file fails the run before any test does.
  const code = "**/*.{ts,js,mjs,svelte,astro,css}";
  step("Types (tsc)", [join(root, "node_modules/typescript/bin/tsc"), "--noEmit"]);
  step("Svelte types (svelte-check)", [
    join(root, "node_modules/svelte-check/bin/svelte-check"),
    "--tsconfig",
    "./tsconfig.json",
    "--threshold",
    "error",
  ]);
  step("Lint (ESLint)", [join(root, "node_modules/eslint/bin/eslint.js"), "."]);
  step("Format (Prettier)", [join(root, "node_modules/prettier/bin/prettier.cjs"), "--check", code]);
  step("Unit tests (Vitest)", [
    join(root, "node_modules/vitest/vitest.mjs"),
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${join(reports, "unit.json")}`,
  ]);
  count("unit.json", (j) => ({ passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests }));
}

if (only !== "unit") {
  const env: Record<string, string> = { PLAYWRIGHT_CHROMIUM_PATH: await findOrInstallChromium() };
  if (process.env.E2E_BASE_URL) {
    console.log(`\nEnd-to-end target: ${process.env.E2E_BASE_URL} (already deployed; nothing is built or started)`);
  } else {
    step("Build (astro build)", [join(root, "node_modules/astro/bin/astro.mjs"), "build"]);
    step("Island sizes", [join(root, "scripts/island-size.ts")]);
    env.E2E_PORT = String(await freePort());
  }
  env.PLAYWRIGHT_JSON_OUTPUT_FILE = join(reports, "e2e.json");
  step("End-to-end tests (Playwright)", [join(root, "node_modules/@playwright/test/cli.js"), "test", ...passthrough], env);
  count("e2e.json", (j) => ({ passed: j.stats.expected + j.stats.flaky, failed: j.stats.unexpected, skipped: j.stats.skipped }));
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
if (totals.failed > 0 || totals.passed === 0) process.exit(1);
