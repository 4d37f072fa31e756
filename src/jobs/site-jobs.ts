// The jobs a server process runs, and what each needs: one runner per process, started
// with the server and stopped (handing back what it holds) before the database closes.
import type { Runtime } from "../runtime.ts";
import type { MediaStore } from "../media/storage.ts";
import { IMPORT_JOB, importJob } from "./import.ts";
import { createJobRunner, type JobRunner } from "./queue.ts";
import { WEBHOOK_JOB } from "../server/webhooks.ts";
import { defaultWebhookLimits, webhookJob } from "./webhooks.ts";
import { createSender } from "./deliveries.ts";
import { senderOnThread } from "./sender-thread.ts";
import { newsletterJobs } from "./newsletter.ts";
import { createMailer } from "../server/mail.ts";

export interface JobOptions {
  pollMs?: number;
  /** The import thread's script (the build's): given, imports run on a thread of their own. */
  importWorker?: URL;
  /** The sender thread's script (the build's): given, newsletters are sent from a thread of their own. */
  senderWorker?: URL;
}

export function startJobs(runtime: Runtime, media: MediaStore, options: JobOptions = {}): JobRunner {
  const { config, db, invalidation } = runtime;
  const sender = options.senderWorker ? senderOnThread({ script: options.senderWorker, config, db }) : createSender({ db, config });
  const runner = createJobRunner({
    db,
    pollMs: options.pollMs,
    // A few at once: a webhook waiting on a slow endpoint must not hold up an import (which
    // runs on its own thread) or the next delivery.
    concurrency: 4,
    handlers: {
      [IMPORT_JOB]: importJob(
        {
          db,
          media,
          mediaLimits: { maxBytes: config.media.maxBytes, maxPixels: config.media.maxPixels },
          purge: (tags) => invalidation.purge(tags),
          importConfig: config.import,
        },
        options.importWorker && { script: options.importWorker, database: config.database, media: config.media },
      ),
      [WEBHOOK_JOB]: webhookJob({ db, siteUrl: config.siteUrl, limits: defaultWebhookLimits(config.webhooks.allowPrivate) }),
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
