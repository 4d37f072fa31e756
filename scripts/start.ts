// npm start: the configuration, a build if the sources are newer, the database migrated
// (and seeded on a first local run), render threads, then the HTTP server of src/http/.
import type { RequestListener } from "node:http";
import { resolve } from "node:path";
import { buildIfStale, ENTRY } from "./build.ts";
import { freePort, portIsFree } from "./free-port.ts";

process.env.NODE_ENV = "production";
process.chdir(resolve(import.meta.dirname, ".."));
const { ConfigError, getConfig, onPort, useConfig } = await import("../src/config.ts");
let config;
try {
  config = getConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`\nQuire cannot start.\n${e.message}\n`);
  process.exit(1);
}
// With no PORT given, the default if free, else any free port: a first run just works.
if (!config.portGiven && !(await portIsFree(config.port, config.host))) {
  const port = await freePort(config.host);
  console.log(`Port ${config.port} is busy; using ${port} instead (set PORT to choose).`);
  useConfig((config = onPort(config, port)));
}
if (!process.argv.includes("--no-build")) buildIfStale();

const { prepareDatabase } = await import("./prepare-db.ts");
const { databaseUnavailable, rootMessage } = await import("../db/unavailable.ts");
const where = config.database.localPath ?? config.database.url.replace(/\/\/[^@/]*@/, "//");
const { runtime, seeded } = await prepareDatabase({ seed: config.seedDemo }).catch((e: unknown) => {
  if (!databaseUnavailable(e)) throw e;
  console.error(`\nQuire cannot start: its database (${where}) cannot be reached or opened.\n${rootMessage(e)}\n`);
  process.exit(1);
});
console.log(`Database ready: ${where}`);
if (seeded) {
  const { DEMO_AUTHOR } = await import("../db/seed.ts");
  console.log(`Seeded demo content. Sign in as ${DEMO_AUTHOR.email} / ${DEMO_AUTHOR.password}`);
}

const { useRenderer } = await import("../src/lib/markdown.ts");
const { startRenderWorkers } = await import("../src/jobs/render-workers.ts");
const renderWorkers = config.renderWorkers > 0 ? startRenderWorkers(config.renderWorkers) : undefined;
useRenderer(renderWorkers);

// The adapter's own listener and its log stay off: the server below listens.
process.env.ASTRO_NODE_LOGGING = "disabled";
process.env.ASTRO_NODE_AUTOSTART = "disabled";
const { handler } = (await import(ENTRY)) as { handler: RequestListener };
const { createServer } = await import("../src/http/server.ts");
const { closeRuntime } = await import("../src/runtime.ts");
const quire = createServer(runtime, handler);
await runtime.invalidation.start();
quire.server.once("error", (e) => {
  console.error(`Quire could not listen on ${config.host}:${config.port}: ${e.message}`);
  process.exit(1);
});
quire.server.listen(config.port, config.host, () => {
  console.log(`\nQuire is running at ${config.siteUrl}\n(listening on ${config.host}:${config.port}; Ctrl+C stops it)`);
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) {
    console.log(`${signal} again: stopping now.`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: finishing requests in flight, then stopping.`);
  await quire.stop();
  await renderWorkers?.close();
  await closeRuntime(runtime);
  console.log("Stopped: database closed.");
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(signal));
