// A server process's job runner, alone, for the queue tests: it runs the test job kinds on
// the database file in QUIRE_JOB_DB and writes what each run did to QUIRE_JOB_EFFECTS, one
// line each ("started <id> <owner>", "finished <id> <owner>"), a record outside the database
// that survives the process being killed.
import { appendFileSync } from "node:fs";
import { createDb } from "../../db/client.ts";
import { createJobRunner } from "../../src/jobs/queue.ts";

const db = await createDb({ url: `file:${process.env.QUIRE_JOB_DB}`, localPath: process.env.QUIRE_JOB_DB });
const effects = process.env.QUIRE_JOB_EFFECTS!;
const owner = process.env.QUIRE_JOB_OWNER!;
const runner = createJobRunner({
  db,
  owner,
  leaseMs: Number(process.env.QUIRE_JOB_LEASE_MS ?? 1000),
  pollMs: 20,
  concurrency: 2,
  handlers: {
    /** Works for `ms` milliseconds, saving its progress every 50 ms, then is done. */
    async sleepy({ id, payload, progress, signal }) {
      appendFileSync(effects, `started ${id} ${owner}\n`);
      const { ms } = payload as { ms: number };
      for (let waited = 0; waited < ms; waited += 50) {
        signal.throwIfAborted();
        await new Promise((r) => setTimeout(r, Math.min(50, ms - waited)));
        await progress({ waited: waited + 50 });
      }
      appendFileSync(effects, `finished ${id} ${owner}\n`);
      return { by: owner };
    },
  },
});
runner.start();
// The runner's timer does not hold a process open (a server's listener does); without this,
// a process whose first look finds nothing due (the other's lease not yet run out) exits.
const alive = setInterval(() => {}, 60_000);
console.log("ready");
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.on(signal, () => void runner.stop().then(() => (clearInterval(alive), process.exit(0))));
