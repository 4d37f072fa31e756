import { TRPCError } from "@trpc/server";
import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { Post, PostTag, Tag } from "../../../db/schema.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";
import { visibleNow } from "./post.ts";

const publishedCount = count(Post.id);

export const tagRouter = createTRPCRouter({
  /** Every tag that has at least one public post, with how many. */
  all: publicProcedure.query(({ ctx }) =>
    ctx.db
      .select({ slug: Tag.slug, name: Tag.name, posts: publishedCount })
      .from(Tag)
      .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
      .innerJoin(Post, and(eq(Post.id, PostTag.postId), visibleNow()))
      .groupBy(Tag.id)
      .orderBy(asc(Tag.name)),
  ),

  /** Tag names for the editor's suggestions, public posts or not. */
  names: publicProcedure.query(({ ctx }) =>
    ctx.db.select({ slug: Tag.slug, name: Tag.name }).from(Tag).orderBy(asc(Tag.name)).limit(500),
  ),

  bySlug: publicProcedure.input(z.object({ slug: z.string().min(1).max(80) }).strict()).query(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .select({ slug: Tag.slug, name: Tag.name, posts: publishedCount })
      .from(Tag)
      .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
      .innerJoin(Post, and(eq(Post.id, PostTag.postId), visibleNow()))
      .where(eq(Tag.slug, input.slug.toLowerCase()))
      .groupBy(Tag.id);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No published posts with this tag" });
    return row;
  }),
});
