// Kept mail in SQL (src/server/mail.ts writes it while no SMTP server is configured).
import { desc } from "drizzle-orm";
import { MailOutbox } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";

/** The latest kept mail, newest first. */
export function outbox(db: Database) {
  return db.select().from(MailOutbox).orderBy(desc(MailOutbox.id)).limit(200);
}
