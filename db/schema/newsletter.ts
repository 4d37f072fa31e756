// Newsletters (src/newsletter/): who subscribed to what, and one delivery row per (post,
// subscriber) that any server process may claim under a lease.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { user } from "../auth-schema.ts";
import { now } from "./columns.ts";
import { Post, Tag } from "./content.ts";

import { SUBSCRIBER_STATUSES } from "../../src/lib/newsletter.ts";

export { SUBSCRIBER_STATUSES, type SubscriberStatus } from "../../src/lib/newsletter.ts";

export const Subscriber = sqliteTable(
  "subscriber",
  {
    id: text("id").primaryKey(),
    /** Lower case, so one address is one subscriber however it was typed. */
    email: text("email").notNull().unique(),
    status: text("status", { enum: SUBSCRIBER_STATUSES }).notNull().default("pending"),
    /** The whole site; otherwise only posts with one of their subscriber_tag tags. */
    allPosts: integer("all_posts", { mode: "boolean" }).notNull().default(true),
    /** In every mail's unsubscribe link: random, never expires, unique to the address. */
    unsubscribeToken: text("unsubscribe_token").notNull().unique(),
    /** The account it belongs to, when a signed-in person subscribed. */
    userId: text("user_id").references(() => user.id, { onDelete: "set null" }),
    /** When the last confirmation mail went out: one an hour at most, whatever is submitted. */
    confirmationSentAt: integer("confirmation_sent_at", { mode: "timestamp_ms" }),
    confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
    /** How it came in: the form, an account page, or an admin's import (who vouched for consent). */
    source: text("source", { enum: ["form", "account", "import"] })
      .notNull()
      .default("form"),
    error: text("error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("subscriber_status_idx").on(t.status), index("subscriber_user_idx").on(t.userId)],
);

export const SubscriberTag = sqliteTable(
  "subscriber_tag",
  {
    subscriberId: text("subscriber_id")
      .notNull()
      .references(() => Subscriber.id, { onDelete: "cascade" }),
    tagId: text("tag_id")
      .notNull()
      .references(() => Tag.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.tagId] }), index("subscriber_tag_tag_idx").on(t.tagId)],
);

/** A post's newsletter: made once, by the first fan-out, so that no later publish sends it again. */
export const Newsletter = sqliteTable("newsletter", {
  postId: text("post_id")
    .primaryKey()
    .references(() => Post.id, { onDelete: "cascade" }),
  /** sending while deliveries remain; stopped when the post was unpublished mid-send. */
  status: text("status", { enum: ["sending", "stopped"] })
    .notNull()
    .default("sending"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/**
 * queued (due at run_at), sending (leased until lease_until), sent, failed (a temporary
 * failure that ran out of attempts), bounced (refused for good), stopped (unpublished first).
 */
export const DELIVERY_STATUSES = ["queued", "sending", "sent", "failed", "bounced", "stopped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const Delivery = sqliteTable(
  "newsletter_delivery",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    postId: text("post_id")
      .notNull()
      .references(() => Post.id, { onDelete: "cascade" }),
    subscriberId: text("subscriber_id")
      .notNull()
      .references(() => Subscriber.id, { onDelete: "cascade" }),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    runAt: integer("run_at", { mode: "timestamp_ms" }).notNull().default(now),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    /** The SMTP server's last answer when it was not a yes. */
    error: text("error"),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("delivery_post_subscriber_idx").on(t.postId, t.subscriberId),
    index("delivery_post_status_idx").on(t.postId, t.status),
    // The claim reads only what is waiting or leased: the sent thousands stay out of its way.
    index("delivery_due_idx")
      .on(t.runAt)
      .where(sql`status in ('queued', 'sending')`),
    // A sender renews and hands back what it holds by its name.
    index("delivery_lease_idx")
      .on(t.leaseOwner)
      .where(sql`status = 'sending'`),
  ],
);

export type SubscriberRow = typeof Subscriber.$inferSelect;
export type DeliveryRow = typeof Delivery.$inferSelect;
