// What happened to the site, told by the procedure whose write made it happen. Each consumer
// (newsletters, webhooks) turns an event into jobs; the procedure hands those jobs to its
// query, which writes them (jobInserts) in the same db.batch as the change itself, guarded so that they
// exist only if the change did. A crash can therefore never keep a publish and lose its
// newsletter, nor queue a webhook for an edit that lost its race.
import type { Database } from "../../db/client.ts";
import type { PostRow } from "../../db/schema.ts";
import type { NewJob } from "../jobs/queue.ts";
import { webhookConsumer } from "./webhooks.ts";
import { newsletterJobs } from "./newsletter.ts";

export const EVENT_TYPES = [
  "post.published",
  "post.updated",
  "post.unpublished",
  "post.deleted",
  "page.published",
  "comment.created",
  "subscriber.confirmed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A post or page as the change leaves it (a deleted one: as it was). */
export type PostState = Pick<PostRow, "id" | "kind" | "slug" | "title" | "authorId" | "status" | "publishedAt" | "version">;

export type SiteEvent =
  | {
      type: "post.published" | "page.published";
      post: PostState;
      /** The author's "email this post" (default: a post yes, a page no). */ email?: boolean;
    }
  | { type: "post.updated" | "post.unpublished" | "post.deleted"; post: PostState }
  | { type: "comment.created"; commentId: string; postId: string }
  | { type: "subscriber.confirmed"; subscriberId: string };

/** Reads what it needs (who listens for this event?) and answers the jobs to enqueue. */
export type EventConsumer = (db: Database, event: SiteEvent) => Promise<NewJob[]>;

/** Everyone who acts on events; each consumer module adds itself here. */
const consumers: EventConsumer[] = [webhookConsumer, newsletterJobs];

/** The jobs all consumers want for these events: computed before the write, written with it. */
export async function eventJobs(db: Database, ...events: SiteEvent[]): Promise<NewJob[]> {
  const jobs: NewJob[] = [];
  for (const event of events) for (const consumer of consumers) jobs.push(...(await consumer(db, event)));
  return jobs;
}
