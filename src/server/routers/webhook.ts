import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getConfig } from "../../config.ts";
import { refusedUrl } from "../../http/public-address.ts";
import { cacheTags } from "../../lib/cache-tags.ts";
import { CleanText } from "../../lib/schemas.ts";
import { enqueue } from "../../jobs/queue.ts";
import { found } from "../errors.ts";
import { EVENT_TYPES } from "../events.ts";
import * as webhooks from "../queries/webhooks.ts";
import { createTRPCRouter, siteAdminProcedure, type Context } from "../trpc.ts";
import { newSecret, resendJob, webhooksChanged } from "../webhooks.ts";

const NO_ENDPOINT = "No webhook endpoint with that id";

const EndpointUrl = CleanText.trim()
  .min(1, "Give the address to send events to")
  .max(2000, "Keep the address under 2,000 characters")
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), "Use an http:// or https:// address");
const Events = z.array(z.enum(EVENT_TYPES)).min(1, "Choose at least one event").max(EVENT_TYPES.length);
const Description = CleanText.trim().max(200, "Keep the description under 200 characters");
const EndpointId = z.object({ id: z.string().min(1).max(100) }).strict();

/** Refuses (400 on url) an address the server must not reach: checked again at every delivery. */
async function assertReachable(url: string) {
  const why = await refusedUrl(new URL(url), getConfig().webhooks.allowPrivate);
  if (why) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `url: ${why}${why.includes("private") ? " (a site on its own network can set WEBHOOKS_ALLOW_PRIVATE=true)" : ""}`,
    });
  }
}

/** Every process forgets the endpoints it kept (this one at once: a purge reaches the others). */
async function changed(ctx: Context) {
  webhooksChanged(ctx.db);
  await ctx.purge([cacheTags.webhooks]);
}

export const webhookRouter = createTRPCRouter({
  /** Every endpoint (without its secret), with its last attempt's outcome. */
  list: siteAdminProcedure.query(({ ctx }) => webhooks.endpointList(ctx.db)),

  /** Registers an endpoint; the answer holds its signing secret, which is never shown again. */
  create: siteAdminProcedure
    .input(z.object({ url: EndpointUrl, events: Events, description: Description.default("") }).strict())
    .mutation(async ({ ctx, input }) => {
      await assertReachable(input.url);
      const secret = newSecret();
      const id = await webhooks.createEndpoint(ctx.write, { ...input, events: [...new Set(input.events)], secret });
      await changed(ctx);
      return { id, secret };
    }),

  update: siteAdminProcedure
    .input(
      z
        .object({
          id: z.string().min(1).max(100),
          url: EndpointUrl.optional(),
          events: Events.optional(),
          description: Description.optional(),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      const { id, ...set } = input;
      if (set.url) await assertReachable(set.url);
      if (set.events) set.events = [...new Set(set.events)];
      found((await webhooks.updateEndpoint(ctx.write, id, set)) || null, NO_ENDPOINT);
      await changed(ctx);
    }),

  /** Turns deliveries off (queued ones are dropped when they come due) or on again. */
  setEnabled: siteAdminProcedure
    .input(z.object({ id: z.string().min(1).max(100), enabled: z.boolean() }).strict())
    .mutation(async ({ ctx, input }) => {
      found((await webhooks.updateEndpoint(ctx.write, input.id, { enabled: input.enabled })) || null, NO_ENDPOINT);
      await changed(ctx);
    }),

  /** A new secret, shown once; the old one stops working at once. */
  rotateSecret: siteAdminProcedure.input(EndpointId).mutation(async ({ ctx, input }) => {
    const secret = newSecret();
    found((await webhooks.updateEndpoint(ctx.write, input.id, { secret })) || null, NO_ENDPOINT);
    return { secret };
  }),

  delete: siteAdminProcedure.input(EndpointId).mutation(async ({ ctx, input }) => {
    found((await webhooks.deleteEndpoint(ctx.write, input.id)) || null, NO_ENDPOINT);
    await changed(ctx);
  }),

  /** An endpoint's delivery attempts, newest first. */
  deliveries: siteAdminProcedure
    .input(z.object({ id: z.string().min(1).max(100), before: z.date().optional() }).strict())
    .query(async ({ ctx, input }) => {
      found(await webhooks.endpointById(ctx.db, input.id), NO_ENDPOINT);
      return webhooks.deliveryLog(ctx.db, input.id, input.before);
    }),

  /** Sends a logged message again, exactly as it was (same webhook-id, so receivers can tell), newly signed. */
  resend: siteAdminProcedure.input(z.object({ deliveryId: z.string().min(1).max(100) }).strict()).mutation(async ({ ctx, input }) => {
    const sent = found(await webhooks.deliveryById(ctx.db, input.deliveryId), "No logged delivery with that id");
    const endpoint = found(await webhooks.endpointById(ctx.db, sent.endpointId), NO_ENDPOINT);
    if (!endpoint.enabled) throw new TRPCError({ code: "BAD_REQUEST", message: "The endpoint is turned off: turn it on to send again" });
    await ctx.write((db) => enqueue(db, resendJob(sent)));
    return { messageId: sent.messageId };
  }),
});
