// The newsletter sender's own thread (src/jobs/sender-thread.ts starts it): making each mail
// (its MIME parts, encoded) and talking SMTP is CPU for every recipient, which on the
// server's thread would slow every reader for the length of a send. It opens its own
// connection to the database, as another process would.
import { parentPort, workerData } from "node:worker_threads";
import { createDb } from "../../db/client.ts";
import type { Config } from "../config.ts";
import { createSender } from "./deliveries.ts";
import type { SenderReply, SenderRequest } from "./sender-thread.ts";

const port = parentPort!;
const { config, owner } = workerData as { config: Config; owner: string };
const db = await createDb(config.database);
const sender = createSender({ db, config, owner });
sender.start();

port.on("message", (request: SenderRequest) => {
  if (request.type === "wake") return sender.wake();
  if (request.type === "drain")
    return void sender.drain().then((settled) => port.postMessage({ id: request.id, settled } satisfies SenderReply));
  void sender
    .stop()
    .finally(() => db.close())
    .then(() => {
      port.postMessage({ id: request.id, settled: 0 } satisfies SenderReply);
      port.close();
    });
});
port.postMessage({ id: 0, settled: 0 } satisfies SenderReply);
