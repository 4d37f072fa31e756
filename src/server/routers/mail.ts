import { desc } from "drizzle-orm";
import { MailOutbox } from "../../../db/schema.ts";
import { adminProcedure, createTRPCRouter } from "../trpc.ts";

export const mailRouter = createTRPCRouter({
  /** What the server would have mailed, newest first: only filled while no SMTP server is configured. */
  outbox: adminProcedure.query(({ ctx }) => ctx.db.select().from(MailOutbox).orderBy(desc(MailOutbox.id)).limit(200)),
});
