// Webhook deliveries end to end inside one process: events made through the real tRPC
// procedures on a real database, jobs run by the real queue, POSTed to a receiver started
// here, which checks every signature with the standardwebhooks package.
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CachePurge, Job, Subscriber, WebhookDelivery, WebhookEndpoint, user } from "../../../db/schema.ts";
import { useConfig } from "../../../src/config.ts";
import { getStore } from "../../../src/cache/store.ts";
import { siteInvalidation } from "../../../src/runtime.ts";
import { EVENT_TYPES, eventJobs } from "../../../src/server/events.ts";
import { WEBHOOK_JOB } from "../../../src/server/webhooks.ts";
import { createBackend, type Backend } from "../harness.ts";
import { deliveryRunner, startReceiver, type Received, type Receiver } from "./receiver.ts";

type Caller = Awaited<ReturnType<Backend["signUp"]>>["caller"];
let b: Backend;
let receiver: Receiver;
let admin: Caller;
let author: Caller;
let editor: Caller;
let reader: Caller;

beforeAll(async () => {
  b = await createBackend({ env: { WEBHOOKS_ALLOW_PRIVATE: "true" } });
  useConfig(b.config);
  receiver = await startReceiver();
  admin = (await b.signUp("Ada Admin", null)).caller;
  author = (await b.signUp("Arthur Author", "author")).caller;
  editor = (await b.signUp("Edith Editor", "editor")).caller;
  reader = (await b.signUp("Rhea Reader", null)).caller;
});
afterAll(async () => {
  await receiver.close();
  b.close();
});
beforeEach(async () => {
  // Each test registers its own endpoints.
  for (const e of await admin.webhook.list()) await admin.webhook.delete({ id: e.id });
  receiver.received.length = 0;
});

/** Checks the signature as a receiver would; answers the parsed body. */
function verified(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };
}

async function register(path: string, events: readonly (typeof EVENT_TYPES)[number][] = EVENT_TYPES) {
  const { id, secret } = await admin.webhook.create({ url: `${receiver.url}${path}`, events: [...events] });
  return { id, secret };
}

describe("webhook deliveries", () => {
  it("tells an endpoint of every event it chose, signed, with the public view and never an email address", async () => {
    const { secret } = await register("/all");
    const runner = deliveryRunner(b, { allowPrivate: true });

    // Each step's messages go out before the next step, as the queue does within a second.
    const step = async <T>(done: Promise<T>) => {
      const result = await done;
      await runner.drain();
      return result;
    };
    const post = await step(author.post.create({ title: "Hello hooks", body: "First words.", tags: ["News"] }));
    await step(author.post.publish({ id: post.id }));
    const published = await author.post.byId({ id: post.id });
    await step(author.post.update({ id: post.id, version: published.version, title: "Hello, hooks" }));
    const comment = await step(reader.comment.create({ postId: post.id, body: "Nice hook." }));
    await step(author.post.unpublish({ id: post.id }));
    await step(author.post.publish({ id: post.id }));
    await step(author.post.delete({ id: post.id }));
    const page = await step(editor.post.create({ title: "About us", kind: "page" }));
    await step(editor.post.publish({ id: page.id }));
    // A verified account subscribing itself is confirmed at once.
    const subscriber = await b.signUp("Sam Subscriber", null);
    await b.db.db.update(user).set({ emailVerified: true }).where(eq(user.id, subscriber.userId));
    const subscribed = await b.callerWithCookie(subscriber.cookie);
    await step(subscribed.newsletter.subscribeMe({ all: true }));
    const [{ id: subscriberId }] = await b.db.db
      .select({ id: Subscriber.id })
      .from(Subscriber)
      .where(eq(Subscriber.userId, subscriber.userId));

    const bodies = receiver.at("/all").map((r) => verified(secret, r));
    expect(bodies.map((m) => m.type)).toEqual([
      "post.published",
      "post.updated",
      "comment.created",
      "post.unpublished",
      "post.published",
      "post.deleted",
      "page.published",
      "subscriber.confirmed",
    ]);
    const [first, updated, commented, unpublished, , deleted, pagePublished, subscriberEvent] = bodies;
    expect(first!.data).toMatchObject({
      id: post.id,
      kind: "post",
      url: `http://quire.test/posts/${post.slug}`,
      author: { name: "Arthur Author" },
    });
    expect(first!.data.tags).toEqual([{ name: "News", slug: "news" }]);
    expect(updated!.data.title).toBe("Hello, hooks");
    expect(commented!.data).toMatchObject({ id: comment.id, body: "Nice hook.", author: { name: "Rhea Reader" }, post: { id: post.id } });
    expect(unpublished!.data).toEqual({ id: post.id, kind: "post", slug: post.slug, title: "Hello, hooks", status: "draft" });
    expect(deleted!.data.id).toBe(post.id);
    expect(pagePublished!.data).toMatchObject({ kind: "page", url: `http://quire.test/${page.slug}` });
    expect(subscriberEvent!.data).toEqual({ id: subscriberId });
    for (const r of receiver.at("/all")) expect(r.body).not.toContain("@quire.test");
    // Every message its own id; the body's timestamp the event's.
    expect(new Set(receiver.at("/all").map((r) => r.headers["webhook-id"])).size).toBe(8);
    expect(Number.isNaN(Date.parse(first!.timestamp))).toBe(false);
  });

  it("tells of a held comment once, when a moderator approves it, not before", async () => {
    const { secret } = await register("/held", ["comment.created"]);
    const post = await author.post.create({ title: "Moderated" });
    await author.post.publish({ id: post.id });
    await admin.settings.update({ comments: "hold-first" });
    const newcomer = (await b.signUp("Nell Newcomer", null)).caller;
    try {
      const held = await newcomer.comment.create({ postId: post.id, body: "My first words here." });
      expect(held.held).toBe(true);
      const runner = deliveryRunner(b, { allowPrivate: true });
      await runner.drain();
      expect(receiver.at("/held")).toEqual([]);
      await author.comment.approve({ id: held.id });
      await expect(author.comment.approve({ id: held.id })).rejects.toMatchObject({ code: "CONFLICT" });
      await runner.drain();
      expect(receiver.at("/held").map((r) => verified(secret, r))).toMatchObject([
        { type: "comment.created", data: { id: held.id, body: "My first words here." } },
      ]);
    } finally {
      await admin.settings.update({ comments: "on" });
    }
  });

  it("tells of a publish that was undone before its message went out, without what readers can no longer see", async () => {
    const { secret } = await register("/late", ["post.published"]);
    const post = await author.post.create({ title: "Blink", body: "Gone soon." });
    await author.post.publish({ id: post.id });
    await author.post.unpublish({ id: post.id });
    await deliveryRunner(b, { allowPrivate: true }).drain();
    const [message] = receiver.at("/late").map((r) => verified(secret, r));
    expect(message).toMatchObject({ type: "post.published", data: { id: post.id, title: "Blink", status: "published" } });
    expect(message!.data.excerpt).toBeUndefined();
  });

  it("sends only the events an endpoint chose, nothing to a turned-off one, and nothing for edits nobody could see", async () => {
    const chosen = await register("/chosen", ["comment.created"]);
    const off = await register("/off", ["post.published", "comment.created"]);
    await admin.webhook.setEnabled({ id: off.id, enabled: false });
    const runner = deliveryRunner(b, { allowPrivate: true });
    const draft = await author.post.create({ title: "Still a draft" });
    await author.post.update({ id: draft.id, version: 1, title: "Still a draft, edited" });
    await author.post.delete({ id: draft.id });
    const post = await author.post.create({ title: "Commented" });
    await author.post.publish({ id: post.id });
    await reader.comment.create({ postId: post.id, body: "Only this." });
    await runner.drain();
    expect(receiver.at("/off")).toEqual([]);
    expect(receiver.at("/chosen").map((r) => verified(chosen.secret, r).type)).toEqual(["comment.created"]);
  });

  it("retries after the receiver answers 500, with the same id and body, and the log shows each attempt", async () => {
    const { id, secret } = await register("/flaky", ["post.published"]);
    receiver.failNext("/flaky", 2);
    const post = await author.post.create({ title: "Try, try again" });
    await author.post.publish({ id: post.id });
    await deliveryRunner(b, { allowPrivate: true }).drain();

    const tries = receiver.at("/flaky");
    expect(tries).toHaveLength(3);
    for (const t of tries) expect(verified(secret, t).data.id).toBe(post.id);
    expect(new Set(tries.map((t) => t.headers["webhook-id"])).size).toBe(1);
    expect(new Set(tries.map((t) => t.body)).size).toBe(1);
    const log = await admin.webhook.deliveries({ id });
    expect(log.map((l) => [l.attempt, l.outcome, l.responseStatus])).toEqual([
      [3, "delivered", 204],
      [2, "retrying", 500],
      [1, "retrying", 500],
    ]);
    expect(log.every((l) => l.eventType === "post.published" && l.durationMs >= 0)).toBe(true);
    expect(log[1]!.error).toBe("It answered 500");
  });

  it("sends a logged message again under its first id, newly signed", async () => {
    const { id, secret } = await register("/again", ["post.published"]);
    const post = await author.post.create({ title: "Once more" });
    await author.post.publish({ id: post.id });
    const runner = deliveryRunner(b, { allowPrivate: true });
    await runner.drain();
    const [sent] = await admin.webhook.deliveries({ id });
    await admin.webhook.resend({ deliveryId: sent!.id });
    await runner.drain();
    const [one, two] = receiver.at("/again");
    expect(two!.headers["webhook-id"]).toBe(one!.headers["webhook-id"]);
    expect(two!.body).toBe(one!.body);
    expect(verified(secret, two!).data.id).toBe(post.id);
    expect((await admin.webhook.deliveries({ id })).map((l) => l.outcome)).toEqual(["delivered", "delivered"]);

    // Not to an endpoint that is turned off.
    await admin.webhook.setEnabled({ id, enabled: false });
    await expect(admin.webhook.resend({ deliveryId: sent!.id })).rejects.toThrow("The endpoint is turned off: turn it on to send again");
  });

  it("keeps an endpoint's attempts for 30 days", async () => {
    const { id } = await register("/kept", ["post.published"]);
    const old = { endpointId: id, eventType: "post.published", attempt: 1, outcome: "delivered", durationMs: 1, body: "{}" } as const;
    await b.db.db.insert(WebhookDelivery).values([
      { ...old, id: "31-days", messageId: "msg_old", createdAt: new Date(Date.now() - 31 * 24 * 3600_000) },
      { ...old, id: "29-days", messageId: "msg_recent", createdAt: new Date(Date.now() - 29 * 24 * 3600_000) },
    ]);
    const post = await author.post.create({ title: "Pruned" });
    await author.post.publish({ id: post.id });
    await deliveryRunner(b, { allowPrivate: true }).drain();
    expect((await admin.webhook.deliveries({ id })).map((l) => l.messageId).slice(1)).toEqual(["msg_recent"]);
  });

  it("does not follow a redirect, gives up at once on a 4xx, and stops waiting for a receiver that does not answer", async () => {
    const redirect = await register("/redirect", ["post.published"]);
    const gone = await register("/gone", ["post.published"]);
    const slow = await register("/slow", ["post.published"]);
    const endless = await register("/endless", ["post.published"]);
    const post = await author.post.create({ title: "Edge cases" });
    await author.post.publish({ id: post.id });
    const runner = deliveryRunner(b, { allowPrivate: true, timeoutMs: 300 });
    // One round: each endpoint's first attempt.
    for (let i = 0; i < 4; i++) await runner.runOnce();

    expect(receiver.at("/redirected")).toEqual([]);
    const [redirected] = await admin.webhook.deliveries({ id: redirect.id });
    expect(redirected).toMatchObject({ outcome: "failed", responseStatus: 302, attempt: 1 });
    expect(redirected!.error).toMatch(/redirects are not followed/);
    expect((await admin.webhook.deliveries({ id: gone.id }))[0]).toMatchObject({ outcome: "failed", responseStatus: 410 });
    const [timedOut] = await admin.webhook.deliveries({ id: slow.id });
    expect(timedOut).toMatchObject({ outcome: "retrying", responseStatus: null });
    expect(timedOut!.error).toMatch(/No answer within 0.3 s/);
    // An answer that never ends is read up to the cap, and its status counts.
    expect((await admin.webhook.deliveries({ id: endless.id }))[0]).toMatchObject({ outcome: "delivered", responseStatus: 200 });
    const failed = await b.db.db.select().from(Job).where(eq(Job.kind, WEBHOOK_JOB));
    expect(failed.filter((j) => j.status === "failed")).toHaveLength(2);
  });

  it("sends a scheduled post's message when it goes live, and not at all if it was unpublished before", async () => {
    const { secret } = await register("/scheduled", ["post.published", "post.unpublished"]);
    const post = await author.post.create({ title: "Later" });
    const at = new Date(Date.now() + 3_600_000);
    await author.post.publish({ id: post.id, at });
    const runner = deliveryRunner(b, { allowPrivate: true });
    await runner.drain();
    expect(receiver.at("/scheduled")).toEqual([]);
    const [due] = await b.db.db
      .select()
      .from(Job)
      .where(and(eq(Job.kind, WEBHOOK_JOB), eq(Job.status, "queued")));
    expect(due!.runAt.getTime()).toBe(at.getTime());

    await author.post.unpublish({ id: post.id });
    // As if the hour had passed.
    await b.db.db.update(Job).set({ runAt: new Date() }).where(eq(Job.id, due!.id));
    await runner.drain();
    expect(receiver.at("/scheduled").map((r) => verified(secret, r).type)).toEqual(["post.unpublished"]);
  });
});

describe("who listens, kept in memory", () => {
  it("costs no query per comment when no endpoint listens, and hears of an endpoint another process added", async () => {
    const event = { type: "comment.created", commentId: "c", postId: "p" } as const;
    expect(await eventJobs(b.db.db, event)).toEqual([]);
    b.queries.length = 0;
    expect(await eventJobs(b.db.db, event)).toEqual([]);
    expect(await eventJobs(b.db.db, event)).toEqual([]);
    expect(b.queries).toEqual([]);

    // Another process registers one: it writes the row and logs the purge.
    const invalidation = siteInvalidation(b.db, getStore());
    await invalidation.poll();
    await b.db.db.insert(WebhookEndpoint).values({
      id: "elsewhere",
      url: `${receiver.url}/x`,
      events: ["comment.created"],
      secret: "whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=",
    });
    expect(await eventJobs(b.db.db, event)).toEqual([]);
    await b.db.db.insert(CachePurge).values({ tags: ["webhooks"] });
    await invalidation.poll();
    const jobs = await eventJobs(b.db.db, event);
    expect(jobs.map((j) => [j.kind, (j.payload as { endpointId: string }).endpointId])).toEqual([[WEBHOOK_JOB, "elsewhere"]]);
  });
});
