// Webhooks as a consumer of site events: one delivery job per endpoint that listens for the
// event, written in the write's own batch. The endpoints are kept in memory per database
// until a purge of cacheTags.webhooks says they changed (here, or in another process through
// the purge log): a comment, the busiest write, costs no query when nobody listens.
import { randomBytes, randomUUID } from "node:crypto";
import type { Database } from "../../db/client.ts";
import type { NewJob } from "../jobs/queue.ts";
import type { EventConsumer, EventType, SiteEvent } from "./events.ts";
import { effectiveStatus } from "./queries/posts.ts";
import { listeningEndpoints } from "./queries/webhooks.ts";

export const WEBHOOK_JOB = "webhook.deliver";
/** Tries per delivery: the queue's backoff spreads them over about a minute (2 s, 4 s, 8 s…). */
export const WEBHOOK_ATTEMPTS = 6;

/** A delivery job's payload: the event as it happened, and (on "send again") the exact body sent before. */
export interface WebhookJobPayload {
  endpointId: string;
  /** The `webhook-id`: the same on every attempt, so a receiver can drop a repeat. */
  messageId: string;
  type: EventType;
  /** When the event happened, in ms (the body's `timestamp`). */
  at: number;
  /** What happened; null on "send again", which has the body. */
  event: SiteEvent | null;
  body?: string;
}

interface Listener {
  id: string;
  events: readonly string[];
}
const snapshots = new WeakMap<Database, { value?: Promise<Listener[]> }>();

/** The enabled endpoints of `db`, read once and kept until they change. */
function listeners(db: Database): Promise<Listener[]> {
  let s = snapshots.get(db);
  if (!s) snapshots.set(db, (s = {}));
  const snapshot = s;
  if (snapshot.value) return snapshot.value;
  const value = listeningEndpoints(db);
  snapshot.value = value;
  // A failed read is not remembered.
  value.catch(() => {
    if (snapshot.value === value) snapshot.value = undefined;
  });
  return value;
}

/** Forgets the endpoints read: the next event reads them again. */
export function webhooksChanged(db: Database): void {
  const s = snapshots.get(db);
  if (s) s.value = undefined;
}

/**
 * Events receivers are told of. An edit or a deletion of something readers never saw (a
 * draft) is nobody's business outside; everything else is.
 */
function worthTelling(event: SiteEvent): boolean {
  if (event.type === "post.updated" || event.type === "post.deleted") return effectiveStatus(event.post) === "published";
  return true;
}

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The delivery job for one endpoint: `runAt` a scheduled post's time, so it goes out when the post does. */
export function deliveryJob(endpointId: string, event: SiteEvent, at = Date.now(), messageId = `msg_${randomUUID()}`): NewJob {
  const due = "post" in event && event.type === "post.published" ? event.post.publishedAt : null;
  const payload: WebhookJobPayload = { endpointId, messageId, type: event.type, at, event };
  return {
    kind: WEBHOOK_JOB,
    payload,
    maxAttempts: WEBHOOK_ATTEMPTS,
    ...(due && due.getTime() > at ? { runAt: due } : {}),
  };
}

/** "Send again": the logged body exactly, under its first webhook-id, signed anew when it goes. */
export function resendJob(sent: { endpointId: string; messageId: string; eventType: string; body: string }): NewJob {
  const { timestamp } = JSON.parse(sent.body) as { timestamp: string };
  const payload: WebhookJobPayload = {
    endpointId: sent.endpointId,
    messageId: sent.messageId,
    type: sent.eventType as EventType,
    at: Date.parse(timestamp),
    event: null,
    body: sent.body,
  };
  return { kind: WEBHOOK_JOB, payload, maxAttempts: WEBHOOK_ATTEMPTS };
}

export const webhookConsumer: EventConsumer = async (db, event) => {
  const endpoints = await listeners(db);
  if (endpoints.length === 0 || !worthTelling(event)) return [];
  const at = Date.now();
  return endpoints.filter((e) => e.events.includes(event.type)).map((e) => deliveryJob(e.id, event, at));
};
