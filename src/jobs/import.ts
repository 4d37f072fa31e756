// The import job: reads an uploaded file and either sums it up for the admin (a preview) or,
// once they confirm, writes it into the site. Its progress is the job row's, so a reload, or
// another server, shows the same bar. A run that dies is run again from the start: items it
// already wrote are recognised by their import keys and skipped, so it resumes, never doubles.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Worker, type ResourceLimits } from "node:worker_threads";
import type { DatabaseConfig, Db } from "../../db/client.ts";
import { head } from "../import/head.ts";
import type { ImportPreview } from "../import/read.ts";
import type { ImportProgress, ImportReport } from "../import/write.ts";
import type { MediaStore, MediaStoreConfig } from "../media/storage.ts";
import { JobRefused, type JobContext, type JobHandler } from "./queue.ts";

export const IMPORT_JOB = "import";

export interface ImportPayload {
  /** The uploaded file, in the import folder. */
  file: string;
  /** The admin who uploaded it. */
  actorId: string;
  /** "preview" reads and sums up; "write" imports. */
  step: "preview" | "write";
  fetchImages?: boolean;
  /** The name the file had on the admin's computer, for the list. */
  fileName?: string;
}

export type ImportResult = { step: "preview"; preview: ImportPreview } | { step: "write"; report: ImportReport };

export interface ImportJobDeps {
  db: Db;
  media: MediaStore;
  mediaLimits: { maxBytes: number; maxPixels: number };
  purge(tags: string[]): Promise<void>;
  importConfig: { dir: string; maxBytes: number; allowLoopback: boolean };
}

/** What the import thread needs to open the site itself (plain data: it crosses threads). */
export interface ImportThreadOptions {
  /** The thread's script: src/jobs/import-worker.ts, or its build. */
  script: URL;
  database: DatabaseConfig;
  media: MediaStoreConfig;
}

export interface ImportThreadData extends Pick<ImportThreadOptions, "database" | "media"> {
  jobId: string;
  payload: unknown;
  mediaLimits: ImportJobDeps["mediaLimits"];
  importConfig: ImportJobDeps["importConfig"];
}
export type ImportThreadMessage =
  | { type: "progress"; value: unknown }
  | { type: "purge"; id: number; tags: string[] }
  | { type: "done"; result: ImportResult }
  | { type: "failed"; message: string; refused: boolean };
export type ImportThreadReply = { purged: number };

/**
 * The import job. With `thread`, each run reads and writes on a thread of its own, and the
 * server's thread only relays its progress and purges; without, it runs here (tests, the shell).
 */
export function importJob(deps: ImportJobDeps, thread?: ImportThreadOptions): JobHandler {
  if (!thread) return (job) => runImport(deps, job);
  return (job) => runOnThread(deps, thread, job);
}

/**
 * The import thread's heap. A WordPress export is read as a stream with each item's text kept
 * on disk (src/import/spool.ts), so its reading needs the same small heap for any size of
 * site, and a bound keeps V8 from letting garbage grow the heap to several times that (a
 * 10,000-post import grew the server by 570 MiB without one). Other files (a Ghost JSON
 * export, parsed whole; an archive, which may hold one) get V8's default.
 */
export const STREAMED_IMPORT_HEAP = { maxOldGenerationSizeMb: 144, maxYoungGenerationSizeMb: 32 };

export async function importThreadHeap(file: string): Promise<ResourceLimits | undefined> {
  const start = await head(file, 64).catch(() => null);
  return start?.trimStart().startsWith("<") ? STREAMED_IMPORT_HEAP : undefined;
}

async function runOnThread(deps: ImportJobDeps, thread: ImportThreadOptions, job: JobContext): Promise<ImportResult> {
  const workerData: ImportThreadData = {
    jobId: job.id,
    payload: job.payload,
    database: thread.database,
    media: thread.media,
    mediaLimits: deps.mediaLimits,
    importConfig: deps.importConfig,
  };
  const worker = new Worker(thread.script, { workerData, resourceLimits: await importThreadHeap((job.payload as ImportPayload).file) });
  return new Promise<ImportResult>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      job.signal.removeEventListener("abort", stop);
      fn();
    };
    // The lease was lost or the server is stopping: what the thread wrote stays (whole posts),
    // and the next run skips it.
    const stop = () => {
      void worker.terminate();
      settle(() => reject(job.signal.reason ?? new Error("The import was stopped")));
    };
    job.signal.addEventListener("abort", stop, { once: true });
    worker.on("message", (message: ImportThreadMessage) => {
      if (message.type === "progress") void job.progress(message.value).catch(() => {});
      else if (message.type === "purge")
        void deps.purge(message.tags).finally(() => worker.postMessage({ purged: message.id } satisfies ImportThreadReply));
      else if (message.type === "done") settle(() => resolve(message.result));
      else settle(() => reject(message.refused ? new JobRefused(message.message) : new Error(message.message)));
    });
    worker.on("error", (e) => settle(() => reject(e)));
    worker.on("exit", (code) => settle(() => reject(new Error(`The import thread stopped (exit code ${code})`))));
  });
}

/** One run of the import job, on whichever thread: a preview, or the import itself. */
export async function runImport(
  deps: ImportJobDeps,
  job: Pick<JobContext, "id" | "payload" | "progress"> & { signal?: AbortSignal },
): Promise<ImportResult> {
  const { id, payload, progress, signal } = job;
  const p = payload as ImportPayload;
  // Each run unpacks afresh into a folder of its own, removed when it ends.
  const work = join(deps.importConfig.dir, `work-${id}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    // Loaded with the first import: a server that never imports never holds the readers
    // (XML, HTML to Markdown, YAML, TOML, archives) in memory.
    const [{ previewOf, readImport }, { writeBundle }] = await Promise.all([import("../import/read.ts"), import("../import/write.ts")]);
    const read = await readImport(p.file, work, { maxBytes: deps.importConfig.maxBytes });
    try {
      if (p.step === "preview") return { step: "preview", preview: previewOf(read.bundle) } satisfies ImportResult;
      let last = 0;
      const report = await writeBundle({ db: deps.db, media: deps.media, mediaLimits: deps.mediaLimits, purge: deps.purge }, read.bundle, {
        actorId: p.actorId,
        archiveRoot: read.archiveRoot,
        fetchImages: Boolean(p.fetchImages),
        remote: { allowLoopback: deps.importConfig.allowLoopback },
        signal,
        progress: async (at: ImportProgress) => {
          // A row write per item would slow a big import; four a second is a smooth bar.
          if (at.phase !== "done" && Date.now() - last < 250) return;
          last = Date.now();
          await progress(at);
        },
      });
      await rm(p.file, { force: true });
      return { step: "write", report } satisfies ImportResult;
    } finally {
      read.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
