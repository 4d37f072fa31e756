// The import job: reads an uploaded file and either sums it up for the admin (a preview) or,
// once they confirm, writes it into the site. Its progress is the job row's, so a reload, or
// another server, shows the same bar. A run that dies is run again from the start: items it
// already wrote are recognised by their import keys and skipped, so it resumes, never doubles.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "../../db/client.ts";
import type { ImportPreview } from "../import/read.ts";
import type { ImportProgress, ImportReport } from "../import/write.ts";
import type { MediaStore } from "../media/storage.ts";
import type { JobHandler } from "./queue.ts";

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

export function importJob(deps: ImportJobDeps): JobHandler {
  return async ({ id, payload, progress, signal }) => {
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
      await rm(work, { recursive: true, force: true });
    }
  };
}
