// The events an endpoint may choose, in the words the admin pages use.
import type { EventType } from "../server/events.ts";

export const WEBHOOK_EVENTS = {
  "post.published": "A post is published (or its scheduled time comes)",
  "post.updated": "A published post is edited",
  "post.unpublished": "A post or page is unpublished",
  "post.deleted": "A published post or page is deleted",
  "page.published": "A page is published",
  "comment.created": "A comment appears",
  "subscriber.confirmed": "A newsletter subscriber confirms",
} as const satisfies Record<EventType, string>;

export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEvent[];
