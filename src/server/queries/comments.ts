// Comments in SQL: threads as readers see them, the moderators' list, and the writes.
// Functions take the database and return rows, or null for none; the router checks who
// may do what and turns null into NOT_FOUND.
import { and, asc, eq, gt, inArray, isNull, ne, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Comment, Post, user, type CommentRow } from "../../../db/schema.ts";
import { preparedOnce, type Database, type Db } from "../../../db/client.ts";
import { jobInserts, type NewJob } from "../../jobs/queue.ts";
import { authorColumns, visibleNow } from "./posts.ts";

export interface PublicComment {
  id: string;
  parentId: string | null;
  /** A removed comment keeps its place in the thread, without its text or author. */
  removed: boolean;
  /** The Markdown source, for its author's edit box. */
  body: string;
  html: string;
  author: { id: string; name: string; image: string | null } | null;
  createdAt: Date;
  editedAt: Date | null;
}

/** A comment as readers get it: a hidden or deleted one without its text or author. */
export function toPublic(
  c: Pick<CommentRow, "id" | "parentId" | "body" | "html" | "status" | "createdAt" | "editedAt">,
  author: PublicComment["author"],
): PublicComment {
  const removed = c.status !== "visible";
  return {
    id: c.id,
    parentId: c.parentId,
    removed,
    body: removed ? "" : c.body,
    html: removed ? "" : c.html,
    author: removed ? null : author,
    createdAt: c.createdAt,
    editedAt: c.editedAt,
  };
}

/** The post's id and author if it is public at `now`. Prepared once: every comment write asks. */
const publicPost = preparedOnce((db) =>
  db
    .select({ id: Post.id, authorId: Post.authorId })
    .from(Post)
    .where(and(eq(Post.id, sql.placeholder("id")), visibleNow(sql.placeholder("now"))))
    .limit(1)
    .prepare(),
);

/** The author of the post if it is public now, else null. Reads only that: its body is not needed here. */
export async function publicPostAuthor(db: Database, postId: string): Promise<string | null> {
  const [post] = await publicPost(db).all({ id: postId, now: new Date() });
  return post?.authorId ?? null;
}

/** True when the post is public now. */
export async function isPublicPost(db: Database, postId: string): Promise<boolean> {
  return (await publicPostAuthor(db, postId)) !== null;
}

/** Whether readers see any comment of this person's yet, on any post. */
export async function hasVisibleComment(db: Database, authorId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: Comment.id })
    .from(Comment)
    .where(and(eq(Comment.authorId, authorId), eq(Comment.status, "visible")))
    .limit(1);
  return Boolean(row);
}

/**
 * A page of a post's top-level comments after `after` (oldest first) with all their
 * visible replies. Removed comments stay as placeholders while they have replies.
 */
export async function thread(db: Database, postId: string, page: { after?: Date; limit: number }) {
  const tops = await db
    .select({ c: Comment, author: authorColumns })
    .from(Comment)
    .innerJoin(user, eq(user.id, Comment.authorId))
    .where(and(eq(Comment.postId, postId), isNull(Comment.parentId), page.after ? gt(Comment.createdAt, page.after) : undefined))
    .orderBy(asc(Comment.createdAt), asc(Comment.id))
    .limit(page.limit + 1);
  const shown = tops.slice(0, page.limit);
  const replies = shown.length
    ? await db
        .select({ c: Comment, author: authorColumns })
        .from(Comment)
        .innerJoin(user, eq(user.id, Comment.authorId))
        // The post's id too, so the (post, parent) index finds them without a scan.
        .where(
          and(
            eq(Comment.postId, postId),
            inArray(
              Comment.parentId,
              shown.map((t) => t.c.id),
            ),
            eq(Comment.status, "visible"),
          ),
        )
        .orderBy(asc(Comment.createdAt), asc(Comment.id))
    : [];
  const items = shown
    .map((t) => ({
      ...toPublic(t.c, t.author),
      replies: replies.filter((r) => r.c.parentId === t.c.id).map((r) => toPublic(r.c, r.author)),
    }))
    .filter((t) => !t.removed || t.replies.length > 0);
  const last = shown.at(-1);
  return { items, nextCursor: tops.length > page.limit && last ? String(last.c.createdAt.getTime()) : null };
}

/** A post's hidden comments, oldest first. */
export async function hiddenOn(db: Database, postId: string) {
  const rows = await db
    .select({ c: Comment, author: authorColumns })
    .from(Comment)
    .innerJoin(user, eq(user.id, Comment.authorId))
    .where(and(eq(Comment.postId, postId), eq(Comment.status, "hidden")))
    .orderBy(asc(Comment.createdAt));
  return rows.map((r) => ({ id: r.c.id, parentId: r.c.parentId, html: r.c.html, author: r.author, createdAt: r.c.createdAt }));
}

export async function commentById(db: Database, id: string): Promise<CommentRow | null> {
  const [comment] = await db.select().from(Comment).where(eq(Comment.id, id)).limit(1);
  return comment ?? null;
}

/** A comment with its post's author (who may moderate it), or null. */
export async function commentWithPostAuthor(db: Database, id: string) {
  const [row] = await db
    .select({ comment: Comment, postAuthorId: Post.authorId })
    .from(Comment)
    .innerJoin(Post, eq(Post.id, Comment.postId))
    .where(eq(Comment.id, id))
    .limit(1);
  return row ?? null;
}

/** A new comment, prepared once: the insert every comment write makes. */
const insertComment = preparedOnce((db) =>
  db
    .insert(Comment)
    .values({
      id: sql.placeholder("id"),
      postId: sql.placeholder("postId"),
      authorId: sql.placeholder("authorId"),
      parentId: sql.placeholder("parentId"),
      body: sql.placeholder("body"),
      html: sql.placeholder("html"),
      status: sql.placeholder("status"),
      createdAt: sql.placeholder("createdAt"),
    })
    .prepare(),
);

/** Writes a new comment, visible or held for a moderator, and returns it. */
export async function addComment(
  write: Db["write"],
  fields: Pick<CommentRow, "postId" | "authorId" | "parentId" | "body" | "html">,
  status: "visible" | "held" = "visible",
  jobs: (id: string) => Promise<NewJob[]> = async () => [],
) {
  const comment = { id: randomUUID(), ...fields, status, createdAt: new Date(), editedAt: null };
  const caused = await jobs(comment.id);
  // The kept statement alone when nothing listens: comments are the busiest write.
  if (caused.length) await write((db) => db.batch([db.insert(Comment).values(comment), ...jobInserts(db, caused)]));
  else await write((db) => insertComment(db).run(comment));
  return comment;
}

export async function editComment(write: Db["write"], id: string, change: { body: string; html: string; editedAt: Date }) {
  await write((db) => db.update(Comment).set(change).where(eq(Comment.id, id)));
}

export async function deleteComment(write: Db["write"], id: string) {
  await write((db) => db.update(Comment).set({ status: "deleted" }).where(eq(Comment.id, id)));
}

/** Hides a comment unless its author deleted it. */
export async function hideComment(write: Db["write"], id: string) {
  await write((db) =>
    db
      .update(Comment)
      .set({ status: "hidden" })
      .where(and(eq(Comment.id, id), ne(Comment.status, "deleted"))),
  );
}

/** Shows a hidden comment again (a deleted one stays deleted). */
export async function unhideComment(write: Db["write"], id: string) {
  await write((db) =>
    db
      .update(Comment)
      .set({ status: "visible" })
      .where(and(eq(Comment.id, id), eq(Comment.status, "hidden"))),
  );
}

/** Only held comments: a literal, so SQLite can read them from their own partial index. */
const isHeld = sql`${Comment.status} = 'held'`;

/**
 * Comments waiting for a moderator, oldest first, with their posts: on every post, or on the
 * posts of one author (who moderates their own).
 */
export async function heldComments(db: Database, scope: "all" | { postAuthorId: string }) {
  const rows = await db
    .select({
      c: Comment,
      author: authorColumns,
      post: { id: Post.id, title: Post.title, slug: Post.slug, authorId: Post.authorId },
    })
    .from(Comment)
    .innerJoin(user, eq(user.id, Comment.authorId))
    .innerJoin(Post, eq(Post.id, Comment.postId))
    .where(and(isHeld, scope === "all" ? undefined : eq(Post.authorId, scope.postAuthorId)))
    .orderBy(asc(Comment.createdAt))
    .limit(200);
  return rows.map((r) => ({
    id: r.c.id,
    parentId: r.c.parentId,
    html: r.c.html,
    createdAt: r.c.createdAt,
    author: r.author,
    post: r.post,
  }));
}

/**
 * Shows a held comment to readers, with the jobs that causes (written only if this approval
 * was the one that showed it); false when it was not held (approved or deleted meanwhile).
 */
export async function approveComment(write: Db["write"], id: string, jobs: NewJob[] = []): Promise<boolean> {
  const [result] = await write((db) =>
    db.batch([
      db
        .update(Comment)
        .set({ status: "visible" })
        .where(and(eq(Comment.id, id), isHeld)),
      ...jobInserts(db, jobs, sql`changes() = 1`),
    ]),
  );
  return result.rowsAffected === 1;
}

/** Deletes a held comment; false when it was not held. */
export async function rejectComment(write: Db["write"], id: string): Promise<boolean> {
  const result = await write((db) =>
    db
      .update(Comment)
      .set({ status: "deleted" })
      .where(and(eq(Comment.id, id), isHeld)),
  );
  return result.rowsAffected === 1;
}
