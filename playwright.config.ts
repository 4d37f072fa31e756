import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// E2E_BASE_URL points the suite at a deployed site; otherwise it starts the built server
// on E2E_PORT (npm test picks a free one) with a fresh database.
const external = process.env.E2E_BASE_URL?.replace(/\/+$/, "");
process.env.E2E_PORT ??= String(20_000 + Math.floor(Math.random() * 30_000));
const baseURL = external ?? `http://127.0.0.1:${process.env.E2E_PORT}`;
// Where the e2e server's SMTP server leaves received mail for the tests to read. Made once
// here in the runner; the workers inherit the variable.
process.env.E2E_MAIL_DIR ??= mkdtempSync(join(tmpdir(), "quire-e2e-mail-"));

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  // A deployed site keeps its sign-up rate limits: a test may wait out a 429 or two.
  timeout: external ? 300_000 : 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: true,
  // npm test also asks for a JSON report (PLAYWRIGHT_JSON_OUTPUT_FILE) to print one total.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH || undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: external
    ? undefined
    : {
        command: `"${process.execPath}" scripts/serve-e2e.ts`,
        url: `${baseURL}/`,
        env: { PORT: process.env.E2E_PORT, SITE_URL: baseURL, E2E_MAIL_DIR: process.env.E2E_MAIL_DIR },
        // A deployed site keeps its sign-up rate limits: a test may wait out a 429 or two.
        timeout: external ? 300_000 : 60_000,
        reuseExistingServer: false,
        // The server's own graceful stop, which also removes its temporary database.
        gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
        stdout: "ignore",
        stderr: "pipe",
      },
});
