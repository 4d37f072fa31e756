// Keys for the public API (src/server/api/keys.ts): content keys read what readers see,
// admin keys act as the person who made them.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { user } from "../auth-schema.ts";
import { now } from "./columns.ts";

export const API_KEY_TYPES = ["content", "admin"] as const;

export const ApiKey = sqliteTable(
  "api_key",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: API_KEY_TYPES }).notNull(),
    name: text("name").notNull(),
    /** SHA-256 of the secret, hex: the secret is random enough that no slow hash is needed, and it is shown only once. */
    secretHash: text("secret_hash").notNull().unique(),
    /** The secret's first characters, so a list can tell keys apart without holding them. */
    prefix: text("prefix").notNull(),
    /**
     * Whom an admin key acts as, with that person's role as it is at each request; for a
     * content key, who made it. Their keys go with them.
     */
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** An admin key that may write drafts only: never publish, unpublish, or touch a public post. */
    draftsOnly: integer("drafts_only", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    /** Written at most once a minute per key: a request never waits on a write for it. */
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("api_key_created_idx").on(t.createdAt)],
);

export type ApiKeyRow = typeof ApiKey.$inferSelect;
