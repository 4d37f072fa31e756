// A newsletter's deliveries in SQL: one row per (post, subscriber), made once by the fan-out,
// claimed in batches under a lease by whichever server process asks first, and settled in
// one batch per claim. The progress the author watches is a count of these rows by status.
import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { Database, Db } from "../../../db/client.ts";
import { Delivery, Newsletter, Post, Subscriber, SubscriberTag, PostTag, type DeliveryStatus } from "../../../db/schema.ts";
import { markBouncing } from "./subscribers.ts";

/** Whether the post is public now: published, or scheduled and its time has come. */
const postIsPublic = (now: number) =>
  sql`(${Post.status} = 'published' or (${Post.status} = 'scheduled' and ${Post.publishedAt} <= ${now}))`;

/**
 * Makes the post's deliveries: one for every confirmed subscriber whose choice covers it, the
 * first time only. A second run (a retried job, a publish after an unpublish) makes no new
 * ones; it lets the stopped ones go on. Answers how many are waiting.
 */
export async function fanOut(write: Db["write"], postId: string): Promise<number> {
  const now = Date.now();
  const [, , , waiting] = await write((db) =>
    db.batch([
      db.run(sql`insert into ${Delivery} (post_id, subscriber_id, status, run_at)
        select ${postId}, s.id, 'queued', ${now} from ${Subscriber} s
        where s.status = 'confirmed' and not exists (select 1 from ${Newsletter} where post_id = ${postId})
          and (s.all_posts = 1 or exists (select 1 from ${SubscriberTag} st join ${PostTag} pt on pt.tag_id = st.tag_id
            where st.subscriber_id = s.id and pt.post_id = ${postId}))
        on conflict do nothing`),
      db
        .insert(Newsletter)
        .values({ postId })
        .onConflictDoUpdate({ target: Newsletter.postId, set: { status: "sending" } }),
      db
        .update(Delivery)
        .set({ status: "queued", runAt: new Date(now) })
        .where(
          and(
            eq(Delivery.postId, postId),
            eq(Delivery.status, "stopped"),
            inArray(Delivery.subscriberId, db.select({ id: Subscriber.id }).from(Subscriber).where(eq(Subscriber.status, "confirmed"))),
          ),
        ),
      db
        .select({ n: count() })
        .from(Delivery)
        .where(and(eq(Delivery.postId, postId), eq(Delivery.status, "queued"))),
    ]),
  );
  return waiting[0]?.n ?? 0;
}

/** The post was unpublished or deleted: what has not gone out yet stays in. */
export async function stopNewsletter(write: Db["write"], postId: string) {
  await write((db) =>
    db.batch([
      db.update(Newsletter).set({ status: "stopped" }).where(eq(Newsletter.postId, postId)),
      db
        .update(Delivery)
        .set({ status: "stopped", leaseOwner: null, leaseUntil: null })
        .where(and(eq(Delivery.postId, postId), eq(Delivery.status, "queued"))),
    ]),
  );
}

export interface Claimed {
  id: number;
  postId: string;
  subscriberId: string;
  attempts: number;
  email: string;
  unsubscribeToken: string;
}

/** The deliveries a sender may take at `now`: due, not held by a live lease, to a confirmed address, of a public post. */
const dueDeliveries = (now: number) => sql`
  from ${Delivery} d
    join ${Post} on ${Post.id} = d.post_id
    join ${Subscriber} s on s.id = d.subscriber_id
  where d.status in ('queued', 'sending') and d.run_at <= ${now}
    and (d.status = 'queued' or d.lease_until < ${now})
    and s.status = 'confirmed' and ${postIsPublic(now)}`;

/** Whether a sender has anything to take: a read, so that idle senders write nothing. */
export async function hasDueDeliveries(db: Database, now = Date.now()): Promise<boolean> {
  const rows = await db.all(sql`select 1 ${dueDeliveries(now)} limit 1`);
  return rows.length > 0;
}

/**
 * Leases up to `limit` due deliveries to `owner`: waiting ones whose time has come, and ones
 * whose holder's lease ran out (it died mid-send). Only to confirmed subscribers of public
 * posts: an unpublish or an unsubscribe stops the rest at the next claim.
 */
export async function claimDeliveries(write: Db["write"], owner: string, limit: number, leaseMs: number): Promise<Claimed[]> {
  const now = Date.now();
  return write(async (db) => {
    const rows = await db.all<{ id: number; post_id: string; subscriber_id: string; attempts: number }>(sql`
      update ${Delivery} set status = 'sending', attempts = attempts + 1, lease_owner = ${owner}, lease_until = ${now + leaseMs}
      where id in (select d.id ${dueDeliveries(now)} order by d.run_at limit ${limit})
      returning id, post_id, subscriber_id, attempts`);
    if (rows.length === 0) return [];
    const people = await db
      .select({ id: Subscriber.id, email: Subscriber.email, token: Subscriber.unsubscribeToken })
      .from(Subscriber)
      .where(inArray(Subscriber.id, [...new Set(rows.map((r) => r.subscriber_id))]));
    const byId = new Map(people.map((p) => [p.id, p]));
    return rows.map((r) => ({
      id: r.id,
      postId: r.post_id,
      subscriberId: r.subscriber_id,
      attempts: r.attempts,
      email: byId.get(r.subscriber_id)!.email,
      unsubscribeToken: byId.get(r.subscriber_id)!.token,
    }));
  });
}

export type Outcome =
  | { id: number; subscriberId: string; kind: "sent" }
  | { id: number; subscriberId: string; kind: "retry"; at: Date; error: string }
  | { id: number; subscriberId: string; kind: "failed"; error: string }
  | { id: number; subscriberId: string; kind: "bounced"; error: string };

/** Writes what became of a claim, in one batch; a row whose lease another took over is left to it. */
export async function settleDeliveries(write: Db["write"], owner: string, outcomes: Outcome[]) {
  if (outcomes.length === 0) return;
  const mine = (id: number) => and(eq(Delivery.id, id), eq(Delivery.leaseOwner, owner), eq(Delivery.status, "sending"));
  const released = { leaseOwner: null, leaseUntil: null };
  const sent = outcomes.filter((o) => o.kind === "sent").map((o) => o.id);
  await write(async (db) => {
    const statements = [
      ...(sent.length
        ? [
            db
              .update(Delivery)
              .set({ status: "sent", sentAt: new Date(), error: null, ...released })
              .where(and(inArray(Delivery.id, sent), eq(Delivery.leaseOwner, owner), eq(Delivery.status, "sending"))),
          ]
        : []),
      ...outcomes.flatMap((o) => {
        if (o.kind === "sent") return [];
        if (o.kind === "retry")
          return [
            db
              .update(Delivery)
              .set({ status: "queued", runAt: o.at, error: o.error, ...released })
              .where(mine(o.id)),
          ];
        const status: DeliveryStatus = o.kind;
        const row = db
          .update(Delivery)
          .set({ status, error: o.error, ...released })
          .where(mine(o.id));
        return o.kind === "bounced" ? [row, ...markBouncing(db, o.subscriberId, o.error)] : [row];
      }),
    ];
    const [first, ...rest] = statements;
    if (first) await db.batch([first, ...rest]);
  });
}

/** Keeps the lease on what `owner` is still sending. */
export async function renewDeliveries(write: Db["write"], owner: string, leaseMs: number) {
  await write((db) =>
    db
      .update(Delivery)
      .set({ leaseUntil: new Date(Date.now() + leaseMs) })
      .where(and(eq(Delivery.leaseOwner, owner), eq(Delivery.status, "sending"))),
  );
}

/** Hands back what this process holds (it is stopping), so another need not wait out the lease. */
export async function releaseDeliveries(write: Db["write"], owner: string, ids: number[]) {
  if (ids.length === 0) return;
  await write((db) =>
    db
      .update(Delivery)
      .set({ status: "queued", leaseOwner: null, leaseUntil: null, attempts: sql`${Delivery.attempts} - 1` })
      .where(and(inArray(Delivery.id, ids), eq(Delivery.leaseOwner, owner), eq(Delivery.status, "sending"))),
  );
}

export type Progress = Record<"queued" | "sent" | "failed" | "bounced" | "stopped", number> & { total: number };

/** A post's newsletter in counts (sending counts as queued: it has not gone out yet), or null if it was never sent. */
export async function newsletterProgress(db: Database, postId: string): Promise<(Progress & { status: "sending" | "stopped" }) | null> {
  const [letter] = await db.select().from(Newsletter).where(eq(Newsletter.postId, postId)).limit(1);
  if (!letter) return null;
  const rows = await db
    .select({ status: Delivery.status, n: count() })
    .from(Delivery)
    .where(eq(Delivery.postId, postId))
    .groupBy(Delivery.status);
  const progress: Progress = { queued: 0, sent: 0, failed: 0, bounced: 0, stopped: 0, total: 0 };
  for (const { status, n } of rows) {
    progress[status === "sending" ? "queued" : status] += n;
    progress.total += n;
  }
  return { ...progress, status: letter.status };
}

/** Puts the failed deliveries back in the queue; answers how many. */
export async function retryFailed(write: Db["write"], postId: string): Promise<number> {
  const result = await write((db) =>
    db
      .update(Delivery)
      .set({ status: "queued", attempts: 0, runAt: new Date(), error: null })
      .where(
        and(
          eq(Delivery.postId, postId),
          eq(Delivery.status, "failed"),
          inArray(Delivery.subscriberId, db.select({ id: Subscriber.id }).from(Subscriber).where(eq(Subscriber.status, "confirmed"))),
        ),
      ),
  );
  return result.rowsAffected;
}
