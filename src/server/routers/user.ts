import { TRPCError } from "@trpc/server";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { Post, user } from "../../../db/schema.ts";
import { cacheTags } from "../../lib/cache-tags.ts";
import { BanInput, Id, ProfileInput, SetRoleInput, UserId } from "../../lib/schemas.ts";
import { adminProcedure, createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc.ts";
import { visibleNow } from "../queries/posts.ts";

const profileColumns = { id: user.id, name: user.name, bio: user.bio, image: user.image, role: user.role };

export const userRouter = createTRPCRouter({
  me: protectedProcedure.query(async ({ ctx }) => {
    const [me] = await ctx.db
      .select({ ...profileColumns, email: user.email })
      .from(user)
      .where(eq(user.id, ctx.user.id));
    return me!;
  }),

  /** A public author page: only people with a public post have one. */
  byId: publicProcedure.input(z.object({ id: Id }).strict()).query(async ({ ctx, input }) => {
    const [author] = await ctx.db
      .select({ id: user.id, name: user.name, bio: user.bio, image: user.image })
      .from(user)
      .where(eq(user.id, input.id))
      .limit(1);
    const [anyPost] = author
      ? await ctx.db
          .select({ id: Post.id })
          .from(Post)
          .where(and(eq(Post.authorId, author.id), visibleNow()))
          .limit(1)
      : [];
    if (!author || !anyPost) throw new TRPCError({ code: "NOT_FOUND", message: "No author with that id" });
    return author;
  }),

  updateProfile: protectedProcedure.input(ProfileInput).mutation(async ({ ctx, input }) => {
    await ctx.write((db) =>
      db.update(user).set({ name: input.name, bio: input.bio, image: input.image, updatedAt: new Date() }).where(eq(user.id, ctx.user.id)),
    );
    // The name shows on their posts, in lists, beside their comments and on their page.
    await ctx.purge([cacheTags.author(ctx.user.id)]);
    const [me] = await ctx.db
      .select({ ...profileColumns, email: user.email })
      .from(user)
      .where(eq(user.id, ctx.user.id));
    return me!;
  }),

  list: adminProcedure.query(({ ctx }) =>
    ctx.db
      .select({ ...profileColumns, email: user.email, banned: user.banned, createdAt: user.createdAt })
      .from(user)
      .orderBy(asc(user.createdAt)),
  ),

  setRole: adminProcedure.input(SetRoleInput).mutation(async ({ ctx, input }) => {
    if (input.userId === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "role: You cannot change your own role" });
    await known(ctx.db, input.userId);
    await ctx.auth.api.setRole({ body: { userId: input.userId, role: input.role }, headers: ctx.headers });
    return { userId: input.userId, role: input.role };
  }),

  ban: adminProcedure.input(BanInput).mutation(async ({ ctx, input }) => {
    if (input.userId === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "userId: You cannot ban yourself" });
    await known(ctx.db, input.userId);
    // better-auth also ends every session of the banned account.
    await ctx.auth.api.banUser({ body: { userId: input.userId, banReason: input.reason }, headers: ctx.headers });
    return { userId: input.userId, banned: true };
  }),

  unban: adminProcedure.input(UserId).mutation(async ({ ctx, input }) => {
    await known(ctx.db, input.userId);
    await ctx.auth.api.unbanUser({ body: { userId: input.userId }, headers: ctx.headers });
    return { userId: input.userId, banned: false };
  }),
});

async function known(db: import("../../../db/client.ts").Database, id: string) {
  const [row] = await db.select({ id: user.id }).from(user).where(eq(user.id, id)).limit(1);
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No person with that id" });
}
