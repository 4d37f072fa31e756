// The newsletter across server processes on one database file, with a real SMTP server: a
// sender killed mid-send loses nothing (another sends the rest once its lease runs out), and
// two senders at once never send anyone the same post twice.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Delivery } from "../../db/schema.ts";
import { newsletterJobs } from "../../src/jobs/newsletter.ts";
import type { Sender } from "../../src/jobs/deliveries.ts";
import { createJobRunner } from "../../src/jobs/queue.ts";
import { createMailer } from "../../src/server/mail.ts";
import { importSubscribers } from "../../src/server/queries/subscribers.ts";
import { createBackend, type Backend } from "./harness.ts";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.ts";

const SUBSCRIBERS = 2000;
let b: Backend;
let sink: SmtpSink;
const children: ChildProcess[] = [];

beforeAll(async () => {
  sink = await startSmtpSink();
  b = await createBackend({ file: true, env: { SMTP_URL: sink.url } });
  const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `reader${i}@crash.test`);
  expect(await importSubscribers(b.db.write, emails)).toBe(SUBSCRIBERS);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await sink.close();
  b.close();
});

function senderProcess(owner: string, rate = "1000"): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, "newsletter-process.ts")], {
    env: {
      ...process.env,
      QUIRE_NEWS_DB: b.config.database.localPath,
      QUIRE_NEWS_OWNER: owner,
      SMTP_URL: sink.url,
      MAIL_RATE_PER_SECOND: rate,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((ok, fail) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && ok(child));
    child.once("exit", (code) => fail(new Error(`the sender process exited (${code}) before it was ready`)));
  });
}

/** Publishes a post and runs its fan-out here; the mail is left to the sender processes. */
async function publishPost(title: string): Promise<string> {
  const { caller } = await b.signUp(`Writer ${title}`, "author");
  const post = await caller.post.create({ title, body: `All about ${title}.` });
  await caller.post.publish({ id: post.id });
  const idle: Sender = { owner: "none", start() {}, wake() {}, drain: async () => 0, stop: async () => {} };
  const runner = createJobRunner({
    db: b.db,
    handlers: newsletterJobs({ db: b.db, config: b.config, mailer: createMailer(b.config, b.db.db), sender: idle }),
  });
  while (await runner.runOnce());
  return post.id;
}

const sentCount = async (postId: string) =>
  (
    await b.db.db
      .select({ n: count() })
      .from(Delivery)
      .where(and(eq(Delivery.postId, postId), eq(Delivery.status, "sent")))
  )[0]!.n;

/** How many of the post's mails each address received (read from the subject line as sent). */
function received(title: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of sink.kept) if (k.raw.includes(`Subject: ${title}`)) counts.set(k.to, (counts.get(k.to) ?? 0) + 1);
  return counts;
}

describe("newsletters across processes", () => {
  it("loses no mail when the sending process is killed mid-send", async () => {
    const postId = await publishPost("Crash course");
    const first = await senderProcess("first", "400");
    await expect.poll(() => received("Crash course").size, { timeout: 30_000, interval: 20 }).toBeGreaterThan(SUBSCRIBERS / 4);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = received("Crash course").size;
    expect(atKill).toBeLessThan(SUBSCRIBERS);

    await senderProcess("second");
    await expect.poll(() => sentCount(postId), { timeout: 60_000, interval: 100 }).toBe(SUBSCRIBERS);
    const counts = received("Crash course");
    const twice = [...counts.values()].filter((n) => n > 1).length;
    console.info(`[newsletter crash] ${atKill} mails accepted before the kill; ${twice} of ${SUBSCRIBERS} subscribers got the post twice`);
    expect(counts.size).toBe(SUBSCRIBERS);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    const left = await b.db.db
      .select({ n: count() })
      .from(Delivery)
      .where(and(eq(Delivery.postId, postId), inArray(Delivery.status, ["queued", "sending"])));
    expect(left[0]!.n).toBe(0);
  }, 120_000);

  it("sends each subscriber the post once with two processes sharing the work", async () => {
    const postId = await publishPost("Shared load");
    await Promise.all([senderProcess("left"), senderProcess("right")]);
    await expect.poll(() => sentCount(postId), { timeout: 60_000, interval: 100 }).toBe(SUBSCRIBERS);
    const counts = received("Shared load");
    expect(counts.size).toBe(SUBSCRIBERS);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    const owners = await b.db.db.selectDistinct({ attempts: Delivery.attempts }).from(Delivery).where(eq(Delivery.postId, postId));
    expect(owners).toEqual([{ attempts: 1 }]);
  }, 120_000);
});
