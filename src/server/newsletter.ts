// Newsletters as the rest of the site sees them: the jobs a publish or an unpublish causes,
// and the signed confirmation link of the double opt-in.
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { Newsletter } from "../../db/schema.ts";
import type { NewJob } from "../jobs/queue.ts";
import type { Choice } from "./queries/subscribers.ts";
import type { EventConsumer } from "./events.ts";

export const SEND_JOB = "newsletter.send";
export const STOP_JOB = "newsletter.stop";

export interface SendPayload {
  postId: string;
  /** The publish this send is for: a reschedule or an unpublish since then makes it a no-op. */
  publishedAt: number;
}

/**
 * A publish (now or scheduled) sends at its time, unless the author said not to (a page only
 * when they said to); an unpublish mid-send stops the rest. The send job is named by the
 * post and its publish time, so publishing again at the same time enqueues nothing new.
 */
export const newsletterJobs: EventConsumer = async (db, event): Promise<NewJob[]> => {
  if (event.type === "post.published" || event.type === "page.published") {
    const wanted = event.email ?? event.type === "post.published";
    const at = event.post.publishedAt;
    if (!wanted || !at) return [];
    const payload: SendPayload = { postId: event.post.id, publishedAt: at.getTime() };
    return [{ id: `${SEND_JOB}:${event.post.id}:${at.getTime()}`, kind: SEND_JOB, payload, runAt: at, maxAttempts: 10 }];
  }
  if (event.type === "post.unpublished") {
    const [letter] = await db.select().from(Newsletter).where(eq(Newsletter.postId, event.post.id)).limit(1);
    return letter?.status === "sending" ? [{ kind: STOP_JOB, payload: { postId: event.post.id } }] : [];
  }
  return [];
};

/** Confirmation links work for a week: long enough for a slow inbox, short enough that old mail goes stale. */
export const CONFIRM_LINK_DAYS = 7;
export const CONFIRM_PATH = "/api/newsletter/confirm";

const choiceText = (choice: Choice) => (choice.all ? "*" : choice.tags.join(","));

function signature(secret: string, email: string, choice: string, at: number): string {
  return createHmac("sha256", secret).update(`newsletter-confirm\n${email}\n${choice}\n${at}`).digest("base64url");
}

/** The link in a confirmation mail: the address and its choice, signed, so nothing is kept until it is followed. */
export function confirmLink(siteUrl: string, secret: string, email: string, choice: Choice, at = Date.now()): string {
  const tags = choiceText(choice);
  const params = new URLSearchParams({ email, tags, at: String(at), sig: signature(secret, email, tags, at) });
  return `${siteUrl}${CONFIRM_PATH}?${params}`;
}

/** What a followed link asks for, or null when it was not ours, was changed, or is too old. */
export function readConfirmLink(secret: string, params: URLSearchParams, now = Date.now()): { email: string; choice: Choice } | null {
  const email = params.get("email");
  const tags = params.get("tags");
  const at = Number(params.get("at"));
  const sig = params.get("sig");
  if (!email || tags === null || !sig || !Number.isSafeInteger(at)) return null;
  const expected = Buffer.from(signature(secret, email, tags, at));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (now - at > CONFIRM_LINK_DAYS * 86_400_000 || at > now + 60_000) return null;
  return { email, choice: tags === "*" ? { all: true } : { all: false, tags: tags.split(",").filter(Boolean) } };
}
