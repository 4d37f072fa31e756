// A webhook receiver for tests: plain node:http on a free loopback port that keeps every
// request it gets, and answers each path the way a test needs (success, failure for a while,
// a redirect, no answer at all, an endless answer).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createJobRunner } from "../../../src/jobs/queue.ts";
import { webhookJob } from "../../../src/jobs/webhooks.ts";
import { WEBHOOK_JOB } from "../../../src/server/webhooks.ts";
import type { Backend } from "../harness.ts";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** http://127.0.0.1:<port> */
  url: string;
  received: Received[];
  /** What arrived at one path. */
  at(path: string): Received[];
  /** The next `n` requests to `path` are answered 500. */
  failNext(path: string, n: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const failures = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const failing = failures.get(path) ?? 0;
      if (failing > 0) {
        failures.set(path, failing - 1);
        return res.writeHead(500).end("not now");
      }
      if (path === "/redirect") return res.writeHead(302, { location: "/redirected" }).end();
      // Never answers: the sender's time limit ends it.
      if (path === "/slow") return;
      if (path === "/endless") {
        res.writeHead(200);
        const block = Buffer.alloc(64 * 1024, "x");
        const pump = () => {
          while (res.write(block));
          res.once("drain", pump);
        };
        return pump();
      }
      if (path === "/gone") return res.writeHead(410).end();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    at: (path) => received.filter((r) => r.path === path),
    failNext: (path, n) => void failures.set(path, n),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A job runner for webhook deliveries only, retrying at once, with a short time limit. */
export function deliveryRunner(b: Backend, opts: { allowPrivate: boolean; timeoutMs?: number }) {
  const runner = createJobRunner({
    db: b.db,
    handlers: {
      [WEBHOOK_JOB]: webhookJob({
        db: b.db,
        siteUrl: b.config.siteUrl,
        limits: { allowPrivate: opts.allowPrivate, timeoutMs: opts.timeoutMs ?? 2000, maxResponseBytes: 4096 },
      }),
    },
    backoffMs: () => 0,
    onError: () => {},
  });
  return {
    /** Runs due deliveries (retries included) until none is left. */
    async drain() {
      while (await runner.runOnce());
    },
    runOnce: () => runner.runOnce(),
  };
}
