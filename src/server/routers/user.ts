import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { cacheTags } from "../../lib/cache-tags.ts";
import { BanInput, Id, ProfileInput, SetRoleInput, UserId } from "../../lib/schemas.ts";
import { found } from "../errors.ts";
import { adminProcedure, createTRPCRouter, protectedProcedure, publicProcedure, type Context } from "../trpc.ts";
import * as users from "../queries/users.ts";
import { isStoredImage } from "../queries/media.ts";

const NO_PERSON = "No person with that id";

/** Throws NOT_FOUND unless there is an account with this id. */
async function known(ctx: Context, id: string) {
  if (!(await users.personExists(ctx.db, id))) throw new TRPCError({ code: "NOT_FOUND", message: NO_PERSON });
}

export const userRouter = createTRPCRouter({
  me: protectedProcedure.query(async ({ ctx }) => found(await users.ownProfile(ctx.db, ctx.user.id), NO_PERSON)),

  /** A public author page: only people with a public post have one. */
  byId: publicProcedure
    .input(z.object({ id: Id }).strict())
    .query(async ({ ctx, input }) => found(await users.publicAuthor(ctx.db, input.id), "No author with that id")),

  updateProfile: protectedProcedure.input(ProfileInput).mutation(async ({ ctx, input }) => {
    if (input.image && !(await isStoredImage(ctx.db, input.image))) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "image: No uploaded image has that address; upload the avatar again" });
    }
    await users.updateProfile(ctx.write, ctx.user.id, input);
    // The name shows on their posts, in lists, beside their comments and on their page.
    await ctx.purge([cacheTags.author(ctx.user.id)]);
    return found(await users.ownProfile(ctx.db, ctx.user.id), NO_PERSON);
  }),

  list: adminProcedure.query(({ ctx }) => users.people(ctx.db)),

  setRole: adminProcedure.input(SetRoleInput).mutation(async ({ ctx, input }) => {
    if (input.userId === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "role: You cannot change your own role" });
    await known(ctx, input.userId);
    await ctx.auth.api.setRole({ body: { userId: input.userId, role: input.role }, headers: ctx.headers });
    return { userId: input.userId, role: input.role };
  }),

  ban: adminProcedure.input(BanInput).mutation(async ({ ctx, input }) => {
    if (input.userId === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "userId: You cannot ban yourself" });
    await known(ctx, input.userId);
    // better-auth also ends every session of the banned account.
    await ctx.auth.api.banUser({ body: { userId: input.userId, banReason: input.reason }, headers: ctx.headers });
    return { userId: input.userId, banned: true };
  }),

  unban: adminProcedure.input(UserId).mutation(async ({ ctx, input }) => {
    await known(ctx, input.userId);
    await ctx.auth.api.unbanUser({ body: { userId: input.userId }, headers: ctx.headers });
    return { userId: input.userId, banned: false };
  }),
});
