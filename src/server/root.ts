import { commentRouter } from "./routers/comment.ts";
import { mailRouter } from "./routers/mail.ts";
import { postRouter } from "./routers/post.ts";
import { tagRouter } from "./routers/tag.ts";
import { userRouter } from "./routers/user.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

/** One key per domain. */
export const appRouter = createTRPCRouter({
  post: postRouter,
  tag: tagRouter,
  comment: commentRouter,
  user: userRouter,
  mail: mailRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
