// The import's own thread (src/jobs/import.ts starts one per import run): reading a big
// export (XML, HTML to Markdown), rendering every post and writing it takes minutes of CPU,
// which on the server's thread would hold up every reader for as long. This thread opens
// its own connection to the database (SQLite serializes its writes with the server's, as
// with another process) and its own media store; it asks the server's thread to purge, and
// tells it how far it got.
import { parentPort, workerData } from "node:worker_threads";
import { createDb } from "../../db/client.ts";
import { createMediaStore } from "../media/storage.ts";
import { JobRefused } from "./queue.ts";
import { runImport, type ImportThreadData, type ImportThreadMessage, type ImportThreadReply } from "./import.ts";

const port = parentPort!;
const data = workerData as ImportThreadData;
const send = (message: ImportThreadMessage) => port.postMessage(message);

let asked = 0;
const purged = new Map<number, () => void>();
port.on("message", (reply: ImportThreadReply) => {
  purged.get(reply.purged)?.();
  purged.delete(reply.purged);
});

const db = await createDb(data.database);
try {
  const media = await createMediaStore(data.media);
  const result = await runImport(
    {
      db,
      media,
      mediaLimits: data.mediaLimits,
      importConfig: data.importConfig,
      purge: (tags) =>
        new Promise<void>((done) => {
          purged.set(++asked, done);
          send({ type: "purge", id: asked, tags });
        }),
    },
    { id: data.jobId, payload: data.payload, progress: async (value) => send({ type: "progress", value }) },
  );
  send({ type: "done", result });
} catch (e) {
  send({ type: "failed", message: e instanceof Error ? e.message : String(e), refused: e instanceof JobRefused });
} finally {
  db.close();
  port.close();
}
