// Finds a Chromium for Playwright, or installs one, saying what it does.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

async function playwrightsOwn(): Promise<string | undefined> {
  const { chromium } = await import("@playwright/test");
  const path = chromium.executablePath();
  return path && existsSync(path) ? path : undefined;
}

async function locate(): Promise<string | undefined> {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH is set to ${given}, which does not exist`);
    return given;
  }
  return CANDIDATES.find((p) => existsSync(p)) ?? (await playwrightsOwn());
}

function run(cmd: string, args: string[]): boolean {
  console.log(`  $ ${cmd} ${args.join(" ")}`);
  return spawnSync(cmd, args, { stdio: "inherit" }).status === 0;
}

export async function findOrInstallChromium(): Promise<string> {
  const found = await locate();
  if (found) {
    console.log(`Browser: ${found}`);
    return found;
  }
  console.log("Browser: no Chromium found. Installing Playwright's Chromium…");
  if (run(process.execPath, ["node_modules/@playwright/test/cli.js", "install", "chromium"])) {
    const own = await playwrightsOwn();
    if (own) return own;
  }
  const root = process.getuid?.() === 0;
  if (existsSync("/usr/bin/apt-get")) {
    console.log("Browser: Playwright's download failed; installing Debian's chromium with apt-get…");
    const sudo = root ? [] : ["sudo"];
    const [cmd, ...pre] = [...sudo, "apt-get"];
    run(cmd!, [...pre, "update", "-qq"]);
    run(cmd!, [...pre, "install", "-y", "-qq", "chromium"]);
    const again = await locate();
    if (again) return again;
  }
  throw new Error("No Chromium could be found or installed. Install Chromium or Chrome, or set CHROMIUM_PATH to its executable.");
}
