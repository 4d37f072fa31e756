// The page cache's shared log (src/cache/invalidation.ts).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { now } from "./columns.ts";

/**
 * Cache purges, in order, so every server process on this database can drop the same
 * pages: the one that writes purges its own memory at once, the others poll this log.
 */
export const CachePurge = sqliteTable(
  "cache_purge",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("cache_purge_created_idx").on(t.createdAt)],
);
