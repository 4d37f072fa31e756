// Another Quire process, as the e2e harness starts one (scripts/serve-e2e.ts: the built
// site, production mode, --no-build) on a free port and a database file the test names,
// for tests that need servers of their own: several on one database, or one to kill.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../scripts/free-port.ts";

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

/** `script` runs instead of serve-e2e.ts: one that wraps it with a test's own switches. */
export async function startQuire(dbFile: string, env: Record<string, string> = {}, script = SERVE): Promise<QuireProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port), SITE_URL: url, E2E_DATABASE_FILE: dbFile, LOG_LEVEL: "error", ...env },
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
