// npm start: a build if the sources are newer, the configuration, the database migrated (and
// seeded on a first local run), render threads, then the HTTP server of src/http/, all from
// the one built bundle (src/main.ts and Astro's handler share its modules). Plain JavaScript,
// as are build.js and free-port.js: a .ts file would make Node load its TypeScript loader,
// which stays in the server's memory for as long as it runs.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildIfStale, ENTRY, IMPORT_WORKER, MAIN, MIGRATIONS, RENDER_WORKER, SENDER_WORKER } from "./build.js";
import { freePort, portIsFree } from "./free-port.js";

process.env.NODE_ENV = "production";
const root = resolve(import.meta.dirname, "..");
process.chdir(root);
if (!process.argv.includes("--no-build")) buildIfStale();
/** @type {import("../src/main.ts")} */
const quire = await import(MAIN);

/** @type {import("../src/config.ts").Config} */
let config;
try {
  config = quire.getConfig();
} catch (e) {
  if (!(e instanceof quire.ConfigError)) throw e;
  console.error(`\nQuire cannot start.\n${e.message}\n`);
  process.exit(1);
}
// With no PORT given, the default if free, else any free port: a first run just works.
if (!config.portGiven && !(await portIsFree(config.port, config.host))) {
  const port = await freePort(config.host);
  console.log(`Port ${config.port} is busy; using ${port} instead (set PORT to choose).`);
  quire.useConfig((config = quire.onPort(config, port)));
}

const where = config.database.localPath ?? config.database.url.replace(/\/\/[^@/]*@/, "//");
const { runtime, seeded } = await quire
  .prepareDatabase({ migrations: MIGRATIONS, seed: config.seedDemo })
  .catch((/** @type {unknown} */ e) => {
    if (!quire.databaseUnavailable(e)) throw e;
    console.error(`\nQuire cannot start: its database (${where}) cannot be reached or opened.\n${quire.rootMessage(e)}\n`);
    process.exit(1);
  });
console.log(`Database ready: ${where}`);
if (seeded) console.log(`Seeded demo content. Sign in as ${quire.DEMO_AUTHOR.email} / ${quire.DEMO_AUTHOR.password}`);

const threads = config.renderWorkers;
const renderWorkers = threads > 0 ? quire.startRenderWorkers(threads, { script: pathToFileURL(RENDER_WORKER) }) : undefined;
quire.useRenderer(renderWorkers);

/** @type {{ handler: import("node:http").RequestListener }} */
const { handler } = await import(ENTRY);
const media = await quire.createMediaStore(config.media);
const server = quire.createServer(runtime, handler, {
  staticFiles: { dir: join(root, "dist/client"), assets: "_astro" },
  media,
});
const jobs = quire.startJobs(runtime, media, { importWorker: pathToFileURL(IMPORT_WORKER), senderWorker: pathToFileURL(SENDER_WORKER) });
await runtime.invalidation.start();
server.server.once("error", (e) => {
  console.error(`Quire could not listen on ${config.host}:${config.port}: ${e.message}`);
  process.exit(1);
});
server.server.listen(config.port, config.host, () => {
  console.log(`\nQuire is running at ${config.siteUrl}\n(listening on ${config.host}:${config.port}; Ctrl+C stops it)`);
});

let stopping = false;
/** @param {string} signal */
async function stop(signal) {
  if (stopping) {
    console.log(`${signal} again: stopping now.`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: finishing requests in flight, then stopping.`);
  await server.stop();
  await jobs.stop();
  await renderWorkers?.close();
  await quire.closeRuntime(runtime);
  console.log("Stopped: database closed.");
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stop(signal));
