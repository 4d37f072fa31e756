// npm start: build when the sources are newer than the build, migrate, seed a first local
// run, then serve with NODE_ENV=production. Every setting comes from the environment.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { freePort } from "./free-port.ts";

process.env.NODE_ENV = "production";
const root = resolve(import.meta.dirname, "..");
process.chdir(root);
const entry = join(root, "dist/server/entry.mjs");

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

function needsBuild(): boolean {
  if (process.argv.includes("--no-build")) return false;
  if (!existsSync(entry)) return true;
  const sources = ["src", "db", "public", "astro.config.mjs", "package.json"].filter((p) => existsSync(p));
  return Math.max(...sources.map(newest)) > statSync(entry).mtimeMs;
}

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((ok) => {
    const probe = createServer()
      .once("error", () => ok(false))
      .once("listening", () => probe.close(() => ok(true)))
      .listen(port, host);
  });
}

const { ConfigError, getConfig } = await import("../src/config.ts");
let config;
try {
  config = getConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`\nQuire cannot start.\n${e.message}\n`);
    process.exit(1);
  }
  throw e;
}

// With no PORT given, take the default if free, else any free port: a first run just works.
if (!process.env.PORT && !(await portIsFree(config.port, config.host))) {
  const port = await freePort(config.host);
  console.log(`Port ${config.port} is busy; using ${port} instead (set PORT to choose).`);
  process.env.PORT = String(port);
  if (!process.env.SITE_URL) process.env.SITE_URL = `http://localhost:${port}`;
  const { loadConfig } = await import("../src/config.ts");
  Object.assign(config, loadConfig());
}
process.env.PORT = String(config.port);
process.env.HOST = config.host;

if (needsBuild()) {
  console.log("Building the site (astro build)…");
  const t = Date.now();
  const build = spawnSync(process.execPath, [join(root, "node_modules/astro/bin/astro.mjs"), "build"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) {
    console.error("The build failed; see the errors above.");
    process.exit(build.status ?? 1);
  }
  console.log(`Built in ${((Date.now() - t) / 1000).toFixed(1)}s.`);
}

const { prepareDatabase } = await import("./prepare-db.ts");
const where = config.database.localPath ?? config.database.url.replace(/\/\/[^@/]*@/, "//");
const { runtime, seeded } = await prepareDatabase({ seed: config.seedDemo }).catch(async (e: unknown) => {
  // A database that is not there is a setup problem to state plainly, not a stack trace.
  const { databaseUnavailable, rootMessage } = await import("../db/unavailable.ts");
  if (!databaseUnavailable(e)) throw e;
  console.error(`\nQuire cannot start: its database (${where}) cannot be reached or opened.\n${rootMessage(e)}\n`);
  process.exit(1);
});
console.log(`Database ready: ${where}`);
if (seeded) {
  const { DEMO_AUTHOR } = await import("../db/seed.ts");
  console.log(`Seeded demo content. Sign in as ${DEMO_AUTHOR.email} / ${DEMO_AUTHOR.password}`);
}

// Markdown renders on threads of its own, so a long post being saved holds up no reader.
const { useRenderer } = await import("../src/lib/markdown.ts");
const { startRenderWorkers } = await import("../src/lib/render-workers.ts");
const renderWorkers = config.renderWorkers > 0 ? startRenderWorkers(config.renderWorkers) : undefined;
useRenderer(renderWorkers);

process.env.ASTRO_NODE_LOGGING = "disabled";
process.env.ASTRO_NODE_AUTOSTART = "disabled";
// Our own server, so cached pages are answered before Astro builds a Request for them.
type Entry = { handler: import("node:http").RequestListener };
const { handler } = (await import(entry)) as Entry;
const { getStore } = await import("../src/lib/cache/store.ts");
const { createFastPath } = await import("../src/lib/cache/fast-path.ts");
// Static files never reach Astro's middleware: give every response Astro makes (and every
// refusal) the baseline security headers first; Astro's own answers replace the
// Content-Security-Policy with a page's. Cached pages carry the headers they were stored
// with, and are left alone: a header set before writeHead would push Node off its fast
// path for a raw header list.
const { NOTHING_CSP, securityHeaders } = await import("../src/lib/security-headers.ts");
const { PRIVATE_CACHE_CONTROL } = await import("../src/lib/cache-tags.ts");
// Answers with no Cache-Control of their own (a 413, Astro's 500) must not be kept by anyone.
const baseline = Object.entries({
  ...securityHeaders(config.siteUrl),
  "Content-Security-Policy": NOTHING_CSP,
  "Cache-Control": PRIVATE_CACHE_CONTROL,
});
// Oversized bodies are refused (413) from their headers, before anything reads them.
const { limitRequestBodies } = await import("../src/lib/body-limit.ts");
// API calls go straight to tRPC, with the headers the middleware gives API answers: a page
// render's machinery cost each call more CPU than the call itself.
const { isTrpcPath } = await import("../src/lib/constants.ts");
const { trpcListener } = await import("../src/server/node-api.ts");
const api = trpcListener(runtime);
const limited = limitRequestBodies((req, res) => (isTrpcPath(req.url ?? "/") ? api(req, res) : handler(req, res)));
const { answerMethod } = await import("../src/http/methods.ts");
const withBaseline: import("node:http").RequestListener = (req, res) => {
  for (const [name, value] of baseline) res.setHeader(name, value);
  if (answerMethod(req, res)) return;
  return limited(req, res);
};
const http = createHttpServer(createFastPath(getStore(), withBaseline));
// Node closes an idle kept-alive connection after 5 s; a client that sends its next request
// on it at that moment gets ECONNRESET, and a POST is not retried (the naughty-strings spec
// lost a profile save this way under load). Keep idle connections longer than the usual
// client and proxy idle limits (60 s), so the client is the one that closes them.
http.keepAliveTimeout = 65_000;
http.headersTimeout = 66_000;
await runtime.invalidation.start();
http.once("listening", () => {
  console.log(`\nQuire is running at ${config.siteUrl}\n(listening on ${config.host}:${config.port}; Ctrl+C stops it)`);
});
http.once("error", (e) => {
  console.error(`Quire could not listen on ${config.host}:${config.port}: ${e.message}`);
  process.exit(1);
});
http.listen(config.port, config.host);

// Stop taking connections, let requests in flight finish, then close the database.
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) {
    console.log(`${signal} again: stopping now.`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: finishing requests in flight, then stopping.`);
  const closed = new Promise<void>((done) => http.close(() => done()));
  // Idle keep-alive connections would hold close() open; busy ones are closed once idle.
  const idle = setInterval(() => http.closeIdleConnections(), 100);
  http.closeIdleConnections();
  const deadline = setTimeout(() => http.closeAllConnections(), 10_000);
  deadline.unref();
  await closed;
  clearInterval(idle);
  clearTimeout(deadline);
  await runtime.invalidation.stop();
  await renderWorkers?.close();
  if (runtime.config.database.localPath) {
    // Fold the write-ahead log into the database file now: the driver's close leaves it
    // behind (a test found a 300 KB -wal after exit), and the next start, a backup or a
    // copy of the file should find everything in the file itself.
    await runtime.db.client.execute("PRAGMA wal_checkpoint(TRUNCATE)").catch((e: unknown) => {
      console.error("Could not checkpoint the database before stopping:", e instanceof Error ? e.message : e);
    });
  }
  runtime.db.close();
  console.log("Stopped: database closed.");
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(signal));
