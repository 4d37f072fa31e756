// The jobs a server process runs, and what each needs: one runner per process, started
// with the server and stopped (handing back what it holds) before the database closes.
import type { Runtime } from "../runtime.ts";
import type { MediaStore } from "../media/storage.ts";
import { IMPORT_JOB, importJob } from "./import.ts";
import { createJobRunner, type JobRunner } from "./queue.ts";
import { WEBHOOK_JOB } from "../server/webhooks.ts";
import { defaultWebhookLimits, webhookJob } from "./webhooks.ts";

export function startJobs(runtime: Runtime, media: MediaStore, options: { pollMs?: number } = {}): JobRunner {
  const { config, db, invalidation } = runtime;
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
      [WEBHOOK_JOB]: webhookJob({ db, siteUrl: config.siteUrl, limits: defaultWebhookLimits(config.webhooks.allowPrivate) }),
    },
  });
  runner.start();
  return runner;
}
