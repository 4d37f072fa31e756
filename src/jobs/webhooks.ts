// The webhook delivery job: builds the message once (the public view of what the event is
// about, frozen in the job's progress so every retry sends the same bytes), signs it the
// Standard Webhooks way, POSTs it, and logs the attempt. 2xx is delivered; 408, 429, 5xx,
// timeouts and connection errors are retried by the queue with its backoff; a redirect (not
// followed), any other 4xx, and an address that is not public (the endpoint's DNS changed, or
// the site stopped allowing private ones) fail at once: a retry would get the same answer.
import { Webhook } from "standardwebhooks";
import type { Db } from "../../db/client.ts";
import { postWebhook, WEBHOOK_LIMITS, type WebhookLimits } from "../http/webhook-request.ts";
import { RemoteRefused } from "../http/public-address.ts";
import type { PostState } from "../server/events.ts";
import { effectiveStatus } from "../server/queries/posts.ts";
import { commentForWebhook, endpointById, postForWebhook, recordAttempt } from "../server/queries/webhooks.ts";
import { WEBHOOK_ATTEMPTS, type WebhookJobPayload } from "../server/webhooks.ts";
import { JobRefused, type JobHandler } from "./queue.ts";

export interface WebhookJobDeps {
  db: Db;
  /** Where the site is: the links in each message. */
  siteUrl: string;
  limits: WebhookLimits;
}

/** Why nothing was sent: the thing the event is about is no longer what it said. */
interface Skipped {
  skipped: string;
}

const path = (p: { kind: string; slug: string }) => (p.kind === "page" ? `/${p.slug}` : `/posts/${p.slug}`);
/** A post that left the public site: what receivers knew of it, and no more. */
const gone = (p: PostState) => ({ id: p.id, kind: p.kind, slug: p.slug, title: p.title, status: p.status });

/** The `data` of the message, or why there is none to send. */
async function eventData(deps: WebhookJobDeps, p: WebhookJobPayload): Promise<unknown> {
  const { event } = p;
  if (!event) throw new JobRefused("The message has neither an event nor a body");
  if (event.type === "subscriber.confirmed") return { id: event.subscriberId };
  if (event.type === "comment.created") {
    const found = await commentForWebhook(deps.db.db, event.commentId);
    if (!found?.visible) return { skipped: "The comment is not visible to readers" } satisfies Skipped;
    const { removed: _, ...comment } = found.comment;
    return { ...comment, post: { ...found.post, url: deps.siteUrl + path(found.post) } };
  }
  if (event.type === "post.unpublished" || event.type === "post.deleted") return gone(event.post);
  const found = await postForWebhook(deps.db.db, event.post.id);
  const post = found && effectiveStatus(found.post) === "published" ? found.post : null;
  if (event.post.status === "scheduled") {
    // Its message waited for the time it was due: unpublished or moved since, and the
    // change has its own message.
    const at = (d: Date | string | null) => (d ? new Date(d).getTime() : null);
    if (!post || at(post.publishedAt) !== at(event.post.publishedAt)) {
      return { skipped: "It is no longer scheduled for the time the event said" } satisfies Skipped;
    }
  }
  // Gone from the public site since (its own message follows): no more than receivers knew.
  if (!post || !found) return gone(event.post);
  return {
    id: post.id,
    kind: post.kind,
    slug: post.slug,
    title: post.title,
    url: deps.siteUrl + path(post),
    excerpt: post.excerpt,
    publishedAt: post.publishedAt,
    updatedAt: post.updatedAt,
    author: found.author,
    tags: found.tags,
  };
}

/** Whether a status is worth another try (the receiver may answer otherwise later). */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export function webhookJob(deps: WebhookJobDeps): JobHandler {
  return async (job) => {
    const p = job.payload as WebhookJobPayload;
    const endpoint = await endpointById(deps.db.db, p.endpointId);
    if (!endpoint?.enabled) return { skipped: "The endpoint was deleted or turned off" } satisfies Skipped;
    let body = p.body ?? (job.resumeFrom as { body?: string } | null)?.body;
    if (!body) {
      const data = await eventData(deps, p);
      if (data && typeof data === "object" && "skipped" in data) return data;
      body = JSON.stringify({ type: p.type, timestamp: new Date(p.at).toISOString(), data });
      await job.progress({ body });
    }
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let final: boolean;
    try {
      const sentAt = new Date();
      const headers = {
        "webhook-id": p.messageId,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": new Webhook(endpoint.secret).sign(p.messageId, sentAt, body),
      };
      status = await postWebhook(new URL(endpoint.url), headers, body, deps.limits);
      if (status >= 300 && status < 400) error = `It answered ${status}, a redirect: redirects are not followed`;
      else if (status < 200 || status >= 300) error = `It answered ${status}`;
      final = error !== null && !retryable(status);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      final = e instanceof RemoteRefused;
    }
    const delivered = error === null;
    const last = final || job.attempt >= WEBHOOK_ATTEMPTS;
    await recordAttempt(deps.db.write, {
      endpointId: endpoint.id,
      messageId: p.messageId,
      eventType: p.type,
      attempt: job.attempt,
      outcome: delivered ? "delivered" : last ? "failed" : "retrying",
      responseStatus: status,
      durationMs: Math.round(performance.now() - started),
      error,
      body,
    });
    if (error === null) return { status };
    throw final ? new JobRefused(error) : new Error(error);
  };
}

export const defaultWebhookLimits = (allowPrivate: boolean): WebhookLimits => ({ ...WEBHOOK_LIMITS, allowPrivate });
