import { TRPCError } from "@trpc/server";
import { and, asc, eq, gt, inArray, isNull, ne, or, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Comment, Post, user, type CommentRow } from "../../../db/schema.ts";
import { preparedOnce } from "../../../db/client.ts";
import { cacheTags } from "../../lib/cache-tags.ts";
import { COMMENT_EDIT_WINDOW_MS } from "../../lib/constants.ts";
import { renderCommentMarkdown } from "../../lib/markdown.ts";
import { can } from "../../lib/permissions.ts";
import { CommentCreateInput, CommentEditInput, CommentId, CommentListInput, PostId } from "../../lib/schemas.ts";
import { commenterProcedure, createTRPCRouter, protectedProcedure, publicProcedure, type Context } from "../trpc.ts";
import { visibleNow } from "../queries/posts.ts";

export { COMMENT_EDIT_WINDOW_MS };

const authorColumns = { id: user.id, name: user.name, image: user.image };

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

function toPublic(
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

/** The post's id if it is public at `now`. Prepared once: every comment write asks. */
const publicPost = preparedOnce((db) =>
  db
    .select({ id: Post.id })
    .from(Post)
    .where(and(eq(Post.id, sql.placeholder("id")), visibleNow(sql.placeholder("now"))))
    .limit(1)
    .prepare(),
);

/** Throws unless the post is public now. Reads only its id: its body is not needed here. */
async function assertPublicPost(ctx: Context, postId: string) {
  const [post] = await publicPost(ctx.db).all({ id: postId, now: new Date() });
  if (!post) throw new TRPCError({ code: "NOT_FOUND", message: "No published post with that id" });
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
      status: "visible",
      createdAt: sql.placeholder("createdAt"),
    })
    .prepare(),
);

async function findComment(ctx: Context, id: string) {
  const [row] = await ctx.db
    .select({ comment: Comment, postAuthorId: Post.authorId })
    .from(Comment)
    .innerJoin(Post, eq(Post.id, Comment.postId))
    .where(eq(Comment.id, id))
    .limit(1);
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No comment with that id" });
  return row;
}

/** The post's author, or an editor, moderates its comments. */
function mayModerate(viewer: { id: string; role?: string | null }, postAuthorId: string) {
  return (
    can(viewer.role, { comment: ["moderate-any"] }) || (viewer.id === postAuthorId && can(viewer.role, { comment: ["moderate-own-posts"] }))
  );
}

/** A comment shows on its post's page (and names its author there). */
const commentPageTags = (postId: string) => [cacheTags.post(postId)];

export const commentRouter = createTRPCRouter({
  /**
   * A post's thread, oldest first, a page of top-level comments at a time with all their
   * replies. Hidden and deleted comments with replies stay as placeholders.
   */
  byPost: publicProcedure.input(CommentListInput).query(async ({ ctx, input }) => {
    await assertPublicPost(ctx, input.postId);
    const after = input.cursor ? new Date(Number(input.cursor)) : undefined;
    if (after && Number.isNaN(after.getTime())) throw new TRPCError({ code: "BAD_REQUEST", message: "cursor: not a valid cursor" });
    const tops = await ctx.db
      .select({ c: Comment, author: authorColumns })
      .from(Comment)
      .innerJoin(user, eq(user.id, Comment.authorId))
      .where(and(eq(Comment.postId, input.postId), isNull(Comment.parentId), after ? gt(Comment.createdAt, after) : undefined))
      .orderBy(asc(Comment.createdAt), asc(Comment.id))
      .limit(input.limit + 1);
    const page = tops.slice(0, input.limit);
    const replies = page.length
      ? await ctx.db
          .select({ c: Comment, author: authorColumns })
          .from(Comment)
          .innerJoin(user, eq(user.id, Comment.authorId))
          // The post's id too, so the (post, parent) index finds them without a scan.
          .where(
            and(
              eq(Comment.postId, input.postId),
              inArray(
                Comment.parentId,
                page.map((t) => t.c.id),
              ),
              eq(Comment.status, "visible"),
            ),
          )
          .orderBy(asc(Comment.createdAt), asc(Comment.id))
      : [];
    const items = page
      .map((t) => ({
        ...toPublic(t.c, t.author),
        replies: replies.filter((r) => r.c.parentId === t.c.id).map((r) => toPublic(r.c, r.author)),
      }))
      .filter((t) => !t.removed || t.replies.length > 0);
    const last = page.at(-1);
    return { items, nextCursor: tops.length > input.limit && last ? String(last.c.createdAt.getTime()) : null };
  }),

  /** Hidden comments on a post, for the people who may unhide them. */
  hidden: protectedProcedure.input(PostId).query(async ({ ctx, input }) => {
    const [post] = await ctx.db.select().from(Post).where(eq(Post.id, input.id)).limit(1);
    if (!post) throw new TRPCError({ code: "NOT_FOUND", message: "No post with that id" });
    if (!mayModerate(ctx.user, post.authorId))
      throw new TRPCError({ code: "FORBIDDEN", message: "Only the post's author or an editor moderates its comments" });
    const rows = await ctx.db
      .select({ c: Comment, author: authorColumns })
      .from(Comment)
      .innerJoin(user, eq(user.id, Comment.authorId))
      .where(and(eq(Comment.postId, input.id), eq(Comment.status, "hidden")))
      .orderBy(asc(Comment.createdAt));
    return rows.map((r) => ({ id: r.c.id, parentId: r.c.parentId, html: r.c.html, author: r.author, createdAt: r.c.createdAt }));
  }),

  create: commenterProcedure.input(CommentCreateInput).mutation(async ({ ctx, input }) => {
    await assertPublicPost(ctx, input.postId);
    if (input.parentId) {
      const [parent] = await ctx.db.select().from(Comment).where(eq(Comment.id, input.parentId)).limit(1);
      if (!parent || parent.postId !== input.postId || parent.status !== "visible") {
        throw new TRPCError({ code: "NOT_FOUND", message: "parentId: The comment you are replying to is gone" });
      }
      if (parent.parentId)
        throw new TRPCError({ code: "BAD_REQUEST", message: "parentId: Replies go one level deep: reply to the comment above" });
    }
    const comment = {
      id: randomUUID(),
      postId: input.postId,
      authorId: ctx.user.id,
      parentId: input.parentId ?? null,
      body: input.body,
      html: await renderCommentMarkdown(input.body, ctx.user.id),
      status: "visible" as const,
      createdAt: new Date(),
      editedAt: null,
    };
    await ctx.write((db) => insertComment(db).run(comment));
    await ctx.purge(commentPageTags(input.postId));
    return toPublic(comment, { id: ctx.user.id, name: ctx.user.name, image: ctx.user.image ?? null });
  }),

  edit: protectedProcedure.input(CommentEditInput).mutation(async ({ ctx, input }) => {
    const { comment } = await findComment(ctx, input.id);
    if (comment.authorId !== ctx.user.id || !can(ctx.user.role, { comment: ["edit-own"] })) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only edit your own comments" });
    }
    if (comment.status === "deleted") throw new TRPCError({ code: "NOT_FOUND", message: "This comment was deleted" });
    if (Date.now() - comment.createdAt.getTime() > COMMENT_EDIT_WINDOW_MS) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Comments can be edited for 15 minutes after posting" });
    }
    const html = await renderCommentMarkdown(input.body, ctx.user.id);
    const editedAt = new Date();
    await ctx.write((db) => db.update(Comment).set({ body: input.body, html, editedAt }).where(eq(Comment.id, comment.id)));
    await ctx.purge(commentPageTags(comment.postId));
    return toPublic(
      { ...comment, body: input.body, html, editedAt },
      { id: ctx.user.id, name: ctx.user.name, image: ctx.user.image ?? null },
    );
  }),

  delete: protectedProcedure.input(CommentId).mutation(async ({ ctx, input }) => {
    const { comment } = await findComment(ctx, input.id);
    if (comment.authorId !== ctx.user.id || !can(ctx.user.role, { comment: ["delete-own"] })) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only delete your own comments" });
    }
    await ctx.write((db) => db.update(Comment).set({ status: "deleted" }).where(eq(Comment.id, comment.id)));
    await ctx.purge(commentPageTags(comment.postId));
    return { id: comment.id };
  }),

  hide: protectedProcedure.input(CommentId).mutation(async ({ ctx, input }) => {
    const { comment, postAuthorId } = await findComment(ctx, input.id);
    if (!mayModerate(ctx.user, postAuthorId))
      throw new TRPCError({ code: "FORBIDDEN", message: "Only the post's author or an editor moderates its comments" });
    await ctx.write((db) =>
      db
        .update(Comment)
        .set({ status: "hidden" })
        .where(and(eq(Comment.id, comment.id), ne(Comment.status, "deleted"))),
    );
    await ctx.purge(commentPageTags(comment.postId));
    return { id: comment.id };
  }),

  unhide: protectedProcedure.input(CommentId).mutation(async ({ ctx, input }) => {
    const { comment, postAuthorId } = await findComment(ctx, input.id);
    if (!mayModerate(ctx.user, postAuthorId))
      throw new TRPCError({ code: "FORBIDDEN", message: "Only the post's author or an editor moderates its comments" });
    await ctx.write((db) =>
      db
        .update(Comment)
        .set({ status: "visible" })
        .where(and(eq(Comment.id, comment.id), or(eq(Comment.status, "hidden")))),
    );
    await ctx.purge(commentPageTags(comment.postId));
    return { id: comment.id };
  }),
});
