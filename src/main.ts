// The built server's own entry point, dist/server/main.mjs. It is built with the Astro site
// into one bundle (astro.config.mjs adds it to the server build), so scripts/start.js and the
// pages share every module: one configuration, one runtime, one page store per process.
export { ConfigError, getConfig, onPort, useConfig } from "./config.ts";
export { prepareDatabase } from "./prepare.ts";
export { DEMO_AUTHOR } from "../db/seed.ts";
export { databaseUnavailable, rootMessage } from "../db/unavailable.ts";
export { useRenderer } from "./lib/markdown.ts";
export { startRenderWorkers } from "./jobs/render-workers.ts";
export { createServer } from "./http/server.ts";
export { createMediaStore } from "./media/storage.ts";
export { startJobs } from "./jobs/site-jobs.ts";
export { closeRuntime, getRuntime } from "./runtime.ts";
