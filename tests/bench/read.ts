// npm run bench:read — how close a cached Quire page comes to the fastest Node can answer.
// Starts Quire (building first if the sources changed) on a fresh seeded database and a
// bare node:http server holding the same bytes, then loads each page on both with
// autocannon in its own process: 32 connections, a warm-up, then a fixed measured run; each
// page uncompressed and as Brotli (the bytes Quire stored compressed once, against the bare
// server sending those same bytes). It prints each page's size on the wire too.
// The two servers take turns, over BENCH_ROUNDS rounds (2), and each keeps its best round:
// on a shared machine other work only ever slows a run down. Each server's CPU time per
// request is printed too, which such work does not skew. Only 127.0.0.1 is loaded.
// BENCH_SECONDS and BENCH_WARMUP_SECONDS change the runs.
import { spawn, type ChildProcess } from "node:child_process";
import { get as httpGet } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../../scripts/free-port.js";
import { cpuMs } from "./proc.ts";
import { coldLatency, COLD_P50_GOAL_MS, startScaleQuire } from "./content-api.ts";
import { report } from "./report.ts";

const root = resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const CONNECTIONS = 32;
const GOAL = 0.8;
/** The demo home page's size on the wire, Brotli, headers included. */
const HOME_WIRE_GOAL = 3 * 1024;

const dir = mkdtempSync(join(tmpdir(), "quire-bench-"));
const children: ChildProcess[] = [];
function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** Starts a child and resolves with its output once `ready` appears in it. */
function startChild(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  echo = false,
): Promise<{ match: RegExpExecArray; pid: number }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((ok, fail) => {
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (echo) process.stdout.write(chunk);
      const match = ready.exec(output);
      if (match) ok({ match, pid: child.pid! });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code) => fail(new Error(`${args.join(" ")} exited (${code}) before it was ready:\n${output}`)));
  });
}

interface Result {
  rps: number;
  /** Server CPU per answered request, in microseconds. */
  cpuUs?: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
}

/** autocannon in its own process, so the load generator never shares a thread with a server. */
async function load(url: string, seconds: number, serverPid: number, encoding: Encoding): Promise<Result> {
  const cpuBefore = cpuMs(serverPid);
  // Not spawnSync: a blocked event loop would miss the servers closing idle connections.
  const child = spawn(
    process.execPath,
    [
      join(root, "node_modules/autocannon/autocannon.js"),
      "-c",
      String(CONNECTIONS),
      "-d",
      String(seconds),
      ...(encoding === "br" ? ["-H", "accept-encoding=gzip, deflate, br"] : []),
      "-j",
      url,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const code = await new Promise<number | null>((ok) => child.once("exit", ok));
  if (code !== 0) throw new Error(`autocannon failed: ${stderr}`);
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  const cpuAfter = cpuMs(serverPid);
  const cpuUs =
    cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0
      ? ((cpuAfter - cpuBefore) * 1000) / r.requests.total
      : undefined;
  return {
    rps: r.requests.average,
    cpuUs,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    bad: r.non2xx + r.errors + r.timeouts,
  };
}

type Encoding = "identity" | "br";

/** A response as it went over the wire: node:http, which decodes nothing (fetch would). */
function raw(url: string, encoding: Encoding) {
  return new Promise<{ status: number; headers: [string, string][]; headerBytes: number; body: Buffer }>((ok, fail) => {
    const headers = encoding === "br" ? { "accept-encoding": "gzip, deflate, br" } : {};
    httpGet(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        const headerBytes =
          `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + pairs.reduce((n, [k, v]) => n + k.length + v.length + 4, 2);
        ok({ status: res.statusCode!, headers: pairs, headerBytes, body: Buffer.concat(chunks) });
      });
    }).on("error", fail);
  });
}

// Quire, as `npm start` runs it, on its own seeded database.
const quirePort = await freePort();
const quire = `http://127.0.0.1:${quirePort}`;
console.log("Starting Quire (builds first if the sources changed)…");
const { pid: quirePid } = await startChild(
  ["scripts/start.js"],
  {
    DATABASE_URL: `file:${join(dir, "bench.db")}`,
    SEED_DEMO: "true",
    HOST: "127.0.0.1",
    PORT: String(quirePort),
    SITE_URL: quire,
    LOG_LEVEL: "error",
  },
  /Quire is running/,
  true,
);

// The Content API's browse runs on a Quire of its own, on the scale seed.
console.log("Starting a Quire on the scale seed for the Content API…");
const scale = await startScaleQuire(dir);

// The pages: home, and the newest post it links to, and the Content API's browse. Each is
// read until it is a cache hit, and that hit's bytes and headers are what the bare server sends.
const home = await (await fetch(`${quire}/`)).text();
const post = /href="(\/posts\/[^"]+)"/.exec(home)?.[1];
if (!post) throw new Error("The seeded home page links to no post");
const servers = {
  "post page": { base: quire, pid: quirePid, path: post },
  "home page": { base: quire, pid: quirePid, path: "/" },
  "content api, 15 posts": { base: scale.base, pid: scale.pid, path: scale.path },
};
const paths = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.path]));
const pages: Record<string, { headers: [string, string][]; body: string }> = {};
const wire: string[] = [];
let homeWire = 0;
for (const [name, path] of Object.entries(paths)) {
  const origin = servers[name as keyof typeof servers].base;
  for (const encoding of ["identity", "br"] as const) {
    await raw(`${origin}${path}`, encoding);
    // The compressed copies are made just after the first answer is stored.
    await new Promise((r) => setTimeout(r, 50));
    const hit = await raw(`${origin}${path}`, encoding);
    const cache = hit.headers.find(([k]) => k === "x-astro-cache")?.[1];
    const coding = hit.headers.find(([k]) => k === "content-encoding")?.[1] ?? "identity";
    if (hit.status !== 200 || cache !== "HIT" || coding !== encoding) {
      throw new Error(
        `${path} (${encoding}) is not served from the cache as ${encoding} (status ${hit.status}, x-astro-cache ${cache}, ${coding})`,
      );
    }
    const headers = hit.headers.filter(([k]) => !["date", "connection", "keep-alive"].includes(k));
    pages[encoding === "br" ? `${path}#br` : path] = { headers, body: hit.body.toString("base64") };
    wire.push(`${name}, ${encoding === "br" ? "Brotli" : "uncompressed"}: ${hit.body.byteLength} B body + ${hit.headerBytes} B headers`);
    if (path === "/" && encoding === "br") homeWire = hit.body.byteLength + hit.headerBytes;
  }
}
const pagesFile = join(dir, "pages.json");
writeFileSync(pagesFile, JSON.stringify(pages));
const { match: bareListening, pid: barePid } = await startChild(
  [join(root, "tests/bench/bare-server.ts"), pagesFile],
  {},
  /listening (\d+)/,
);
const bare = `http://127.0.0.1:${bareListening[1]}`;

console.log(
  `\n${CONNECTIONS} connections; per page and server ${ROUNDS} round(s) of ${WARMUP_SECONDS} s warm-up and ` +
    `${SECONDS} s measured, taking turns; the best round counts.\n`,
);
const rows: string[][] = [["page", "server", "req/s", "p50 ms", "p99 ms", "requests", "CPU µs/req", "rounds (req/s)"]];
const ratios: [string, number, number | undefined][] = [];
let failed = false;
for (const [page, path] of Object.entries(paths)) {
  for (const encoding of ["identity", "br"] as const) {
    const name = `${page}${encoding === "br" ? ", Brotli" : ""}`;
    const runs: Record<"quire" | "bare", Result[]> = { quire: [], bare: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const server = servers[page as keyof typeof servers];
      const order = [
        ["quire", server.base, server.pid],
        ["bare", bare, barePid],
      ] as const;
      for (const [server, base, pid] of round % 2 ? [...order].reverse() : order) {
        await load(`${base}${path}`, WARMUP_SECONDS, pid, encoding);
        const result = await load(`${base}${path}`, SECONDS, pid, encoding);
        if (result.bad > 0) {
          console.error(`${server} ${path}: ${result.bad} failed or non-2xx responses`);
          failed = true;
        }
        runs[server].push(result);
      }
    }
    const best: Record<string, Result> = {};
    for (const server of ["quire", "bare"] as const) {
      const result = runs[server].reduce((a, b) => (b.rps > a.rps ? b : a));
      const all = runs[server].map((r) => r.rps.toFixed(0)).join(", ");
      const cpu = Math.min(...runs[server].map((r) => r.cpuUs ?? Infinity));
      best[server] = { ...result, cpuUs: Number.isFinite(cpu) ? cpu : undefined };
      rows.push([
        name,
        server,
        result.rps.toFixed(0),
        result.p50.toFixed(2),
        result.p99.toFixed(2),
        String(result.requests),
        best[server].cpuUs?.toFixed(1) ?? "-",
        all,
      ]);
    }
    const still = await fetch(`${servers[page as keyof typeof servers].base}${path}`);
    if (still.headers.get("x-astro-cache") !== "HIT") {
      console.error(`${path} was no longer a cache hit after the run`);
      failed = true;
    }
    const cpuRatio = best.quire!.cpuUs && best.bare!.cpuUs ? best.bare!.cpuUs / best.quire!.cpuUs : undefined;
    ratios.push([name, best.quire!.rps / best.bare!.rps, cpuRatio]);
  }
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) {
  console.log(row.map((cell, i) => (i === 7 ? cell : i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}
console.log("");
for (const [name, ratio, cpuRatio] of ratios) {
  const byCpu = cpuRatio ? `; by CPU per request, bare/Quire = ${cpuRatio.toFixed(2)}` : "";
  console.log(`${name}: Quire/bare = ${ratio.toFixed(2)} req/s (goal ≥ ${GOAL}: ${ratio >= GOAL ? "met" : "NOT met"})${byCpu}`);
}
console.log("");
for (const line of wire) console.log(line);
console.log(`home page on the wire, Brotli: ${homeWire} B (goal ≤ ${HOME_WIRE_GOAL} B: ${homeWire <= HOME_WIRE_GOAL ? "met" : "NOT met"})`);

// Cold: every browse a cache miss, at the scale seed, one at a time.
const cold = await coldLatency(scale.base, scale.path);
if (cold.hits) {
  console.error(`${cold.hits} cold browses were cache hits`);
  failed = true;
}
const met = (ok: boolean) => (ok ? "met" : "NOT met");
const apiRatios = ratios.filter(([name]) => name.startsWith("content api"));
report(
  "Content API (bench:read)",
  "npm run bench:read",
  [
    ...apiRatios.map(([name, ratio]): [string, string] => [
      `${name}, cached: Quire/bare req/s`,
      `${ratio.toFixed(2)} (goal ≥ ${GOAL}: ${met(ratio >= GOAL)})`,
    ]),
    [
      `cold browse at ${"10,000"} posts: p50`,
      `${cold.p50.toFixed(2)} ms (goal ≤ ${COLD_P50_GOAL_MS} ms: ${met(cold.p50 <= COLD_P50_GOAL_MS)})`,
    ],
    ["cold browse: p99", `${cold.p99.toFixed(2)} ms`],
  ],
  [
    "Cached: the answer from the page store, beside bare node:http sending the same bytes and headers. Cold: a parameter the answer ignores makes each request a miss; 300 one after another, after 20 to warm up.",
  ],
);
await scale.stop();
process.exit(failed ? 1 : 0);
