// Subscribers in SQL: asking to subscribe (which only ever mails a confirmation), confirming,
// unsubscribing, and the admins' list. The router and the HTTP handlers decide who may call
// what; nothing here says whether an address was already known to anyone but an admin.
import { randomBytes, randomUUID } from "node:crypto";
import { and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database, Db } from "../../../db/client.ts";
import { Delivery, Subscriber, SubscriberTag, Tag, type SubscriberStatus } from "../../../db/schema.ts";
import { jobInserts, type NewJob } from "../../jobs/queue.ts";

export const CONFIRM_MAIL_JOB = "newsletter.confirm";
/** However often an address is submitted, its confirmation mail goes out at most this often. */
export const CONFIRM_MAIL_EVERY_MS = 60 * 60 * 1000;

/** What a subscriber gets: every post, or those with one of these tags (by slug). */
export type Choice = { all: true } | { all: false; tags: string[] };

export interface ConfirmMailPayload {
  email: string;
  choice: Choice;
}

const newToken = () => randomBytes(24).toString("base64url");
export const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * Asks for `email` to get `choice`: makes the subscriber (pending) if it is new, and queues a
 * confirmation mail unless one went out within the hour. The choice rides in the signed link,
 * so a stranger's submission changes nothing until the address's owner follows it.
 */
export async function requestSubscription(write: Db["write"], input: { email: string; choice: Choice; userId?: string | null }) {
  const email = normalEmail(input.email);
  const now = Date.now();
  const job: NewJob = { kind: CONFIRM_MAIL_JOB, payload: { email, choice: input.choice } satisfies ConfirmMailPayload, maxAttempts: 5 };
  await write((db) =>
    db.batch([
      db
        .insert(Subscriber)
        .values({
          id: randomUUID(),
          email,
          unsubscribeToken: newToken(),
          userId: input.userId ?? null,
          source: input.userId ? "account" : "form",
        })
        .onConflictDoNothing(),
      db
        .update(Subscriber)
        .set({ confirmationSentAt: new Date(now) })
        .where(
          and(
            eq(Subscriber.email, email),
            sql`(${Subscriber.confirmationSentAt} is null or ${Subscriber.confirmationSentAt} <= ${now - CONFIRM_MAIL_EVERY_MS})`,
          ),
        ),
      // Only when this request won the hour's slot (the update above wrote exactly `now`).
      ...jobInserts(db, [job], sql`exists (select 1 from ${Subscriber} where email = ${email} and confirmation_sent_at = ${now})`),
    ]),
  );
}

export async function subscriberByEmail(db: Database, email: string) {
  const [row] = await db
    .select()
    .from(Subscriber)
    .where(eq(Subscriber.email, normalEmail(email)))
    .limit(1);
  return row ?? null;
}

/** The tag ids of these slugs that exist; unknown slugs are dropped. */
async function tagIds(db: Database, slugs: string[]): Promise<string[]> {
  if (slugs.length === 0) return [];
  const rows = await db.select({ id: Tag.id }).from(Tag).where(inArray(Tag.slug, slugs));
  return rows.map((r) => r.id);
}

/**
 * Makes `email` a confirmed subscriber of `choice` (creating it when an account subscribes
 * itself), with the jobs `eventJobs` wants for it in the same batch. Answers the subscriber's
 * id, and whether it became confirmed just now (false when it already was).
 */
export async function confirmSubscription(
  dbs: { db: Database; write: Db["write"] },
  input: { email: string; choice: Choice; userId?: string | null },
  jobsFor: (subscriberId: string) => Promise<NewJob[]>,
) {
  const email = normalEmail(input.email);
  const existing = await subscriberByEmail(dbs.db, email);
  const id = existing?.id ?? randomUUID();
  const ids = input.choice.all ? [] : await tagIds(dbs.db, input.choice.tags);
  const becomes = existing?.status !== "confirmed";
  const jobs = becomes ? await jobsFor(id) : [];
  await dbs.write((db) =>
    db.batch([
      db
        .insert(Subscriber)
        .values({ id, email, unsubscribeToken: newToken(), userId: input.userId ?? null, source: input.userId ? "account" : "form" })
        .onConflictDoNothing(),
      db
        .update(Subscriber)
        .set({
          status: "confirmed",
          allPosts: input.choice.all,
          confirmedAt: existing?.status === "confirmed" ? existing.confirmedAt : new Date(),
          error: null,
          ...(input.userId ? { userId: input.userId } : {}),
        })
        .where(eq(Subscriber.id, id)),
      db.delete(SubscriberTag).where(eq(SubscriberTag.subscriberId, id)),
      ...(ids.length ? [db.insert(SubscriberTag).values(ids.map((tagId) => ({ subscriberId: id, tagId })))] : []),
      ...jobInserts(db, jobs),
    ]),
  );
  return { id, confirmedNow: becomes };
}

/** Stops everything to `where`'s subscribers: their status, and the mails still waiting for them. */
function leave(db: Database, where: SQL, status: Extract<SubscriberStatus, "unsubscribed" | "bouncing">, error?: string) {
  return [
    db
      .update(Delivery)
      .set({ status: "stopped", leaseOwner: null, leaseUntil: null })
      .where(
        and(eq(Delivery.status, "queued"), inArray(Delivery.subscriberId, db.select({ id: Subscriber.id }).from(Subscriber).where(where))),
      ),
    db
      .update(Subscriber)
      .set({ status, ...(error ? { error } : {}) })
      .where(where),
  ] as const;
}

/** The one-click unsubscribe: true when the token belongs to someone (who is now unsubscribed). */
export async function unsubscribeByToken(write: Db["write"], token: string): Promise<boolean> {
  const rows = await write((db) => db.batch([...leave(db, eq(Subscriber.unsubscribeToken, token), "unsubscribed")]));
  return rows[1].rowsAffected > 0;
}

export async function unsubscribeEmail(write: Db["write"], email: string) {
  await write((db) => db.batch([...leave(db, eq(Subscriber.email, normalEmail(email)), "unsubscribed")]));
}

/** The SMTP server refused the address for good: no more mail to it. */
export function markBouncing(db: Database, subscriberId: string, error: string) {
  return leave(db, eq(Subscriber.id, subscriberId), "bouncing", error);
}

export async function subscriberByToken(db: Database, token: string) {
  const [row] = await db
    .select({ id: Subscriber.id, status: Subscriber.status })
    .from(Subscriber)
    .where(eq(Subscriber.unsubscribeToken, token))
    .limit(1);
  return row ?? null;
}

/** A subscriber's tag slugs. */
export async function subscribedTags(db: Database, subscriberId: string): Promise<string[]> {
  const rows = await db
    .select({ slug: Tag.slug })
    .from(SubscriberTag)
    .innerJoin(Tag, eq(Tag.id, SubscriberTag.tagId))
    .where(eq(SubscriberTag.subscriberId, subscriberId))
    .orderBy(asc(Tag.slug));
  return rows.map((r) => r.slug);
}

export interface SubscriberFilter {
  search?: string;
  status?: SubscriberStatus;
}

function filtered({ search, status }: SubscriberFilter): SQL | undefined {
  const terms: SQL[] = [];
  if (status) terms.push(eq(Subscriber.status, status));
  if (search) terms.push(sql`${Subscriber.email} like ${`%${search.toLowerCase().replace(/[%_\\]/g, "\\$&")}%`} escape '\\'`);
  return terms.length ? and(...terms) : undefined;
}

/** The admins' page: a page of subscribers, newest first, and the counts by status. */
export async function subscriberPage(db: Database, filter: SubscriberFilter, page: { offset: number; limit: number }) {
  const where = filtered(filter);
  const rows = await db
    .select({
      id: Subscriber.id,
      email: Subscriber.email,
      status: Subscriber.status,
      allPosts: Subscriber.allPosts,
      source: Subscriber.source,
      error: Subscriber.error,
      createdAt: Subscriber.createdAt,
      confirmedAt: Subscriber.confirmedAt,
      tags: sql<string>`coalesce((select group_concat(t.slug, ' ') from ${SubscriberTag} st join ${Tag} t on t.id = st.tag_id
        where st.subscriber_id = ${Subscriber.id}), '')`,
    })
    .from(Subscriber)
    .where(where)
    .orderBy(sql`${Subscriber.createdAt} desc`, Subscriber.id)
    .limit(page.limit)
    .offset(page.offset);
  const [matching] = await db.select({ n: count() }).from(Subscriber).where(where);
  const byStatus = await db.select({ status: Subscriber.status, n: count() }).from(Subscriber).groupBy(Subscriber.status);
  return {
    rows: rows.map((r) => ({ ...r, tags: r.tags ? r.tags.split(" ") : [] })),
    matching: matching?.n ?? 0,
    counts: Object.fromEntries(byStatus.map((r) => [r.status, r.n])) as Partial<Record<SubscriberStatus, number>>,
  };
}

export async function removeSubscriber(write: Db["write"], id: string): Promise<boolean> {
  const result = await write((db) => db.delete(Subscriber).where(eq(Subscriber.id, id)));
  return result.rowsAffected > 0;
}

/** Everyone, for the CSV export. */
export async function allSubscribers(db: Database) {
  const page = await subscriberPage(db, {}, { offset: 0, limit: -1 });
  return page.rows;
}

/**
 * Adds addresses an admin vouches gave their consent elsewhere: confirmed at once. An address
 * already here keeps what it has (an unsubscribed one stays unsubscribed). Answers how many were new.
 */
export async function importSubscribers(write: Db["write"], emails: string[]): Promise<number> {
  const unique = [...new Set(emails.map(normalEmail))];
  let added = 0;
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const result = await write((db) =>
      db
        .insert(Subscriber)
        .values(
          chunk.map((email) => ({
            id: randomUUID(),
            email,
            unsubscribeToken: newToken(),
            status: "confirmed" as const,
            confirmedAt: new Date(),
            source: "import" as const,
          })),
        )
        .onConflictDoNothing(),
    );
    added += result.rowsAffected;
  }
  return added;
}
