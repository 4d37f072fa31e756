// What the newsletter's tables and its islands both name (plain values: islands must not
// load the database schema).

/**
 * pending until the confirmation link is followed; only confirmed ones get posts. bouncing:
 * the SMTP server refused the address for good, so it is skipped from then on.
 */
export const SUBSCRIBER_STATUSES = ["pending", "confirmed", "unsubscribed", "bouncing"] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
