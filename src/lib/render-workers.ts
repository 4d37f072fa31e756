// Markdown is rendered on worker threads in the built server. A render is pure CPU: a
// comment takes a quarter of a millisecond, the longest post allowed more than a second,
// and on the request thread either one holds up every other request meanwhile, cache hits
// included. Here the request thread only hands the source over and awaits the HTML, and a
// machine's other cores do the rendering.
import { Worker } from "node:worker_threads";
import type { Rendered, Renderer } from "./markdown.ts";

export type RenderRequest = { id: number; kind: "post" | "comment"; source: string };
export type RenderResponse = { id: number; result?: Rendered | string; error?: string };

interface Pending {
  resolve: (value: Rendered | string) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

export interface RenderWorkers extends Renderer {
  /** The threads now running (a test may stop one to see it replaced). */
  readonly workers: readonly Worker[];
  /** Stops the threads; renders still pending fail. */
  close(): Promise<void>;
}

const SCRIPT = new URL("./render-worker.ts", import.meta.url);
/** A first render on each new thread, so the highlighter is loaded before a person waits on it. */
const WARM_UP = "Warm *up*.\n\n```ts\nconst ready = true;\n```\n";

export function startRenderWorkers(count: number): RenderWorkers {
  if (count < 1) throw new RangeError("startRenderWorkers needs at least one thread");
  let nextId = 1;
  let closing = false;
  const threads: Thread[] = [];

  function spawn(slot: number): Thread {
    const worker = new Worker(SCRIPT);
    // The server's own signal handling decides when it exits, never a render thread.
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    worker.on("message", (message: RenderResponse) => {
      const job = thread.pending.get(message.id);
      if (!job) return;
      thread.pending.delete(message.id);
      if (message.error !== undefined) job.reject(new Error(`Rendering the Markdown failed: ${message.error}`));
      else job.resolve(message.result!);
    });
    const fail = (why: string) => {
      for (const job of thread.pending.values()) job.reject(new Error(why));
      thread.pending.clear();
    };
    worker.on("error", (e) => {
      console.error("[render] a render thread failed:", e);
      fail(`The Markdown renderer stopped: ${e.message}`);
    });
    worker.on("exit", (code) => {
      fail(`The Markdown renderer stopped (exit code ${code})`);
      // Replaced at once, so one bad render never leaves the site unable to save.
      if (!closing && threads[slot] === thread) threads[slot] = spawn(slot);
    });
    void send(thread, "post", WARM_UP).catch(() => {});
    return thread;
  }

  function send(thread: Thread, kind: RenderRequest["kind"], source: string): Promise<Rendered | string> {
    if (closing) return Promise.reject(new Error("The server is stopping"));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, kind, source } satisfies RenderRequest);
    });
  }

  /** The thread with the fewest renders waiting: one long post does not hold up comments. */
  function leastBusy(): Thread {
    let best = threads[0]!;
    for (const t of threads) if (t.pending.size < best.pending.size) best = t;
    return best;
  }

  for (let slot = 0; slot < count; slot++) threads.push(spawn(slot));

  return {
    get workers() {
      return threads.map((t) => t.worker);
    },
    post: (source) => send(leastBusy(), "post", source) as Promise<Rendered>,
    comment: (source) => send(leastBusy(), "comment", source) as Promise<string>,
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
