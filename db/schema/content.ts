// Posts, their revisions and tags, and the comments on them. Authors are better-auth's users.
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { user } from "../auth-schema.ts";
import { now } from "./columns.ts";
import { Media } from "./media.ts";

/** A scheduled post is public from its published_at on; nothing has to run at that moment. */
export const POST_STATUSES = ["draft", "scheduled", "published"] as const;

/**
 * A post is dated and listed (home, tags, feeds); a page (About, Contact) lives at /<slug>,
 * outside every list. Both share the editor, revisions and conflicts, so they share a table.
 */
export const POST_KINDS = ["post", "page"] as const;

export const Post = sqliteTable(
  "post",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    kind: text("kind", { enum: POST_KINDS }).notNull().default("post"),
    title: text("title").notNull(),
    /** What lists show: the author's own words, or the body's first paragraph. */
    excerpt: text("excerpt").notNull().default(""),
    /** True when the excerpt is the author's own, so an edited body does not replace it. */
    excerptCustom: integer("excerpt_custom", { mode: "boolean" }).notNull().default(false),
    body: text("body").notNull().default(""),
    html: text("html").notNull().default(""),
    status: text("status", { enum: POST_STATUSES }).notNull().default("draft"),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }),
    authorId: text("author_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
    version: integer("version").notNull().default(1),
    /**
     * The cover image, by its hash (db/schema/media.ts); its alt text beside it. The reference
     * keeps an image in use from being deleted under the post.
     */
    coverHash: text("cover_hash").references((): AnySQLiteColumn => Media.hash),
    coverAlt: text("cover_alt").notNull().default(""),
    /** The language the post is written in (a BCP 47 tag), when it is not the site's. */
    lang: text("lang"),
    /** Pinned by its author (WordPress's sticky, Ghost's featured). */
    featured: integer("featured", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    index("post_status_published_idx").on(t.status, t.publishedAt, t.id),
    // Public lists walk this newest first and stop at their page size.
    index("post_published_idx").on(t.publishedAt, t.id),
    index("post_author_idx").on(t.authorId, t.updatedAt),
    // An author's public page, newest first, without sorting all their posts.
    index("post_author_published_idx").on(t.authorId, t.publishedAt, t.id),
  ],
);

export const Tag = sqliteTable("tag", {
  id: text("id").primaryKey(),
  /** Lowercase, unique: tags match case-insensitively through their slug. */
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

export const PostTag = sqliteTable(
  "post_tag",
  {
    postId: text("post_id")
      .notNull()
      .references(() => Post.id, { onDelete: "cascade" }),
    tagId: text("tag_id")
      .notNull()
      .references(() => Tag.id, { onDelete: "cascade" }),
    /**
     * The post's published_at while it is published or scheduled, else null. Kept by
     * triggers (migration 0007), never written by code: it lets a tag's page walk
     * (tag, public_at) newest first instead of sorting every post the tag has.
     */
    publicAt: integer("public_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.tagId] }),
    index("post_tag_tag_idx").on(t.tagId, t.postId),
    index("post_tag_public_idx").on(t.tagId, t.publicAt, t.postId),
  ],
);

/**
 * A held comment waits for a moderator (the site holds a newcomer's first comments when its
 * settings say so); readers never see it, and approving it makes it visible.
 */
export const COMMENT_STATUSES = ["visible", "hidden", "deleted", "held"] as const;

export const Comment = sqliteTable(
  "comment",
  {
    id: text("id").primaryKey(),
    postId: text("post_id")
      .notNull()
      .references(() => Post.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** One level of replies: a reply's parent is always a top-level comment. */
    parentId: text("parent_id").references((): AnySQLiteColumn => Comment.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    html: text("html").notNull(),
    status: text("status", { enum: COMMENT_STATUSES }).notNull().default("visible"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("comment_post_idx").on(t.postId, t.parentId, t.createdAt),
    index("comment_author_idx").on(t.authorId),
    // The moderators' queue reads only held comments, a handful among all: this index holds just those.
    index("comment_held_idx")
      .on(t.createdAt)
      .where(sql`status = 'held'`),
  ],
);

export const REVISION_KINDS = ["save", "restore", "conflict"] as const;

/** Every save of a post, and every text that lost a conflict: nothing typed is lost. */
export const Revision = sqliteTable(
  "revision",
  {
    id: text("id").primaryKey(),
    postId: text("post_id")
      .notNull()
      .references(() => Post.id, { onDelete: "cascade" }),
    /** The post version this text became, or (for a conflict) the version it was based on. */
    version: integer("version").notNull(),
    kind: text("kind", { enum: REVISION_KINDS }).notNull().default("save"),
    title: text("title").notNull(),
    body: text("body").notNull(),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    authorId: text("author_id").references(() => user.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("revision_post_idx").on(t.postId, t.createdAt)],
);

export type PostRow = typeof Post.$inferSelect;
export type CommentRow = typeof Comment.$inferSelect;
