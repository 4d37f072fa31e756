import { postRouter } from "./routers/post.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

/** One key per domain. */
export const appRouter = createTRPCRouter({
  post: postRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
