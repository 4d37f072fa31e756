// The newsletter sender's own thread (src/jobs/sender-thread.ts starts it when there is
// something to send): making each mail (its MIME parts, encoded) and talking SMTP is CPU for
// every recipient, which on the server's thread would slow every reader for the length of a
// send. It opens its own connection to the database, as another process would, and says when
// it has had nothing to do for a while.
import { parentPort, workerData } from "node:worker_threads";
import { createDb } from "../../db/client.ts";
import type { Config } from "../config.ts";
import { createSender } from "./deliveries.ts";
import type { SenderMessage, SenderRequest } from "./sender-thread.ts";

const port = parentPort!;
const { config, owner, idleMs } = workerData as { config: Config; owner: string; idleMs?: number };
const send = (message: SenderMessage) => port.postMessage(message);
const db = await createDb(config.database);
const sender = createSender({ db, config, owner, idleMs, onIdle: () => send({ type: "idle" }) });
sender.start();

port.on("message", (request: SenderRequest) => {
  if (request.type === "wake") return sender.wake();
  if (request.type === "drain") return void sender.drain().then((settled) => send({ type: "reply", id: request.id, settled }));
  void sender
    .stop()
    .finally(() => db.close())
    .then(() => {
      send({ type: "reply", id: request.id, settled: 0 });
      port.close();
    });
});
