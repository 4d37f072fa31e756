import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { SUBSCRIBER_STATUSES } from "../../../db/schema.ts";
import { can } from "../../lib/permissions.ts";
import { Id, NewsletterChoice, SubscriberEmail } from "../../lib/schemas.ts";
import { found } from "../errors.ts";
import { eventJobs } from "../events.ts";
import { adminProcedure, authorProcedure, createTRPCRouter, protectedProcedure } from "../trpc.ts";
import * as deliveries from "../queries/deliveries.ts";
import { postById } from "../queries/posts.ts";
import * as subscribers from "../queries/subscribers.ts";
import { parseSubscriberCsv, subscriberCsv } from "../../lib/subscriber-csv.ts";

const PostRef = z.object({ postId: Id }).strict();

/** An author follows the newsletters of their own posts; editors and admins, everyone's. */
const ownNewsletterProcedure = authorProcedure.input(PostRef).use(async ({ ctx, input, next }) => {
  const post = found(await postById(ctx.db, (input as z.infer<typeof PostRef>).postId), "No post with this id");
  if (post.authorId !== ctx.user.id && !can(ctx.user.role, { post: ["update-any"] })) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the post's author or an editor sees its newsletter" });
  }
  return next();
});

export const newsletterRouter = createTRPCRouter({
  /** The signed-in person's own subscription (by their account's address), or null. */
  mine: protectedProcedure.query(async ({ ctx }) => {
    const row = await subscribers.subscriberByEmail(ctx.db, ctx.user.email);
    if (!row) return null;
    return { status: row.status, allPosts: row.allPosts, tags: await subscribers.subscribedTags(ctx.db, row.id) };
  }),

  /**
   * Subscribes the account's own address: at once when the address is verified (the account
   * proved it), otherwise through the same confirmation mail a reader gets.
   */
  subscribeMe: protectedProcedure.input(NewsletterChoice).mutation(async ({ ctx, input }) => {
    const { email, id: userId, emailVerified } = ctx.user;
    if (!emailVerified) {
      await subscribers.requestSubscription(ctx.write, { email, choice: input, userId });
      return { status: "pending" as const };
    }
    await subscribers.confirmSubscription({ db: ctx.db, write: ctx.write }, { email, choice: input, userId }, (subscriberId) =>
      eventJobs(ctx.db, { type: "subscriber.confirmed", subscriberId }),
    );
    return { status: "confirmed" as const };
  }),

  unsubscribeMe: protectedProcedure.mutation(async ({ ctx }) => {
    await subscribers.unsubscribeEmail(ctx.write, ctx.user.email);
    return { status: "unsubscribed" as const };
  }),

  /** The admins' list: a page of subscribers with counts by status. */
  subscribers: adminProcedure
    .input(
      z
        .object({
          search: z.string().trim().max(254).optional(),
          status: z.enum(SUBSCRIBER_STATUSES).optional(),
          offset: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .strict(),
    )
    .query(({ ctx, input }) => subscribers.subscriberPage(ctx.db, input, input)),

  remove: adminProcedure.input(z.object({ id: Id }).strict()).mutation(async ({ ctx, input }) => {
    if (!(await subscribers.removeSubscriber(ctx.write, input.id)))
      throw new TRPCError({ code: "NOT_FOUND", message: "No subscriber with this id" });
    return { removed: true };
  }),

  exportCsv: adminProcedure.query(async ({ ctx }) => subscriberCsv(await subscribers.allSubscribers(ctx.db))),

  /** Adds addresses from a CSV as confirmed: only when the admin says they consented elsewhere. */
  importCsv: adminProcedure
    .input(
      z
        .object({
          csv: z.string().min(1, "Choose a CSV file with an email column").max(1_500_000, "A CSV of at most 1.5 MB at a time"),
          consented: z.literal(true, "Confirm that everyone in the file agreed to get your newsletter"),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      const { emails, invalid } = parseSubscriberCsv(input.csv, (e) => SubscriberEmail.safeParse(e).success);
      if (emails.length === 0) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "csv: No email addresses found (a column named email, or one address a line)",
        });
      }
      const added = await subscribers.importSubscribers(ctx.write, emails);
      return { added, alreadyThere: new Set(emails).size - added, invalid };
    }),

  /** A post's newsletter in counts, or null before it was sent. */
  progress: ownNewsletterProcedure.query(({ ctx, input }) => deliveries.newsletterProgress(ctx.db, input.postId)),

  retryFailed: ownNewsletterProcedure.mutation(async ({ ctx, input }) => ({
    retried: await deliveries.retryFailed(ctx.write, input.postId),
  })),
});
