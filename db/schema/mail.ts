// Mail kept instead of sent (src/server/mail.ts).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { now } from "./columns.ts";

/**
 * Mail the server sent while no SMTP server was configured: kept so that a local or
 * staging site can still verify addresses and reset passwords. Admins read it at
 * /admin/outbox.
 */
export const MailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("mail_outbox_created_idx").on(t.createdAt)],
);
