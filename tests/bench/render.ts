// npm run bench:render — cold renders (cache misses) at scale: 10,000 posts, 100,000
// comments, 1,000 people. Seeds a fresh database, starts Quire, then asks one at a time for
// pages no one has asked for yet (every post page is new; the home, tag and search pages
// each from a position, `after`, not asked for before: pages are cached by the parameters
// they read, and only by those), and prints p50/p95/p99. Goal: ≤ 10 ms at p50 for both. Also times a
// search for a word in every post, which has no goal but must not take seconds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startQuire } from "./proc.ts";
import { FULL, seedScale } from "./scale-seed.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500);
const GOAL_MS = 10;
const dir = mkdtempSync(join(tmpdir(), "quire-render-"));
const url = `file:${join(dir, "scale.db")}`;

const seeded = await seedScale(url);
console.log(`Seeded ${FULL.people} people, ${FULL.posts} posts, ${FULL.comments} comments in ${seeded.seconds.toFixed(1)} s`);

const { base } = await startQuire(url);
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

async function time(path: string): Promise<number> {
  const t = performance.now();
  const response = await fetch(base + path);
  await response.arrayBuffer();
  const ms = performance.now() - t;
  if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  if (response.headers.get("x-astro-cache") === "HIT") throw new Error(`${path} was a cache hit, not a cold render`);
  return ms;
}
/** A list cursor at `ms` (src/server/queries/posts.ts writes them so): the list from there on. */
const after = (i: number) => Buffer.from(`${Date.now() - i * 1000}:~`).toString("base64url");
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

// Warm the process (code paths, statement caches), on pages not measured after.
for (let i = 0; i < 50; i++) await time(`/posts/post-${FULL.posts - i}`);
for (let i = 0; i < 20; i++) await time(`/?after=${after(100_000 + i)}`);

const rows: [string, number[]][] = [];
const post: number[] = [];
for (let i = 0; i < SAMPLES; i++) post.push(await time(`/posts/post-${1 + ((i * 7919) % (FULL.posts - 100))}`));
rows.push(["post page", post]);
const home: number[] = [];
for (let i = 0; i < SAMPLES; i++) home.push(await time(`/?after=${after(i)}`));
rows.push(["home page", home]);
// Not part of the goal: tag pages (each walks its own tag index).
const tag: number[] = [];
for (let i = 0; i < Math.min(SAMPLES, 100); i++) tag.push(await time(`/tags/topic-${1 + (i % 50)}?after=${after(i)}`));
rows.push(["tag page", tag]);
// Nor is this, but a reader can ask for it: a word every one of the 10,000 posts
// contains, so ranking and snippets are at their most expensive.
const search: number[] = [];
for (let i = 0; i < Math.min(SAMPLES, 100); i++) search.push(await time(`/search?q=number&after=${i * 10}`));
rows.push(["search", search]);

console.log(`\n${SAMPLES} cold renders each, one at a time, over HTTP on 127.0.0.1:\n`);
console.log("page        p50 ms  p95 ms  p99 ms  goal (p50 ≤ 10 ms)");
for (const [name, xs] of rows) {
  const p50 = pct(xs, 50);
  console.log(
    `${name.padEnd(10)} ${p50.toFixed(2).padStart(7)} ${pct(xs, 95).toFixed(2).padStart(7)} ${pct(xs, 99).toFixed(2).padStart(7)}  ${name === "search" || name === "tag page" ? "(no goal)" : p50 <= GOAL_MS ? "met" : "NOT met"}`,
  );
}
process.exit(0);
