import { z } from "zod";
import { cacheTags } from "../../lib/cache-tags.ts";
import { CleanText } from "../../lib/schemas.ts";
import { found } from "../errors.ts";
import * as imports from "../queries/imports.ts";
import { redirectsChanged } from "../redirects.ts";
import { adminProcedure, createTRPCRouter } from "../trpc.ts";

/** An old address as a request names it: a path on this site, with its query if it had one. */
const OldPath = CleanText.trim()
  .min(2, "Give the old address, like /2020/05/my-post/ or /?p=12")
  .max(500, "Keep the old address under 500 characters")
  .refine((p) => /^\/(?!\/)\S*$/.test(p), "Start the old address with a single / and leave out spaces");
const NewPath = CleanText.trim()
  .min(1, "Say where it goes")
  .max(2000)
  .refine(
    (p) => /^\/(?!\/)\S*$/.test(p) || (URL.canParse(p) && /^https?:$/.test(new URL(p).protocol)),
    "Use a path like /posts/my-post or an https:// address",
  );

export const redirectRouter = createTRPCRouter({
  /** Old addresses and where they go, a page at a time, by old address. */
  list: adminProcedure
    .input(z.object({ offset: z.number().int().min(0).default(0) }).strict())
    .query(({ ctx, input }) => imports.redirectPage(ctx.db, { limit: 100, offset: input.offset })),

  save: adminProcedure.input(z.object({ from: OldPath, to: NewPath }).strict()).mutation(async ({ ctx, input }) => {
    await imports.saveRedirect(ctx.write, input);
    redirectsChanged(ctx.db);
    await ctx.purge([cacheTags.redirects]);
  }),

  delete: adminProcedure.input(z.object({ from: z.string().min(1).max(500) }).strict()).mutation(async ({ ctx, input }) => {
    found((await imports.deleteRedirect(ctx.write, input.from)) || null, "No redirect from that address");
    redirectsChanged(ctx.db);
    await ctx.purge([cacheTags.redirects]);
  }),
});
