// Webhooks: the addresses admins register to be told of site events, and a log of every
// attempt to tell them (what was sent, what came back), which is what "send again" resends.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { now } from "./columns.ts";

export const WebhookEndpoint = sqliteTable("webhook_endpoint", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  /** The admin's own words for it ("Zapier: new posts to Slack"). */
  description: text("description").notNull().default(""),
  /** The event types it is sent (src/server/events.ts EVENT_TYPES). */
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  /** The Standard Webhooks signing secret, `whsec_` and base64: shown to the admin once. */
  secret: text("secret").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
});

export const WEBHOOK_OUTCOMES = ["delivered", "retrying", "failed"] as const;

/** One attempt to deliver one message to one endpoint. */
export const WebhookDelivery = sqliteTable(
  "webhook_delivery",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => WebhookEndpoint.id, { onDelete: "cascade" }),
    /** The `webhook-id` header: the same on every attempt and on "send again", so receivers can drop repeats. */
    messageId: text("message_id").notNull(),
    eventType: text("event_type").notNull(),
    attempt: integer("attempt").notNull(),
    /** delivered (a 2xx), retrying (another attempt is queued) or failed (no more attempts). */
    outcome: text("outcome", { enum: WEBHOOK_OUTCOMES }).notNull(),
    /** The receiver's HTTP status; null when none came (refused address, timeout, connection error). */
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms").notNull(),
    /** Why it did not succeed, in words. */
    error: text("error"),
    /** The JSON body sent, exactly: what "send again" sends. */
    body: text("body").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("webhook_delivery_endpoint_idx").on(t.endpointId, t.createdAt)],
);

export type WebhookEndpointRow = typeof WebhookEndpoint.$inferSelect;
export type WebhookDeliveryRow = typeof WebhookDelivery.$inferSelect;
