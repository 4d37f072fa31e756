// A server process's job runner with only the import job, as `npm start` runs it (each import
// on a thread of its own), for the crash test: the database file is QUIRE_IMPORT_DB, images go
// to QUIRE_IMPORT_MEDIA, uploaded files wait in QUIRE_IMPORT_DIR.
import { createDb } from "../../../db/client.ts";
import { importJob, IMPORT_JOB } from "../../../src/jobs/import.ts";
import { createJobRunner } from "../../../src/jobs/queue.ts";
import { localStore } from "../../../src/media/storage.ts";

const file = process.env.QUIRE_IMPORT_DB!;
const database = { url: `file:${file}`, localPath: file };
const db = await createDb(database);
const mediaDir = process.env.QUIRE_IMPORT_MEDIA!;
const runner = createJobRunner({
  db,
  owner: process.env.QUIRE_JOB_OWNER!,
  leaseMs: 600,
  pollMs: 20,
  handlers: {
    [IMPORT_JOB]: importJob(
      {
        db,
        media: localStore(mediaDir),
        mediaLimits: { maxBytes: 10_000_000, maxPixels: 50_000_000 },
        purge: async () => {},
        importConfig: { dir: process.env.QUIRE_IMPORT_DIR!, maxBytes: 100_000_000, allowLoopback: false },
      },
      { script: new URL("../../../src/jobs/import-worker.ts", import.meta.url), database, media: { dir: mediaDir } },
    ),
  },
});
runner.start();
// The runner's timer does not hold a process open (a server's listener does); without this,
// a process whose first look finds nothing due (the other's lease not yet run out) exits.
setInterval(() => {}, 60_000);
console.log("ready");
