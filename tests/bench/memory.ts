// npm run bench:memory — how much memory the built server holds: on the demo content, with no
// render thread and with one, its resident memory (RSS) after start, after 1,000 mixed page
// views (cached pages, cache misses, searches, feeds, 404s) and after 10 s idle. The
// difference between the two runs is what one render thread costs. A second run of each takes
// heap snapshots at the same three moments (the server's live JS heap; a snapshot allocates in
// the server, so it is apart from the RSS run), and one render thread started here reports
// its own heap after rendering the demo posts.
// Goal: ≤ 160 MiB RSS in total after start and after the page views.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startRenderWorkers } from "../../src/jobs/render-workers.ts";
import { heapFlags, heapSnapshot } from "./heap.ts";
import { rssMiB, startQuire } from "./proc.ts";
import { report } from "./report.ts";

const GOAL_MIB = 160;
/** Earlier figures of this benchmark, kept beside the latest one (same command, same machine). */
const HISTORY = [
  "Before (commit 9a7d97c, two module graphs, dependencies loaded from node_modules): RENDER_WORKERS=0 299 / 306 / 164 MiB, RENDER_WORKERS=1 329 / 337 / 193 MiB, a render thread 32 MiB. Where it went: Node resolves each module file of a package through its package.json, and drizzle-orm's is 180 KB, parsed again for each of its hundred-odd modules (importing `drizzle-orm/sqlite-core` alone took Node from 42 to 230 MiB RSS, 144 MiB of it garbage the heap then kept); the TypeScript loader for the start script's copy of src/ (+18 MiB); the start script's and the bundle's copies of the same code; Shiki's Oniguruma WebAssembly memory in each render thread (+23 MiB); V8's default 16 MiB semi-spaces.",
  "After the one bundle alone (dependencies bundled, no TypeScript loader yet): 155 / 169 MiB and 192 / 206 MiB; with the JavaScript regex engine for Shiki 146 / 168 and 173 / 196; with the 1 MiB semi-space and the render thread's 3 MiB young generation 134 / 143 and 156 / 165; with a JavaScript start script 140 / 154 MiB (goal met). The 1 MiB semi-space was then taken out of `npm start`: with it the main thread spent 16.6% of its time in the garbage collector under `npm run bench` (2.2% without), and comment writes fell from about 1,000/s to 750–930/s; its sizes 2, 3 and 4 MiB gave 153, 160 and 162 MiB after views here. Without it (commit b9c25e7): 153 / 173 MiB with one render thread.",
  "Then the server bundle minified (its code 5.5 MB to 2.7 MB; the live heap 33.2 to 28.8 MiB) and `npm start` given a 4 MiB semi-space: the figures above. Write benchmark the same hour on this machine, 4 MiB against no cap: 913 / 768 against 861 / 744 comment writes a second (first load / again); a quieter rerun at 17:30 put the cap's cost at 11–19% of writes (BENCHMARKS.md, Load). Uploads load sharp only with the first image, and pages are compressed on the main thread (on libuv's pool each thread kept a malloc arena: 171 MiB after views).",
];
const VIEWS = 1000;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);

const dir = mkdtempSync(join(tmpdir(), "quire-memory-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

async function measure(threads: number, heap = false) {
  const server = await startQuire(
    `file:${join(dir, `memory-${threads}${heap ? "-heap" : ""}.db`)}`,
    { SEED_DEMO: "true", RENDER_WORKERS: String(threads) },
    heap ? heapFlags(dir) : [],
  );
  try {
    const ping = () => fetch(`${server.base}/robots.txt`).then((r) => r.text());
    const mib = async () => (heap ? (await heapSnapshot(server.pid, dir, ping)).total / 2 ** 20 : (rssMiB(server.pid) ?? NaN));
    await new Promise((r) => setTimeout(r, 1000));
    const afterStart = await mib();
    const home = await (await fetch(`${server.base}/`)).text();
    const posts = [...new Set([...home.matchAll(/href="(\/posts\/[^"]+)"/g)].map((m) => m[1]!))];
    const tags = [...new Set([...home.matchAll(/href="(\/tags\/[^"/]+)"/g)].map((m) => m[1]!))];
    const paths = ["/", "/tags", "/rss.xml", "/sitemap.xml", "/no-such-page", ...posts, ...tags];
    for (let i = 0; i < VIEWS; i++) {
      // Every tenth a search no one made before: a render, and a new cache entry.
      const path = i % 10 === 9 ? `/search?q=${encodeURIComponent(`word${i}`)}` : paths[i % paths.length]!;
      const response = await fetch(`${server.base}${path}`);
      await response.arrayBuffer();
    }
    const afterViews = await mib();
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    return { afterStart, afterViews, afterIdle: await mib(), pages: paths.length };
  } finally {
    await server.stop();
  }
}

/** One render thread's own heap, after it rendered the demo posts (the built thread script). */
async function renderThreadHeap() {
  const root = resolve(import.meta.dirname, "../..");
  const seed = readFileSync(join(root, "db/seed.ts"), "utf8");
  const bodies = [...seed.matchAll(/body: `([^`]*)`/g)].map((m) => m[1]!);
  const threads = startRenderWorkers(1, { script: new URL(`file://${join(root, "dist/server/render-worker.mjs")}`) });
  try {
    for (let round = 0; round < 10; round++) for (const body of bodies) await threads.post(body);
    const stats = await threads.workers[0]!.getHeapStatistics();
    return { used: stats.used_heap_size / 2 ** 20, total: stats.total_heap_size / 2 ** 20, posts: bodies.length };
  } finally {
    await threads.close();
  }
}

const none = await measure(0);
const one = await measure(1);
const noneHeap = await measure(0, true);
const oneHeap = await measure(1, true);
const thread = await renderThreadHeap();
const mib = (n: number) => `${n.toFixed(0)} MiB`;
const mib1 = (n: number) => `${n.toFixed(1)} MiB`;
const verdict = (n: number) => (n <= GOAL_MIB ? "met" : "NOT met");
report(
  "Memory (`npm run bench:memory`)",
  "npm run bench:memory",
  [
    [
      "RENDER_WORKERS=0: RSS after start / after views / after idle",
      `${mib(none.afterStart)} / ${mib(none.afterViews)} / ${mib(none.afterIdle)}`,
    ],
    [
      "RENDER_WORKERS=1: RSS after start / after views / after idle",
      `${mib(one.afterStart)} / ${mib(one.afterViews)} / ${mib(one.afterIdle)}`,
    ],
    ["one render thread costs (after views)", mib(one.afterViews - none.afterViews)],
    [
      "RENDER_WORKERS=0: live heap after start / after views / after idle",
      `${mib1(noneHeap.afterStart)} / ${mib1(noneHeap.afterViews)} / ${mib1(noneHeap.afterIdle)}`,
    ],
    [
      "RENDER_WORKERS=1: live heap of the main thread after start / after views / after idle",
      `${mib1(oneHeap.afterStart)} / ${mib1(oneHeap.afterViews)} / ${mib1(oneHeap.afterIdle)}`,
    ],
    [
      `a render thread's heap after rendering the ${thread.posts} demo posts 10 times: used / allocated`,
      `${mib1(thread.used)} / ${mib1(thread.total)}`,
    ],
    [`goal ≤ ${GOAL_MIB} MiB after start and after views (one render thread)`, `${verdict(Math.max(one.afterStart, one.afterViews))}`],
  ],
  [
    `${VIEWS} page views over ${none.pages} paths (home, tags, feeds, sitemap, a 404, each demo post and tag), every tenth a new search; then ${IDLE_SECONDS} s idle. The demo content is three posts.`,
    ...HISTORY,
  ],
);
