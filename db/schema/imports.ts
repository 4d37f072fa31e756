// What imports leave behind besides content: which source item became which row (so the same
// file imported twice adds nothing), and the old site's addresses, answered with a 301.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { now } from "./columns.ts";

export const IMPORT_ENTITIES = ["post", "comment", "user", "media"] as const;

export const ImportRef = sqliteTable("import_ref", {
  /** The source and the item's id there: `wordpress https://old.example wp:19`. */
  ref: text("ref").primaryKey(),
  entity: text("entity", { enum: IMPORT_ENTITIES }).notNull(),
  entityId: text("entity_id").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/** An old address (path and query, as the old site had it) and where it lives now. */
export const Redirect = sqliteTable("redirect", {
  fromPath: text("from_path").primaryKey(),
  toPath: text("to_path").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});
