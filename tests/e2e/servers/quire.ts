// Another Quire process, started by a spec the way the e2e harness starts the suite's own
// (scripts/serve-e2e.ts: the built site, production mode, a fresh database unless
// E2E_DATABASE_FILE names one), on a free port. For specs about several servers: two on
// one database, a preview deployment beside its production.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../scripts/free-port.ts";

const SERVE = fileURLToPath(new URL("../../../scripts/serve-e2e.ts", import.meta.url));

export interface QuireServer {
  url: string;
  /** SIGTERM, as a process manager stops it; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts Quire with `env` on top of this process's environment, on `port` (a free one by
 * default). It listens on 127.0.0.1; `host` is the name its SITE_URL uses (another loopback
 * name gives it its own cookies in a browser).
 */
export async function startQuire(env: Record<string, string> = {}, where: { host?: string; port?: number } = {}): Promise<QuireServer> {
  const port = where.port ?? (await freePort());
  const url = `http://${where.host ?? "127.0.0.1"}:${port}`;
  const child = spawn(process.execPath, [SERVE], {
    env: { ...process.env, PORT: String(port), SITE_URL: url, LOG_LEVEL: "error", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  await new Promise<void>((ok, fail) => {
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Quire is running")) ok();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    void exited.then((code) => fail(new Error(`Quire exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    url,
    stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
