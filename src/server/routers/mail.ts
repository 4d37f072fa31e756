import { adminProcedure, createTRPCRouter } from "../trpc.ts";
import * as mail from "../queries/mail.ts";

export const mailRouter = createTRPCRouter({
  /** What the server would have mailed, newest first: only filled while no SMTP server is configured. */
  outbox: adminProcedure.query(({ ctx }) => mail.outbox(ctx.db)),
});
