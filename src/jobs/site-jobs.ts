// The jobs a server process runs, and what each needs: one runner per process, started
// with the server and stopped (handing back what it holds) before the database closes.
import type { Runtime } from "../runtime.ts";
import type { MediaStore } from "../media/storage.ts";
import { IMPORT_JOB, importJob } from "./import.ts";
import { createJobRunner, type JobRunner } from "./queue.ts";
import { createSender } from "./deliveries.ts";
import { newsletterJobs } from "./newsletter.ts";
import { createMailer } from "../server/mail.ts";

export function startJobs(runtime: Runtime, media: MediaStore, options: { pollMs?: number } = {}): JobRunner {
  const { config, db, invalidation } = runtime;
  const sender = createSender({ db, config });
  const runner = createJobRunner({
    db,
    pollMs: options.pollMs,
    handlers: {
      [IMPORT_JOB]: importJob({
        db,
        media,
        mediaLimits: { maxBytes: config.media.maxBytes, maxPixels: config.media.maxPixels },
        purge: (tags) => invalidation.purge(tags),
        importConfig: config.import,
      }),
      ...newsletterJobs({ db, config, mailer: createMailer(config, db.db), sender }),
    },
  });
  runner.start();
  sender.start();
  return {
    ...runner,
    async stop() {
      await runner.stop();
      await sender.stop();
    },
  };
}
