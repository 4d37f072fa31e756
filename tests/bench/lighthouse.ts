// npm run bench:lighthouse — Lighthouse's desktop preset on the home page, a post page and a
// tag page of the built site, served as `npm start` serves it (production mode, a fresh
// temporary database with the demo content), in the machine's Chromium. Prints the four
// category scores for each page and, under any score below 100, the audits that cost it.
// Goal: 100 in all four on all three. The HTML reports are kept in test-results/lighthouse/.
// Everything runs on this machine: Lighthouse downloads nothing and the pages load nothing
// from elsewhere.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig, type Result } from "lighthouse";
import { findOrInstallChromium } from "../../scripts/browser.ts";
import { publishPhotoPost } from "./photo-post.ts";
import { startQuire } from "./proc.ts";

const root = resolve(import.meta.dirname, "../..");
// The seed's richest post (a heading, a list, highlighted code, a table, a quote), a tag it
// carries, and a post with three large photos (and a cover) published here through the upload
// route; LIGHTHOUSE_PAGES=/a,/b,… measures other paths instead.
// ("photos" in LIGHTHOUSE_PAGES stands for that post.)
const PHOTO_POST = "photos";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
const reports = join(root, "test-results/lighthouse");

const dir = mkdtempSync(join(tmpdir(), "quire-lighthouse-"));
const { base } = await startQuire(`file:${join(dir, "lighthouse.db")}`, { SEED_DEMO: "true", MEDIA_DIR: join(dir, "media") });
const photoPost = await publishPhotoPost(base);
const PAGES = (process.env.LIGHTHOUSE_PAGES ?? `/,/posts/markdown-with-highlighted-code,/tags/quire,${PHOTO_POST}`)
  .split(",")
  .map((p) => (p === PHOTO_POST ? photoPost : p));
let chrome: chromeLauncher.LaunchedChrome | undefined;
process.on("exit", () => {
  chrome?.kill();
  rmSync(dir, { recursive: true, force: true });
});
for (const path of PAGES) {
  const status = (await fetch(base + path)).status;
  if (status !== 200) throw new Error(`${path} answers ${status}, not 200: nothing to measure (is the demo content seeded?)`);
}

chrome = await chromeLauncher.launch({
  chromePath: await findOrInstallChromium(),
  chromeFlags: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--disable-background-networking",
    "--no-first-run",
  ],
});

type Row = { path: string; scores: Record<(typeof CATEGORIES)[number], number>; lhr: Result };
const rows: Row[] = [];
mkdirSync(reports, { recursive: true });
for (const path of PAGES) {
  const result = await lighthouse(base + path, { port: chrome.port, logLevel: "error", output: "html" }, desktopConfig);
  if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse could not load ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)])) as Row["scores"];
  rows.push({ path, scores, lhr });
  writeFileSync(join(reports, `${path.replace(/^\/$/, "home").replace(/^\//, "").replace(/\W+/g, "-")}.html`), result.report as string);
}
await chrome.kill();

console.log(
  `\nLighthouse ${rows[0]?.lhr.lighthouseVersion} (desktop preset), ${rows[0]?.lhr.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0]}, ${base}\n`,
);
console.log(`${"page".padEnd(44)} ${CATEGORIES.map((c) => c.padStart(16)).join("")}`);
for (const { path, scores } of rows) console.log(`${path.padEnd(44)} ${CATEGORIES.map((c) => String(scores[c]).padStart(16)).join("")}`);

// What holds a score under 100: the category's audits that did not pass, weighted ones first.
let perfect = true;
for (const { path, scores, lhr } of rows) {
  for (const c of CATEGORIES) {
    if (scores[c] === 100) continue;
    perfect = false;
    console.log(`\n${path}, ${c} ${scores[c]}:`);
    const refs = [...lhr.categories[c]!.auditRefs].sort((a, b) => b.weight - a.weight);
    for (const ref of refs) {
      const audit = lhr.audits[ref.id]!;
      if (audit.score === null || audit.score >= 1 || audit.scoreDisplayMode === "informative") continue;
      const value = audit.displayValue ? ` (${audit.displayValue})` : "";
      console.log(
        `  ${String(Math.round(audit.score * 100)).padStart(3)}  ${ref.id}: ${audit.title}${value}${ref.weight ? ` [weight ${ref.weight}]` : ""}`,
      );
    }
  }
}
// Advice that weighs nothing in any score, listed so it is not mistaken for a pass.
for (const { path, lhr } of rows) {
  const scored = new Set(CATEGORIES.flatMap((c) => lhr.categories[c]!.auditRefs.filter((r) => r.weight > 0).map((r) => r.id)));
  const flagged = Object.values(lhr.audits).filter(
    (a) => !scored.has(a.id) && a.score !== null && a.score < 1 && !["informative", "notApplicable", "manual"].includes(a.scoreDisplayMode),
  );
  if (flagged.length)
    console.log(
      `\n${path}, flagged but not scored: ${flagged.map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ""}`).join("; ")}`,
    );
}
console.log(`\n${perfect ? "Goal met: 100 everywhere." : "Goal NOT met: see above."} Reports: ${reports}/`);
process.exit(0);
