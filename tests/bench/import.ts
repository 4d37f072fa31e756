// npm run bench:import — a big WordPress site moving in. A WXR made here with 10,000 posts,
// 50,000 comments, 1,000 tags and 2,000 images (small JPEGs served by a loopback server the
// import fetches them from, as from the old site), uploaded to the built server through
// /api/import, previewed, confirmed and imported by the job. Prints:
//  - the time of the posts (the job's "items" phase; goal ≤ 60 s) and, apart, of the images;
//  - the server's peak RSS growth over its RSS before the upload (goal ≤ 200 MiB);
//  - a cached post page's p99 for 2 readers, idle and during the import (goal ≤ 2× idle).
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { signInCookie, signUp } from "./http-client.ts";
import { rssMiB, startQuire } from "./proc.ts";
import { report } from "./report.ts";
import { bigWxr } from "../unit/import/fixtures.ts";

const POSTS = Number(process.env.BENCH_IMPORT_POSTS ?? 10_000);
const COMMENTS_PER_POST = 5;
const TAGS = 1_000;
const IMAGES = Number(process.env.BENCH_IMPORT_IMAGES ?? 2_000);
const READERS = 2;

const dir = mkdtempSync(join(tmpdir(), "quire-bench-import-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function send(base: string, path: string, method: string, headers: Record<string, string>, body?: Buffer | string) {
  const url = new URL(path, base);
  const started = performance.now();
  return new Promise<{ status: number; body: string; ms: number }>((ok, fail) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end(body);
  });
}

/** Downloads the export and answers its size, never holding it. */
function exportBytes(base: string, cookie: string): Promise<number> {
  const url = new URL("/api/export", base);
  return new Promise((ok, fail) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: "GET", headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return fail(new Error(`the export answered ${res.statusCode}`));
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () => ok(bytes));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** The old site's images: a small JPEG each, distinct bytes, served at /wp-content/uploads/<n>.jpg. */
async function imageServer() {
  const base = await sharp({
    create: { width: 320, height: 240, channels: 3, background: "#6b8fb3", noise: { type: "gaussian", mean: 120, sigma: 40 } },
  })
    .raw()
    .toBuffer();
  const images = await Promise.all(
    Array.from({ length: IMAGES }, (_, n) => {
      const copy = Buffer.from(base);
      copy.writeUInt32LE(n, 0);
      return sharp(copy, { raw: { width: 320, height: 240, channels: 3 } })
        .jpeg({ quality: 80 })
        .toBuffer();
    }),
  );
  const server = createServer((req, res) => {
    const n = Number(/\/(\d+)\.jpg$/.exec(req.url ?? "")?.[1]);
    const image = images[n];
    if (image) res.writeHead(200, { "content-type": "image/jpeg", "content-length": image.length }).end(image);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const loadAtStart = loadavg()[0]!;
console.log(`Making ${IMAGES} images and a WXR of ${POSTS} posts…`);
const images = await imageServer();
const file = Buffer.from(bigWxr({ posts: POSTS, commentsPerPost: COMMENTS_PER_POST, tags: TAGS, images: IMAGES, imageBase: images.url }));
const server = await startQuire(`file:${join(dir, "bench.db")}`, {
  MEDIA_DIR: join(dir, "media"),
  IMPORT_DIR: join(dir, "imports"),
  IMPORT_FETCH_ALLOW_LOOPBACK: "true",
  AUTH_RATE_LIMIT: "100000",
});
try {
  const admin = await signUp(server.base, "Ada Admin", `admin.${Date.now().toString(36)}@quire.test`);
  const cookie = await signInCookie(server.base, admin.email);
  const post = await admin.mutate<{ id: string; slug: string }>("post.create", { title: "Read during the import", body: "A *post*." });
  if (!post.ok) throw new Error(post.message);
  await admin.mutate("post.publish", { id: post.data.id });
  const path = `/posts/${post.data.slug}`;
  for (let i = 0; i < 200; i++) await send(server.base, path, "GET", {});
  const readWhile = async (going: () => boolean) => {
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: READERS }, async () => {
        while (going()) {
          const r = await send(server.base, path, "GET", {});
          if (r.status !== 200) throw new Error(`the post page answered ${r.status}`);
          latencies.push(r.ms);
        }
      }),
    );
    return latencies;
  };
  const idleUntil = performance.now() + 8_000;
  const idle = await readWhile(() => performance.now() < idleUntil);

  const rssBefore = rssMiB(server.pid)!;
  let peak = rssBefore;
  // The peak of each stage apart (the preview, then each phase of the import), to say where memory goes.
  let stage = "preview";
  const stagePeaks = new Map<string, number>();
  const sampler = setInterval(() => {
    const rss = rssMiB(server.pid) ?? 0;
    peak = Math.max(peak, rss);
    stagePeaks.set(stage, Math.max(stagePeaks.get(stage) ?? 0, rss));
  }, 100);

  console.log(`Uploading ${(file.length / 2 ** 20).toFixed(1)} MB…`);
  const uploadStarted = performance.now();
  const uploaded = await send(
    server.base,
    "/api/import",
    "POST",
    { origin: server.base, cookie, "content-type": "application/octet-stream", "x-file-name": "big.xml" },
    file,
  );
  if (uploaded.status !== 201) throw new Error(`the upload answered ${uploaded.status}: ${uploaded.body}`);
  const { jobId } = JSON.parse(uploaded.body) as { jobId: string };
  const status = async (id: string) => {
    const r = await send(server.base, `/api/trpc/import.status?input=${encodeURIComponent(JSON.stringify({ json: { id } }))}`, "GET", {
      cookie,
    });
    return (
      JSON.parse(r.body) as {
        result: {
          data: {
            json: {
              status: string;
              progress: { phase: string; done: number; total: number } | null;
              result: unknown;
              error: string | null;
            };
          };
        };
      }
    ).result.data.json;
  };
  const settle = async (id: string, onPhase?: (phase: string) => void) => {
    for (;;) {
      const s = await status(id);
      if (s.progress) onPhase?.(s.progress.phase);
      if (s.status === "done" || s.status === "failed") return s;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const preview = await settle(jobId);
  if (preview.status !== "done") throw new Error(`the preview failed: ${preview.error}`);
  const previewSeconds = (performance.now() - uploadStarted) / 1000;

  stage = "reading";
  const confirmed = await admin.mutate<{ id: string }>("import.confirm", { id: jobId, fetchImages: true });
  if (!confirmed.ok) throw new Error(confirmed.message);
  const importStarted = performance.now();
  const phases = new Map<string, number>();
  let importing = true;
  const [done, during] = await Promise.all([
    settle(confirmed.data.id, (phase) => {
      stage = phase;
      if (!phases.has(phase)) phases.set(phase, performance.now());
    }).finally(() => (importing = false)),
    readWhile(() => importing),
  ]);
  const ended = performance.now();
  clearInterval(sampler);
  if (done.status !== "done") throw new Error(`the import failed: ${done.error}`);
  const result = (
    done.result as { report: { posts: number; comments: number; tags: number; images: { imported: number; missing: unknown[] } } }
  ).report;
  const imagesSeconds = ((phases.get("items") ?? ended) - (phases.get("images") ?? importStarted)) / 1000;
  const itemsSeconds = (ended - (phases.get("items") ?? importStarted)) / 1000;
  const growth = peak - rssBefore;
  const idleP99 = percentile(idle, 99);
  const duringP99 = percentile(during, 99);

  // The same site out again: the whole export streamed, as the admin page downloads it.
  console.log("Exporting…");
  await new Promise((r) => setTimeout(r, 3000));
  const rssBeforeExport = rssMiB(server.pid)!;
  let exportPeak = rssBeforeExport;
  const exportSampler = setInterval(() => (exportPeak = Math.max(exportPeak, rssMiB(server.pid) ?? 0)), 100);
  const exportStarted = performance.now();
  const exported = await exportBytes(server.base, cookie);
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  clearInterval(exportSampler);

  report(
    "Import (`npm run bench:import`)",
    "npm run bench:import",
    [
      [
        "file",
        `WXR, ${(file.length / 2 ** 20).toFixed(1)} MB: ${POSTS.toLocaleString("en")} posts, ${(POSTS * COMMENTS_PER_POST).toLocaleString("en")} comments, ${TAGS.toLocaleString("en")} tags, ${IMAGES.toLocaleString("en")} images`,
      ],
      [
        "imported",
        `${result.posts.toLocaleString("en")} posts, ${result.comments.toLocaleString("en")} comments, ${result.tags.toLocaleString("en")} tags, ${result.images.imported.toLocaleString("en")} images (${result.images.missing.length} missing)`,
      ],
      ["upload and preview", `${previewSeconds.toFixed(1)} s`],
      [
        "posts (the items phase)",
        `${itemsSeconds.toFixed(1)} s = ${Math.round(result.posts / itemsSeconds)} posts/s (goal ≤ 60 s for 10,000: ${POSTS === 10_000 ? (itemsSeconds <= 60 ? "met" : "missed") : "not this size"})`,
      ],
      [
        "images, fetched from a loopback server and processed (apart)",
        `${imagesSeconds.toFixed(1)} s = ${(result.images.imported / imagesSeconds).toFixed(0)} images/s`,
      ],
      [
        "server RSS before / peak / growth",
        `${rssBefore.toFixed(0)} / ${peak.toFixed(0)} MiB / +${growth.toFixed(0)} MiB (goal ≤ 200 MiB: ${growth <= 200 ? "met" : "missed"})`,
      ],
      [
        `cached post page p99, ${READERS} readers, idle / during the import`,
        `${idleP99.toFixed(1)} / ${duringP99.toFixed(1)} ms = ${(duringP99 / idleP99).toFixed(2)}× (goal ≤ 2×: ${duringP99 <= 2 * idleP99 ? "met" : "missed"})`,
      ],
      ["peak RSS growth by stage", [...stagePeaks].map(([name, mib]) => `${name} +${(mib - rssBefore).toFixed(0)}`).join(", ") + " MiB"],
      ["reads measured idle / during", `${idle.length} / ${during.length}`],
      [
        "export of the same site (GET /api/export)",
        `${exportSeconds.toFixed(1)} s, ${(exported / 2 ** 20).toFixed(1)} MB; server RSS ${rssBeforeExport.toFixed(0)} before, peak ${exportPeak.toFixed(0)} MiB (+${(exportPeak - rssBeforeExport).toFixed(0)})`,
      ],
    ],
    [
      "The import runs as the job the admin page starts, on a thread of its own; its time is the job's, from confirm to done. The export is streamed to the benchmark, which counts its bytes.",
    ],
    [
      `Load average (1 min) when it started: ${loadAtStart.toFixed(1)}${loadAtStart > 1.5 ? " — other work was running, so the figures are pessimistic" : ""}.`,
    ],
  );
} finally {
  await server.stop();
  images.server.close();
}
