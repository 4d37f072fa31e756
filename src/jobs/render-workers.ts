// Markdown is rendered on worker threads in the built server. A render is pure CPU, and on
// the request thread a long one holds up every other request, cache hits included. Here the
// request thread hands the source over and awaits the HTML, and three rules keep any one
// writer from holding up the others:
// - renders are taken from the writers' queues in turn (the writer served least recently
//   first), and a thread holds at most two (the one it is on and the next), so twelve
//   renders from one person wait behind each other, not in front of everyone;
// - a time budget per render: past it the thread is stopped and replaced, and the writer
//   is told the text is too complex to format (RenderTooComplex);
// - emphasis is resolved in linear time (src/lib/emphasis.ts), so crafted text rarely
//   comes near the budget at all.
import { Worker } from "node:worker_threads";
import { renderCommentMarkdownHere, renderMarkdownHere, RenderTooComplex, type Rendered, type Renderer } from "../lib/markdown.ts";
import type { MediaInfo } from "../media/urls.ts";

export type RenderKind = "post" | "comment";
/** `media`: the stored images a post names, looked up on the main thread (a thread has no database). */
export type RenderRequest = { id: number; kind: RenderKind; source: string; media?: readonly MediaInfo[] };
export type RenderResponse = { id: number; result?: Rendered | string; error?: string; tooComplex?: boolean };

/** How long one render may take on a thread before it is stopped. */
export const RENDER_BUDGET_MS: Record<RenderKind, number> = { post: 5_000, comment: 1_000 };

interface Job {
  id: number;
  kind: RenderKind;
  source: string;
  media?: readonly MediaInfo[];
  owner: string;
  resolve: (value: Rendered | string) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  /** The render it is doing, if any: a thread does one at a time. */
  job: Job | null;
  /** The render it was handed to start on when `job` is done. */
  next: Job | null;
  budget?: ReturnType<typeof setTimeout>;
  /** Whether it has answered anything: one that dies before that failed to start. */
  answered: boolean;
}

/** The render thread's young generation (V8's default is several times larger). */
const YOUNG_GENERATION_MB = 3;

/** Threads that die before their first answer this many times in a row are not started again. */
export const MAX_FAILED_STARTS = 5;

export interface RenderWorkers extends Renderer {
  /** The threads now running (a test may stop one to see it replaced). */
  readonly workers: readonly Worker[];
  /** Stops the threads; renders still waiting fail. */
  close(): Promise<void>;
}

const SCRIPT = new URL("./render-worker.ts", import.meta.url);

export interface RenderWorkerOptions {
  /** The thread's script (tests start a broken one). */
  script?: URL;
  onError?: (message: string, error?: unknown) => void;
  /** Time budgets per kind of render (tests shorten them). */
  budgetMs?: Partial<Record<RenderKind, number>>;
}
/** A first render on each new thread, so the highlighter is loaded before a person waits on it. */
const WARM_UP = "Warm *up*.\n\n```ts\nconst ready = true;\n```\n";
/** The queue of renders nobody in particular asked for (the warm-up, seeding). */
const NOBODY = "";

export function startRenderWorkers(count: number, options: RenderWorkerOptions = {}): RenderWorkers {
  if (count < 1) throw new RangeError("startRenderWorkers needs at least one thread");
  const script = options.script ?? SCRIPT;
  const onError = options.onError ?? ((message, error) => console.error(`[render] ${message}`, error ?? ""));
  const budgets = { ...RENDER_BUDGET_MS, ...options.budgetMs };
  let nextId = 1;
  let closing = false;
  /** Threads that died before answering, in a row: a thread that cannot start is not retried forever. */
  let failedStarts = 0;
  const threads: (Thread | null)[] = [];
  /** Renders waiting, by whom they are for. */
  const queues = new Map<string, Job[]>();

  /** When each writer was last served (a counter), for the few thousand most recent. */
  const servedAt = new Map<string, number>();
  let serves = 0;

  /** The next render in turn: the oldest of the writer served least recently. */
  function nextJob(): Job | undefined {
    let owner: string | undefined;
    for (const candidate of queues.keys()) {
      if (owner === undefined || (servedAt.get(candidate) ?? -1) < (servedAt.get(owner) ?? -1)) owner = candidate;
    }
    if (owner === undefined) return undefined;
    const jobs = queues.get(owner)!;
    const job = jobs.shift()!;
    if (!jobs.length) queues.delete(owner);
    servedAt.delete(owner);
    servedAt.set(owner, serves++);
    if (servedAt.size > 10_000) servedAt.delete(servedAt.keys().next().value!);
    return job;
  }

  /** Puts a render that never started back at the head of its writer's queue. */
  function requeue(job: Job | null): void {
    if (!job) return;
    const jobs = queues.get(job.owner);
    if (jobs) jobs.unshift(job);
    else queues.set(job.owner, [job]);
  }

  function dispatch(): void {
    // Every running thread first gets a render, then one more to start on as soon as the
    // first is done (without it the thread would sit idle until this busy thread had a
    // turn to send the next).
    for (const thread of threads) {
      if (!thread || thread.job) continue;
      const job = nextJob();
      if (!job) break;
      start(thread, job);
      send(thread, job);
    }
    for (const thread of threads) {
      if (!thread || !thread.job || thread.next) continue;
      const job = nextJob();
      if (!job) break;
      thread.next = job;
      send(thread, job);
    }
    // Every thread failed to start: rendering goes on here rather than failing every save.
    if (threads.every((t) => t === null)) {
      for (let job = nextJob(); job; job = nextJob()) renderHere(job);
    }
  }

  function renderHere(job: Job): void {
    (job.kind === "post" ? renderMarkdownHere(job.source, job.media) : renderCommentMarkdownHere(job.source)).then(job.resolve, job.reject);
  }

  /** The render the thread is on now: its budget runs from here. */
  function start(thread: Thread, job: Job): void {
    thread.job = job;
    thread.budget = setTimeout(() => {
      if (thread.job !== job) return;
      thread.job = null;
      job.reject(new RenderTooComplex());
      requeue(thread.next);
      thread.next = null;
      // Stopped mid-render: it did start, so this is no failure to start.
      thread.answered = true;
      void thread.worker.terminate();
    }, budgets[job.kind]);
    thread.budget.unref();
  }

  function send(thread: Thread, job: Job): void {
    thread.worker.postMessage({ id: job.id, kind: job.kind, source: job.source, media: job.media } satisfies RenderRequest);
  }

  function spawn(slot: number): Thread {
    // A render allocates in short bursts; a small young generation keeps each thread's
    // resident memory down at little cost to render time (BENCHMARKS.md, Memory).
    const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    // The server's own signal handling decides when it exits, never a render thread.
    worker.unref();
    const thread: Thread = { worker, job: null, next: null, answered: false };
    worker.on("message", (message: RenderResponse) => {
      thread.answered = true;
      failedStarts = 0;
      const job = thread.job;
      if (!job || job.id !== message.id) return;
      clearTimeout(thread.budget);
      thread.job = null;
      if (message.tooComplex) job.reject(new RenderTooComplex());
      else if (message.error !== undefined) job.reject(new Error(`Rendering the Markdown failed: ${message.error}`));
      else job.resolve(message.result!);
      // The thread has gone on to the one it was handed next.
      const next = thread.next;
      thread.next = null;
      if (next) start(thread, next);
      dispatch();
    });
    worker.on("error", (e) => {
      onError("a render thread failed:", e);
      fail(thread, `The Markdown renderer stopped: ${e.message}`);
    });
    worker.on("exit", (code) => {
      fail(thread, `The Markdown renderer stopped (exit code ${code})`);
      if (closing || threads[slot] !== thread) return;
      if (!thread.answered) failedStarts++;
      threads[slot] = null;
      if (failedStarts >= MAX_FAILED_STARTS) {
        if (threads.every((t) => t === null)) {
          onError(`render threads failed to start ${failedStarts} times; rendering on the request thread from now on`);
          dispatch();
        }
        return;
      }
      // Replaced, after a pause that grows while replacements keep failing to start.
      const retry = setTimeout(
        () => {
          if (closing || threads[slot] !== null) return;
          threads[slot] = spawn(slot);
          dispatch();
        },
        failedStarts === 0 ? 0 : 100 * 2 ** failedStarts,
      );
      retry.unref();
    });
    return thread;
  }

  function fail(thread: Thread, why: string): void {
    clearTimeout(thread.budget);
    const job = thread.job;
    thread.job = null;
    job?.reject(new Error(why));
    // The one handed next never started: another thread (or its replacement) takes it.
    requeue(thread.next);
    thread.next = null;
  }

  function enqueue(kind: RenderKind, source: string, owner = NOBODY, media?: readonly MediaInfo[]): Promise<Rendered | string> {
    if (closing) return Promise.reject(new Error("The server is stopping"));
    return new Promise((resolve, reject) => {
      const job: Job = { id: nextId++, kind, source, media, owner, resolve, reject };
      const jobs = queues.get(owner);
      if (jobs) jobs.push(job);
      else queues.set(owner, [job]);
      dispatch();
    });
  }

  for (let slot = 0; slot < count; slot++) threads.push(spawn(slot));
  for (let slot = 0; slot < count; slot++) void enqueue("post", WARM_UP).catch(() => {});

  return {
    get workers() {
      return threads.filter((t): t is Thread => t !== null).map((t) => t.worker);
    },
    post: (source, owner, media) => enqueue("post", source, owner, media) as Promise<Rendered>,
    comment: (source, owner) => enqueue("comment", source, owner) as Promise<string>,
    async close() {
      closing = true;
      for (const jobs of queues.values()) for (const job of jobs) job.reject(new Error("The server is stopping"));
      queues.clear();
      await Promise.all(threads.map((t) => t?.worker.terminate()));
    },
  };
}
