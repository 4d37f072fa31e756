// Uploaded images. An image is its bytes: the sha256 of the upload names it, so the same photo
// uploaded twice (by one person or two) is one row and one set of files. Who uploaded it is a
// row of its own, which the media library lists and permissions check.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { user } from "../auth-schema.ts";
import { now } from "./columns.ts";

/** One stored rendition, as src/media/storage.ts names it: `/media/<hash>/<width>.<ext>`. */
export interface StoredRendition {
  width: number;
  height: number;
  format: "jpeg" | "png" | "webp" | "gif";
  bytes: number;
}

export const Media = sqliteTable("media", {
  /** sha256 of the bytes as uploaded, hex: the folder every rendition lives under. */
  hash: text("hash").primaryKey(),
  /** Upright size of the upload. */
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  /** What the upload was, by its bytes. */
  format: text("format").notNull(),
  /** Size of the upload as sent. */
  bytes: integer("bytes").notNull(),
  hasAlpha: integer("has_alpha", { mode: "boolean" }).notNull(),
  animated: integer("animated", { mode: "boolean" }).notNull(),
  /** `#rrggbb`: fills the image's box until it loads. */
  placeholder: text("placeholder").notNull(),
  /** The metadata-free original kept for re-encoding: `/media/<hash>/original.<ext>`. */
  original: text("original", { mode: "json" }).$type<StoredRendition>().notNull(),
  /** Narrowest first. */
  variants: text("variants", { mode: "json" }).$type<StoredRendition[]>().notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/** Who uploaded an image, and when: a person's library is their uploads. */
export const MediaUpload = sqliteTable(
  "media_upload",
  {
    hash: text("hash")
      .notNull()
      .references(() => Media.hash, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The name the file had on the uploader's machine, for the library only. */
    fileName: text("file_name").notNull().default(""),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.hash, t.userId] }), index("media_upload_user_idx").on(t.userId, t.createdAt)],
);
