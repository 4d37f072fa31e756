// The newsletter sender run on a thread of its own (src/jobs/sender-worker.ts): the same
// Sender to the rest of the server, its work off the thread that answers readers.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Worker } from "node:worker_threads";
import type { Config } from "../config.ts";
import type { Sender } from "./deliveries.ts";

export type SenderRequest = { type: "wake" } | { type: "drain"; id: number } | { type: "stop"; id: number };
export type SenderReply = { id: number; settled: number };

export function senderOnThread(script: URL, config: Config): Sender {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let worker: Worker | undefined;
  let asked = 0;
  const waiting = new Map<number, (settled: number) => void>();
  const ask = (type: "drain" | "stop") =>
    new Promise<number>((resolve) => {
      if (!worker) return resolve(0);
      waiting.set(++asked, resolve);
      worker.postMessage({ type, id: asked } satisfies SenderRequest);
    });
  return {
    owner,
    start() {
      if (worker) return;
      const started = new Worker(script, { workerData: { config, owner } });
      worker = started;
      started.on("message", (reply: SenderReply) => {
        waiting.get(reply.id)?.(reply.settled);
        waiting.delete(reply.id);
      });
      started.on("error", (e) => console.error("[newsletter] the sender thread failed:", e));
      started.on("exit", () => {
        if (worker === started) worker = undefined;
        for (const resolve of waiting.values()) resolve(0);
        waiting.clear();
      });
    },
    wake: () => worker?.postMessage({ type: "wake" } satisfies SenderRequest),
    drain: () => ask("drain"),
    async stop() {
      await ask("stop");
      worker = undefined;
    },
  };
}
