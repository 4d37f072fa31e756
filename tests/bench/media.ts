// npm run bench:media — what an upload costs, and what it costs readers. The built server on a
// fresh database and media folder:
//  1. a 12-megapixel photo-like JPEG (smooth colour fields, gradients and grain, made here with
//     sharp), uploaded 10 times with distinct bytes: time from sending to the 201 answer, when
//     every synchronous variant is stored and recorded (goal: p50 ≤ 1.5 s);
//  2. the bytes of each variant against the upload's (goal: the 800 px WebP ≤ 10 %);
//  3. a cached post page read by 2 clients in a loop, alone and while 4 uploads are in flight
//     all the time: the p99 of each (goal: during ≤ 2 × idle).
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import type { UploadAnswer } from "../../src/http/upload.ts";
import { signInCookie, signUp } from "./http-client.ts";
import { startQuire } from "./proc.ts";
import { report } from "./report.ts";

const WIDTH = 4000;
const HEIGHT = 3000;
const UPLOADS = 10;
const READ_MS = 8_000;
const READERS = 2;
const IN_FLIGHT = 4;

const dir = mkdtempSync(join(tmpdir(), "quire-bench-media-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** The picture's pixels once: broad colour fields (noise blown up), a gradient over them, fine grain. */
async function photoPixels(): Promise<Buffer> {
  const fields = await sharp({
    create: { width: 40, height: 30, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 60 } },
  })
    .resize(WIDTH, HEIGHT, { kernel: "cubic" })
    .png({ compressionLevel: 0 })
    .toBuffer();
  const gradient = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#2b5d8a"/><stop offset="0.55" stop-color="#e8c07a"/><stop offset="1" stop-color="#3d2a1e"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
  const grain = await sharp({
    create: { width: WIDTH, height: HEIGHT, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 14 } },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return sharp(gradient)
    .composite([
      { input: fields, blend: "overlay" },
      { input: grain, blend: "soft-light" },
    ])
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** The picture as a camera would save it, with a mark of its own so each upload is new bytes. */
async function photoJpeg(pixels: Buffer, n: number): Promise<Buffer> {
  const mark = Buffer.from([n * 20, 255 - n * 20, 128]);
  const copy = Buffer.from(pixels);
  for (let x = 0; x < 64; x++) mark.copy(copy, x * 3);
  return sharp(copy, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

function send(base: string, path: string, method: string, headers: Record<string, string>, body?: Buffer) {
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

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

const loadAtStart = loadavg()[0]!;
const server = await startQuire(`file:${join(dir, "bench.db")}`, { MEDIA_DIR: join(dir, "media"), AUTH_RATE_LIMIT: "100000" });
try {
  const stamp = Date.now().toString(36);
  const admin = await signUp(server.base, "Ada Admin", `admin.${stamp}@quire.test`);
  const cookie = await signInCookie(server.base, admin.email);
  const upload = (bytes: Buffer) =>
    send(
      server.base,
      "/api/media?for=post",
      "POST",
      { origin: server.base, cookie, "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) },
      bytes,
    );

  console.log(`Making ${UPLOADS + IN_FLIGHT * 4} distinct ${WIDTH}×${HEIGHT} JPEGs…`);
  const pixels = await photoPixels();
  const photos = await Promise.all(Array.from({ length: UPLOADS + IN_FLIGHT * 4 }, (_, n) => photoJpeg(pixels, n)));

  // 1 and 2: one upload at a time.
  const times: number[] = [];
  let last: UploadAnswer | undefined;
  for (const photo of photos.slice(0, UPLOADS)) {
    const answer = await upload(photo);
    if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${answer.body}`);
    times.push(answer.ms);
    last = JSON.parse(answer.body) as UploadAnswer;
  }
  const original = photos[UPLOADS - 1]!.byteLength;
  const p50 = percentile(times, 50);
  const webp800 = last!.variants.find((v) => v.width === 800 && v.format === "webp")!;
  const share = webp800.bytes / original;

  // 3: a cached post page, alone and beside uploads.
  const post = await admin.mutate<{ id: string; slug: string }>("post.create", { title: "Reading beside uploads", body: "A *post*." });
  if (!post.ok) throw new Error(post.message);
  await admin.mutate("post.publish", { id: post.data.id });
  const path = `/posts/${post.data.slug}`;
  for (let i = 0; i < 200; i++) await send(server.base, path, "GET", {});
  const readFor = async (ms: number) => {
    const latencies: number[] = [];
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: READERS }, async () => {
        while (performance.now() < until) {
          const r = await send(server.base, path, "GET", {});
          if (r.status !== 200) throw new Error(`the post page answered ${r.status}`);
          latencies.push(r.ms);
        }
      }),
    );
    return latencies;
  };
  const idle = await readFor(READ_MS);
  let stop = false;
  let uploaded = 0;
  const refused: number[] = [];
  const queue = photos.slice(UPLOADS);
  const uploaders = Array.from({ length: IN_FLIGHT }, async (_, k) => {
    for (let i = k; !stop; i = (i + IN_FLIGHT) % queue.length) {
      const r = await upload(queue[i]!);
      if (r.status === 201) uploaded++;
      else refused.push(r.status);
    }
  });
  await new Promise((r) => setTimeout(r, 500)); // every upload under way
  const during = await readFor(READ_MS);
  stop = true;
  await Promise.all(uploaders);
  const idleP99 = percentile(idle, 99);
  const duringP99 = percentile(during, 99);

  const rows: [string, string][] = [
    [
      `upload-to-ready, ${WIDTH}×${HEIGHT} JPEG (${(original / 2 ** 20).toFixed(1)} MB), p50 of ${UPLOADS}`,
      `${(p50 / 1000).toFixed(2)} s (min ${(Math.min(...times) / 1000).toFixed(2)}, max ${(Math.max(...times) / 1000).toFixed(2)}; goal ≤ 1.5 s: ${p50 <= 1500 ? "met" : "missed"})`,
    ],
    ...last!.variants.map((v): [string, string] => [
      `variant ${v.width}×${v.height} ${v.format}`,
      `${kb(v.bytes)} = ${((v.bytes / original) * 100).toFixed(1)} % of the upload${v === webp800 ? ` (goal ≤ 10 %: ${share <= 0.1 ? "met" : "missed"})` : ""}`,
    ]),
    [
      `cached post page p99, ${READERS} readers, idle / ${IN_FLIGHT} uploads in flight`,
      `${idleP99.toFixed(1)} ms / ${duringP99.toFixed(1)} ms = ${(duringP99 / idleP99).toFixed(2)}× (goal ≤ 2×: ${duringP99 <= 2 * idleP99 ? "met" : "missed"})`,
    ],
    [
      "reads measured idle / during uploads",
      `${idle.length} / ${during.length} (p50 ${percentile(idle, 50).toFixed(1)} / ${percentile(during, 50).toFixed(1)} ms)`,
    ],
    ["uploads finished while reading / refused", `${uploaded} / ${refused.length ? refused.join(", ") : "none"}`],
  ];
  report(
    "Media uploads (`npm run bench:media`)",
    "npm run bench:media",
    rows,
    [
      `The upload is timed from the first byte sent to the 201 answer: every variant (${last!.variants.length} files: WebP and JPEG at each width) and the re-encoded original stored, the rows recorded. The original kept for re-encoding (≤ 4000 px) is not listed.`,
      "Where the time went (one 12 MP upload, CPU in-process, 2026-12-01): the first pipeline decoded the upload once per rendition (12 decodes of 12 MP) and encoded WebP at effort 4 (2400 px: 0.7 s alone) and the original with optimised Huffman tables (0.26 s): 3.24 s p50 here, readers' p99 3.95× idle. Decoding once and resizing each width from the next wider: 1.85 s. WebP effort 1 (2400 px: 0.21 s, +4 % bytes over effort 2, +11 % over 4) and the original without optimised tables (0.05 s, +8 % bytes): 1.26 s, about 1.1 s of CPU. libvips runs one operation at a time on this machine (one core left to requests), at most two on larger ones.",
    ],
    [
      `Load average (1 min) when it started: ${loadAtStart.toFixed(1)}${loadAtStart > 1.5 ? " — other work was running on the machine, so the latency figures are pessimistic" : ""}.`,
    ],
  );
} finally {
  await server.stop();
}
