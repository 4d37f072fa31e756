// Another Quire process, as the e2e harness starts one (scripts/serve-e2e.ts: the built
// site, production mode, --no-build) on a free port, for specs that need servers of their
// own: several on one database file, one to kill, a preview deployment beside production.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../scripts/free-port.js";

const SERVE = fileURLToPath(new URL("../../../scripts/serve-e2e.ts", import.meta.url));

export interface QuireProcess {
  url: string;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once `text` has been printed. */
  printed(text: string): Promise<void>;
  /** Resolves to the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** SIGTERM, as a process manager stops it; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<number | null>;
  /** Sends any other signal; resolves at once. */
  signal(name: NodeJS.Signals): void;
}

export interface StartOptions {
  /** The database file to serve (created and migrated if new); a fresh temporary one if unset. */
  dbFile?: string;
  /** On top of this process's environment. */
  env?: Record<string, string>;
  /** Runs instead of serve-e2e.ts: a script that wraps it with a test's own switches. */
  script?: string;
  /** The name its SITE_URL uses (it listens on 127.0.0.1): another loopback name gets its own cookies in a browser. */
  host?: string;
  /** A free one unless given. */
  port?: number;
}

export async function startQuire(opts: StartOptions = {}): Promise<QuireProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://${opts.host ?? "127.0.0.1"}:${port}`;
  const child = spawn(process.execPath, [opts.script ?? SERVE], {
    env: {
      ...process.env,
      PORT: String(port),
      SITE_URL: url,
      ...(opts.dbFile ? { E2E_DATABASE_FILE: opts.dbFile } : {}),
      LOG_LEVEL: "error",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiting: { text: string; done: () => void }[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk;
    for (const w of waiting.filter((w) => output.includes(w.text))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.done();
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  const printed = (text: string) =>
    new Promise<void>((ok, fail) => {
      if (output.includes(text)) return ok();
      waiting.push({ text, done: ok });
      void exited.then((code) => fail(new Error(`Quire exited (${code}) before printing "${text}":\n${output}`)));
    });
  await printed("Quire is running");
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return {
    url,
    pid: child.pid!,
    output: () => output,
    printed,
    exited,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
    signal: (name) => void signal(name),
  };
}
