// A server's writes, in a process of its own, for the backup test: rows into the outbox of the
// database file in QUIRE_WRITER_DB, one commit after another, as fast as they go, until it is
// stopped. It says "ready" once the first row is in.
import { createDb } from "../../../db/client.ts";
import { MailOutbox } from "../../../db/schema.ts";

const path = process.env.QUIRE_WRITER_DB!;
const db = await createDb({ url: `file:${path}`, localPath: path });
let stopping = false;
process.on("SIGTERM", () => (stopping = true));
for (let n = 1; !stopping; n++) {
  await db.write((d) => d.insert(MailOutbox).values({ to: `reader${n}@quire.test`, subject: `Row ${n}`, text: "x".repeat(200) }));
  if (n === 1) console.log("ready");
  // A turn of the event loop between commits, so the stop signal is heard.
  await new Promise((r) => setImmediate(r));
}
db.close();
process.exit(0);
