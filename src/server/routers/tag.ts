import { TRPCError } from "@trpc/server";
import { and, asc, count, eq, lte, or } from "drizzle-orm";
import { z } from "zod";
import { Post, PostTag, Tag } from "../../../db/schema.ts";
import { can } from "../../lib/permissions.ts";
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

  /**
   * Tag names for the editor's suggestions: those of public posts, and those of the posts
   * the caller may edit (all of them for an editor). A draft's tags are as private as it is.
   */
  names: publicProcedure.query(({ ctx }) => {
    const role = ctx.session?.user.role;
    const names = ctx.db.selectDistinct({ slug: Tag.slug, name: Tag.name }).from(Tag);
    const visible = can(role, { post: ["update-any"] })
      ? names
      : names
          .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
          .innerJoin(Post, eq(Post.id, PostTag.postId))
          .where(can(role, { post: ["update-own"] }) ? or(publicNow(), eq(Post.authorId, ctx.session!.user.id)) : publicNow());
    return visible.orderBy(asc(Tag.name)).limit(500);
  }),

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
