import { cacheTags } from "../../lib/cache-tags.ts";
import { ApiKeyCreateInput, ApiKeyId } from "../../lib/api-schemas.ts";
import { found } from "../errors.ts";
import { createTRPCRouter, siteAdminProcedure } from "../trpc.ts";
import { apiKeysChanged, createApiKey } from "../api/keys.ts";
import { apiKeyList, revokeApiKey } from "../queries/api-keys.ts";

export const apiKeyRouter = createTRPCRouter({
  /** Every key with whom it acts as and when it was last used; never a secret. */
  list: siteAdminProcedure.query(({ ctx }) => apiKeyList(ctx.db)),

  /** A key acting as the admin who makes it; the answer is the only time its secret is shown. */
  create: siteAdminProcedure
    .input(ApiKeyCreateInput)
    .mutation(({ ctx, input }) => createApiKey(ctx.write, { ...input, userId: ctx.user.id })),

  /** Refused from the next request on, in every process. */
  revoke: siteAdminProcedure.input(ApiKeyId).mutation(async ({ ctx, input }) => {
    found((await revokeApiKey(ctx.write, input.id)) || null, "No API key with that id");
    // Here at once, whatever the purge reaches; other processes through the purge log.
    apiKeysChanged(ctx.db);
    await ctx.purge([cacheTags.apiKeys]);
    return { id: input.id };
  }),
});
