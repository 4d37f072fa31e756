import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { apiKeyRouter } from "./routers/api-key.ts";
import { commentRouter } from "./routers/comment.ts";
import { importRouter } from "./routers/imports.ts";
import { mailRouter } from "./routers/mail.ts";
import { mediaRouter } from "./routers/media.ts";
import { newsletterRouter } from "./routers/newsletter.ts";
import { pageRouter } from "./routers/page.ts";
import { postRouter } from "./routers/post.ts";
import { settingsRouter } from "./routers/settings.ts";
import { redirectRouter } from "./routers/redirect.ts";
import { tagRouter } from "./routers/tag.ts";
import { userRouter } from "./routers/user.ts";
import { webhookRouter } from "./routers/webhook.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

/** One key per domain. */
export const appRouter = createTRPCRouter({
  post: postRouter,
  page: pageRouter,
  tag: tagRouter,
  comment: commentRouter,
  user: userRouter,
  mail: mailRouter,
  media: mediaRouter,
  settings: settingsRouter,
  import: importRouter,
  redirect: redirectRouter,
  webhook: webhookRouter,
  newsletter: newsletterRouter,
  apiKey: apiKeyRouter,
});

export type AppRouter = typeof appRouter;
/** What each procedure takes and returns, for islands and pages: shapes come from here, not restated. */
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);
