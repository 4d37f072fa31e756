// Markdown is rendered on worker threads in the built server. A render is pure CPU: a
// comment takes a quarter of a millisecond, the longest post allowed more than a second,
// and on the request thread either one holds up every other request meanwhile, cache hits
// included. Here the request thread only hands the source over and awaits the HTML, and a
// machine's other cores do the rendering.
import { Worker } from "node:worker_threads";
import { renderCommentMarkdownHere, renderMarkdownHere, type Rendered, type Renderer } from "./markdown.ts";

export type RenderRequest = { id: number; kind: "post" | "comment"; source: string };
export type RenderResponse = { id: number; result?: Rendered | string; error?: string };

interface Pending {
  resolve: (value: Rendered | string) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Whether it has answered anything: one that dies before that failed to start. */
  answered: boolean;
}

/** Threads that die before their first answer this many times in a row are not started again. */
export const MAX_FAILED_STARTS = 5;

export interface RenderWorkers extends Renderer {
  /** The threads now running (a test may stop one to see it replaced). */
  readonly workers: readonly Worker[];
  /** Stops the threads; renders still pending fail. */
  close(): Promise<void>;
}

const SCRIPT = new URL("./render-worker.ts", import.meta.url);

export interface RenderWorkerOptions {
  /** The thread's script (tests start a broken one). */
  script?: URL;
  onError?: (message: string, error?: unknown) => void;
}
/** A first render on each new thread, so the highlighter is loaded before a person waits on it. */
const WARM_UP = "Warm *up*.\n\n```ts\nconst ready = true;\n```\n";

export function startRenderWorkers(count: number, options: RenderWorkerOptions = {}): RenderWorkers {
  if (count < 1) throw new RangeError("startRenderWorkers needs at least one thread");
  const script = options.script ?? SCRIPT;
  const onError = options.onError ?? ((message, error) => console.error(`[render] ${message}`, error ?? ""));
  let nextId = 1;
  let closing = false;
  /** Threads that died before answering, in a row: a thread that cannot start is not retried forever. */
  let failedStarts = 0;
  const threads: (Thread | null)[] = [];

  function spawn(slot: number): Thread {
    const worker = new Worker(script);
    // The server's own signal handling decides when it exits, never a render thread.
    worker.unref();
    const thread: Thread = { worker, pending: new Map(), answered: false };
    worker.on("message", (message: RenderResponse) => {
      thread.answered = true;
      failedStarts = 0;
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
      onError("a render thread failed:", e);
      fail(`The Markdown renderer stopped: ${e.message}`);
    });
    worker.on("exit", (code) => {
      fail(`The Markdown renderer stopped (exit code ${code})`);
      if (closing || threads[slot] !== thread) return;
      if (!thread.answered) failedStarts++;
      if (failedStarts >= MAX_FAILED_STARTS) {
        // Rendering goes on, on the request thread, rather than failing every save.
        threads[slot] = null;
        if (threads.every((t) => t === null)) onError(`render threads failed to start ${failedStarts} times; rendering on the request thread from now on`);
        return;
      }
      // Replaced, after a pause that grows while replacements keep failing to start.
      threads[slot] = null;
      const retry = setTimeout(() => {
        if (!closing && threads[slot] === null) threads[slot] = spawn(slot);
      }, failedStarts === 0 ? 0 : 100 * 2 ** failedStarts);
      retry.unref();
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

  /** The thread with the fewest renders waiting (one long post does not hold up comments), if any is running. */
  function leastBusy(): Thread | null {
    let best: Thread | null = null;
    for (const t of threads) if (t && (!best || t.pending.size < best.pending.size)) best = t;
    return best;
  }

  for (let slot = 0; slot < count; slot++) threads.push(spawn(slot));

  return {
    get workers() {
      return threads.filter((t): t is Thread => t !== null).map((t) => t.worker);
    },
    post(source) {
      const thread = leastBusy();
      return thread ? (send(thread, "post", source) as Promise<Rendered>) : renderMarkdownHere(source);
    },
    comment(source) {
      const thread = leastBusy();
      return thread ? (send(thread, "comment", source) as Promise<string>) : renderCommentMarkdownHere(source);
    },
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t?.worker.terminate()));
    },
  };
}
