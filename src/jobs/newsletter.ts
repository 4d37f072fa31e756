// The newsletter's jobs on the durable queue: a confirmation mail, a post's fan-out (one
// delivery row per subscriber, which the sender then works through), and a stop.
import type { Db } from "../../db/client.ts";
import type { Config } from "../config.ts";
import { messages } from "../lib/i18n/index.ts";
import { confirmLink, SEND_JOB, STOP_JOB, type SendPayload } from "../server/newsletter.ts";
import type { Mailer } from "../server/mail.ts";
import { fanOut, stopNewsletter } from "../server/queries/deliveries.ts";
import { effectiveStatus, postById } from "../server/queries/posts.ts";
import { CONFIRM_MAIL_JOB, type ConfirmMailPayload } from "../server/queries/subscribers.ts";
import { siteSettings } from "../server/settings.ts";
import type { Sender } from "./deliveries.ts";
import type { JobHandler } from "./queue.ts";

export function newsletterJobs(deps: { db: Db; config: Config; mailer: Mailer; sender: Sender }): Record<string, JobHandler> {
  const { db, config, mailer, sender } = deps;
  return {
    async [CONFIRM_MAIL_JOB]({ payload }) {
      const { email, choice } = payload as ConfirmMailPayload;
      const settings = await siteSettings(db.db);
      const t = messages(settings.language).newsletter;
      const link = confirmLink(config.siteUrl, config.authSecret, email, choice);
      await mailer.send({ to: email, subject: t.confirmSubject(settings.title), text: t.confirmText(settings.title, link) });
      return { mailed: true };
    },
    async [SEND_JOB]({ payload }) {
      const { postId, publishedAt } = payload as SendPayload;
      const post = await postById(db.db, postId);
      // Unpublished, deleted or rescheduled since: that publish is not the one to send.
      if (!post || post.publishedAt?.getTime() !== publishedAt || effectiveStatus(post) !== "published") return { sent: false };
      const waiting = await fanOut(db.write, postId);
      sender.wake();
      return { sent: true, waiting };
    },
    async [STOP_JOB]({ payload }) {
      const { postId } = payload as { postId: string };
      const post = await postById(db.db, postId);
      // Published again before this ran: the send goes on.
      if (post && effectiveStatus(post) === "published") return { stopped: false };
      await stopNewsletter(db.write, postId);
      return { stopped: true };
    },
  };
}
