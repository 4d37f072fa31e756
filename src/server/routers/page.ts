import { PostBySlugInput } from "../../lib/schemas.ts";
import { found } from "../errors.ts";
import { createTRPCRouter, editorProcedure, publicProcedure } from "../trpc.ts";
import * as pages from "../queries/pages.ts";

// The site's pages as readers and the dashboard read them. Pages are written through the
// post router (post.create with kind "page", then update, publish…): one editor for both.
export const pageRouter = createTRPCRouter({
  /** A published page, for its reader page at /<slug>. */
  bySlug: publicProcedure
    .input(PostBySlugInput)
    .query(async ({ ctx, input }) => found(await pages.publicPageBySlug(ctx.db, input.slug), "No published page at this address")),

  /** Every page, drafts included, for the dashboard's list. */
  all: editorProcedure.query(({ ctx }) => pages.allPages(ctx.db)),
});
