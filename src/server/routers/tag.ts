import { TRPCError } from "@trpc/server";
import { and, asc, count, eq, lte } from "drizzle-orm";
import { z } from "zod";
import { PostTag, Tag } from "../../../db/schema.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

// A tag's public_at is set only while its post is published or scheduled, so "public
// now" is one range on the tag's own index: counting needs no post rows at all.
const publishedCount = count(PostTag.postId);
const publicNow = () => lte(PostTag.publicAt, new Date());

export const tagRouter = createTRPCRouter({
  /** Every tag that has at least one public post, with how many. */
  all: publicProcedure.query(({ ctx }) =>
    ctx.db
      .select({ slug: Tag.slug, name: Tag.name, posts: publishedCount })
      .from(Tag)
      .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
      .where(publicNow())
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
      .where(and(eq(Tag.slug, input.slug.toLowerCase()), publicNow()))
      .groupBy(Tag.id);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No published posts with this tag" });
    return row;
  }),
});
