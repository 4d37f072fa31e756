// The newsletter sender run on a thread of its own (src/jobs/sender-worker.ts): the same
// Sender to the rest of the server, its work off the thread that answers readers. The thread
// exists only while there is something to send: this side looks (one read a second) and
// starts it, and it ends itself once it has found nothing for a while, so an idle server
// holds no second copy of the sender's code and connection.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Worker } from "node:worker_threads";
import type { Db } from "../../db/client.ts";
import type { Config } from "../config.ts";
import { hasDueDeliveries } from "../server/queries/deliveries.ts";
import type { Sender } from "./deliveries.ts";

export type SenderRequest = { type: "wake" } | { type: "drain"; id: number } | { type: "stop"; id: number };
export type SenderMessage = { type: "reply"; id: number; settled: number } | { type: "idle" };

export interface SenderThreadOptions {
  script: URL;
  config: Config;
  db: Db;
  pollMs?: number;
  /** How long the thread looks and finds nothing before it ends. */
  idleMs?: number;
}

export function senderOnThread(options: SenderThreadOptions): Sender & { readonly running: boolean } {
  const { script, config, db } = options;
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let worker: Worker | undefined;
  let ending: Promise<number> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let asked = 0;
  const waiting = new Map<number, (settled: number) => void>();

  const ask = (to: Worker, type: "drain" | "stop") =>
    new Promise<number>((resolve) => {
      waiting.set(++asked, resolve);
      to.postMessage({ type, id: asked } satisfies SenderRequest);
    });

  function spawn(): Worker {
    const started = new Worker(script, { workerData: { config, owner, idleMs: options.idleMs } });
    worker = started;
    started.on("message", (message: SenderMessage) => {
      if (message.type === "idle") return void end(started);
      waiting.get(message.id)?.(message.settled);
      waiting.delete(message.id);
    });
    started.on("error", (e) => console.error("[newsletter] the sender thread failed:", e));
    started.on("exit", () => {
      if (worker === started) worker = undefined;
      for (const resolve of waiting.values()) resolve(0);
      waiting.clear();
    });
    return started;
  }

  /** Asks the thread to finish its batch and hand back what it holds, then forgets it. */
  function end(which: Worker): Promise<number> {
    if (worker !== which) return Promise.resolve(0);
    worker = undefined;
    ending = ask(which, "stop").finally(() => (ending = undefined));
    return ending;
  }

  /** The running thread, or a new one once the last has ended. */
  async function thread(): Promise<Worker> {
    await ending;
    return worker ?? spawn();
  }

  async function look() {
    if (worker || ending) return;
    if (await hasDueDeliveries(db.db).catch(() => false)) await thread();
  }

  return {
    owner,
    /** Whether the thread is there now. */
    get running() {
      return worker !== undefined;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => void look(), options.pollMs ?? 1000);
      timer.unref();
      void look();
    },
    wake: () => void thread().then((w) => w.postMessage({ type: "wake" } satisfies SenderRequest)),
    drain: async () => ask(await thread(), "drain"),
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await ending;
      if (worker) await end(worker);
    },
  };
}
