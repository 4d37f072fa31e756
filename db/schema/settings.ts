// The site's settings, edited by admins in the browser. One row a key, its value JSON; the
// shape and the defaults live in src/lib/settings.ts, so a key added later needs no migration.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { now } from "./columns.ts";

export const Setting = sqliteTable("setting", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
});
