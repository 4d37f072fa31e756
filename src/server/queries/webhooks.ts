// Webhook endpoints and their delivery log in SQL. Functions take the database and return
// rows, or null/false for none; the router checks who may and turns those into NOT_FOUND.
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import type { Database, Db } from "../../../db/client.ts";
import {
  Comment,
  Post,
  user,
  WebhookDelivery,
  WebhookEndpoint,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "../../../db/schema.ts";
import { toPublic } from "./comments.ts";
import { authorColumns } from "./posts.ts";
import { tagsOfPost } from "./tags.ts";

/** What an admin sees of an endpoint: everything but its secret, which is shown once. */
const publicColumns = {
  id: WebhookEndpoint.id,
  url: WebhookEndpoint.url,
  description: WebhookEndpoint.description,
  events: WebhookEndpoint.events,
  enabled: WebhookEndpoint.enabled,
  createdAt: WebhookEndpoint.createdAt,
  updatedAt: WebhookEndpoint.updatedAt,
};

/** Every endpoint, oldest first, with its last attempt's outcome. */
export async function endpointList(db: Database) {
  const last = db
    .select({ outcome: WebhookDelivery.outcome })
    .from(WebhookDelivery)
    .where(eq(WebhookDelivery.endpointId, WebhookEndpoint.id))
    .orderBy(desc(WebhookDelivery.createdAt))
    .limit(1);
  return db
    .select({ ...publicColumns, lastOutcome: sql<string | null>`(${last})` })
    .from(WebhookEndpoint)
    .orderBy(WebhookEndpoint.createdAt, WebhookEndpoint.id);
}

/** The enabled endpoints and their events: what every process keeps in memory. */
export async function listeningEndpoints(db: Database) {
  return await db
    .select({ id: WebhookEndpoint.id, events: WebhookEndpoint.events })
    .from(WebhookEndpoint)
    .where(eq(WebhookEndpoint.enabled, true));
}

export async function endpointById(db: Database, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db.select().from(WebhookEndpoint).where(eq(WebhookEndpoint.id, id)).limit(1);
  return row ?? null;
}

export interface EndpointFields {
  url: string;
  description: string;
  events: string[];
}

export async function createEndpoint(write: Db["write"], fields: EndpointFields & { secret: string }): Promise<string> {
  const id = randomUUID();
  await write((db) => db.insert(WebhookEndpoint).values({ id, ...fields }));
  return id;
}

/** Changes an endpoint; false when there is none with that id. */
export async function updateEndpoint(
  write: Db["write"],
  id: string,
  set: Partial<EndpointFields & { enabled: boolean; secret: string }>,
): Promise<boolean> {
  const rows = await write((db) =>
    db
      .update(WebhookEndpoint)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(WebhookEndpoint.id, id))
      .returning({ id: WebhookEndpoint.id }),
  );
  return rows.length > 0;
}

/** Deletes an endpoint and its log; false when there is none with that id. */
export async function deleteEndpoint(write: Db["write"], id: string): Promise<boolean> {
  const rows = await write((db) => db.delete(WebhookEndpoint).where(eq(WebhookEndpoint.id, id)).returning({ id: WebhookEndpoint.id }));
  return rows.length > 0;
}

/** How long the log keeps an attempt: long enough to look into a problem, short enough not to grow for ever. */
export const LOG_KEPT_MS = 30 * 24 * 3600_000;

/** Logs an attempt, and lets the endpoint's attempts older than LOG_KEPT_MS go in the same write. */
export async function recordAttempt(write: Db["write"], attempt: Omit<WebhookDeliveryRow, "id" | "createdAt">): Promise<void> {
  await write((db) =>
    db.batch([
      db.insert(WebhookDelivery).values({ id: randomUUID(), ...attempt }),
      db
        .delete(WebhookDelivery)
        .where(and(eq(WebhookDelivery.endpointId, attempt.endpointId), lt(WebhookDelivery.createdAt, new Date(Date.now() - LOG_KEPT_MS)))),
    ]),
  );
}

export const LOG_PAGE = 50;

/** An endpoint's attempts, newest first, a page at a time (before: the last one's time). */
export function deliveryLog(db: Database, endpointId: string, before?: Date) {
  return db
    .select({
      id: WebhookDelivery.id,
      messageId: WebhookDelivery.messageId,
      eventType: WebhookDelivery.eventType,
      attempt: WebhookDelivery.attempt,
      outcome: WebhookDelivery.outcome,
      responseStatus: WebhookDelivery.responseStatus,
      durationMs: WebhookDelivery.durationMs,
      error: WebhookDelivery.error,
      createdAt: WebhookDelivery.createdAt,
    })
    .from(WebhookDelivery)
    .where(and(eq(WebhookDelivery.endpointId, endpointId), before ? lt(WebhookDelivery.createdAt, before) : undefined))
    .orderBy(desc(WebhookDelivery.createdAt), desc(WebhookDelivery.attempt))
    .limit(LOG_PAGE);
}

export async function deliveryById(db: Database, id: string): Promise<WebhookDeliveryRow | null> {
  const [row] = await db.select().from(WebhookDelivery).where(eq(WebhookDelivery.id, id)).limit(1);
  return row ?? null;
}

/** A post or page with its author's public face and its tags, whatever its state (the caller checks), or null. */
export async function postForWebhook(db: Database, id: string) {
  const [row] = await db
    .select({ post: Post, author: authorColumns })
    .from(Post)
    .innerJoin(user, eq(user.id, Post.authorId))
    .where(eq(Post.id, id))
    .limit(1);
  if (!row) return null;
  return { ...row, tags: await tagsOfPost(db, id) };
}

/** A comment as readers get it (a held or removed one without text or author), with its post; or null. */
export async function commentForWebhook(db: Database, id: string) {
  const [row] = await db
    .select({ comment: Comment, author: authorColumns, post: { id: Post.id, kind: Post.kind, slug: Post.slug, title: Post.title } })
    .from(Comment)
    .innerJoin(user, eq(user.id, Comment.authorId))
    .innerJoin(Post, eq(Post.id, Comment.postId))
    .where(eq(Comment.id, id))
    .limit(1);
  if (!row) return null;
  return { comment: toPublic(row.comment, row.author), visible: row.comment.status === "visible", post: row.post };
}
