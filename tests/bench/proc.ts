// What the bench scripts share: starting Quire as `npm start` does on a given database, and
// reading a process's CPU time and resident memory from /proc.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { freePort } from "../../scripts/free-port.js";

const root = resolve(import.meta.dirname, "../..");
/** `npm start` as package.json has it, so a bench runs what it runs: its environment and Node's flags. */
const START = /^((?:\w+=\S*\s+)*)node\s+(.*?)\s*scripts\/start\.js/.exec(
  (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start,
);
if (!START) throw new Error("package.json's start script is not `[VAR=value …] node [flags] scripts/start.js`");
const START_ENV = Object.fromEntries(
  START[1]!
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
);
const START_FLAGS = START[2]!;

export interface Quire {
  base: string;
  pid: number;
  /** SIGTERM, then waits for the server to finish its requests and close the database. */
  stop(): Promise<void>;
}

/**
 * Starts scripts/start.js (building first if the sources changed) on `databaseUrl`, on a free
 * port of 127.0.0.1, with NODE_ENV=production and only errors logged. Resolves once it listens.
 */
export async function startQuire(databaseUrl: string, env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<Quire> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The Node flags of `npm start`, or BENCH_NODE_FLAGS to try others.
  const flags = (process.env.BENCH_NODE_FLAGS ?? START_FLAGS).split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...flags, ...nodeFlags, "scripts/start.js"], {
    cwd: root,
    env: {
      ...START_ENV,
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      SITE_URL: base,
      SEED_DEMO: "false",
      LOG_LEVEL: "error",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((done) => server.once("exit", () => done()));
  // Never left alone: a child killed with its parent cannot close its database cleanly,
  // but one left running would hold the temp files open.
  process.on("exit", () => {
    if (server.exitCode === null) server.kill("SIGTERM");
  });
  await new Promise<void>((ok, fail) => {
    let out = "";
    // Read the output for as long as the server lives: a full pipe would block it.
    server.stdout!.on("data", (chunk) => {
      if (out.length < 100_000) out += chunk;
      if (out.includes("Quire is running")) ok();
    });
    server.once("exit", (code) => fail(new Error(`the server exited (${code}) before it was ready:\n${out}`)));
  });
  return {
    base,
    pid: server.pid!,
    async stop() {
      if (server.exitCode === null) server.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * CPU time (ms) a process has used, from /proc: unlike req/s, CPU per request does not
 * drop when other work on the machine takes the cores. Undefined off Linux.
 */
export function cpuMs(pid: number): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return undefined;
  const fields = readFileSync(stat, "utf8").split(") ")[1]!.split(" ");
  // utime and stime, fields 14 and 15 of the whole line, in clock ticks (USER_HZ, 100).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** A process's resident memory in MiB (VmRSS), or undefined off Linux. */
export function rssMiB(pid: number): number | undefined {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return undefined;
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(status, "utf8"))?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}
