// The newsletter sender as the server runs it: on a thread of its own, there only while there
// is something to send. Nothing due, no thread; a post's deliveries due, a thread that sends
// each once through a real SMTP server, then ends by itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { senderOnThread } from "../../src/jobs/sender-thread.ts";
import { fanOut } from "../../src/server/queries/deliveries.ts";
import { createBackend, type Backend } from "./harness.ts";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.ts";

let b: Backend;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  b = await createBackend({ file: true, env: { SMTP_URL: sink.url, MAIL_FROM: "Quire News <news@quire.test>" } });
});
afterAll(async () => {
  b.close();
  await sink.close();
});

describe("the sender thread", () => {
  it("starts when deliveries are due, sends each once, and ends when there is nothing left", async () => {
    const admin = (await b.signUp("Ada Admin", "admin")).caller;
    const readers = ["one@readers.test", "two@readers.test", "three@readers.test"];
    await admin.newsletter.importCsv({ csv: `email\n${readers.join("\n")}\n`, consented: true });
    const post = await admin.post.create({ title: "Sent from a thread", body: "Words for the inbox." });
    await admin.post.publish({ id: post.id, email: false });

    const sender = senderOnThread({
      script: new URL("../../src/jobs/sender-worker.ts", import.meta.url),
      config: b.config,
      db: b.db,
      pollMs: 50,
      idleMs: 300,
    });
    sender.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(sender.running).toBe(false);

      await fanOut(b.db.write, post.id);
      await expect.poll(() => sender.running, { timeout: 10_000 }).toBe(true);
      const toReaders = () => sink.kept.filter((m) => readers.includes(m.to)).length;
      await expect.poll(toReaders, { timeout: 30_000 }).toBe(readers.length);
      await expect.poll(() => sender.running, { timeout: 10_000 }).toBe(false);
      const counts = sink.countsByRecipient();
      expect(readers.map((r) => counts.get(r))).toEqual([1, 1, 1]);
      const [mail] = await sink.mailTo("two@readers.test");
      expect(mail!.subject).toBe("Sent from a thread");
    } finally {
      await sender.stop();
    }
  }, 60_000);
});
