import { z } from "zod";
import { can } from "../../lib/permissions.ts";
import { SlugLookup } from "../../lib/schemas.ts";
import { found } from "../errors.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";
import * as tags from "../queries/tags.ts";

export const tagRouter = createTRPCRouter({
  /** Every tag that has at least one public post, with how many. */
  all: publicProcedure.query(({ ctx }) => tags.tagsInUse(ctx.db)),

  /**
   * Tag names for the editor's suggestions: those of public posts, and those of the posts
   * the caller may edit (all of them for an editor). A draft's tags are as private as it is.
   */
  names: publicProcedure.query(({ ctx }) => {
    const viewer = ctx.session?.user;
    if (can(viewer?.role, { post: ["update-any"] })) return tags.tagNames(ctx.db, "all");
    return tags.tagNames(ctx.db, { authorId: can(viewer?.role, { post: ["update-own"] }) ? viewer?.id : undefined });
  }),

  bySlug: publicProcedure
    .input(z.object({ slug: SlugLookup }).strict())
    .query(async ({ ctx, input }) => found(await tags.publicTag(ctx.db, input.slug), "No published posts with this tag")),
});
