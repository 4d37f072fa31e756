import { TRPCError } from "@trpc/server";
import { cacheTags } from "../../lib/cache-tags.ts";
import { COMMENT_EDIT_WINDOW_MS } from "../../lib/constants.ts";
import { renderCommentMarkdown } from "../../lib/markdown.ts";
import { can } from "../../lib/permissions.ts";
import { CommentCreateInput, CommentEditInput, CommentId, CommentListInput, PostId } from "../../lib/schemas.ts";
import { found } from "../errors.ts";
import { commenterProcedure, createTRPCRouter, protectedProcedure, publicProcedure, type Context } from "../trpc.ts";
import * as comments from "../queries/comments.ts";
import { postById } from "../queries/posts.ts";

export type { PublicComment } from "../queries/comments.ts";

const NO_COMMENT = "No comment with that id";

/** Throws NOT_FOUND unless the post is public now. */
async function assertPublicPost(ctx: Context, postId: string) {
  if (!(await comments.isPublicPost(ctx.db, postId))) throw new TRPCError({ code: "NOT_FOUND", message: "No published post with that id" });
}

/** A reply goes under a visible top-level comment of the same post. */
async function assertMayReplyTo(ctx: Context, postId: string, parentId: string) {
  const parent = await comments.commentById(ctx.db, parentId);
  if (!parent || parent.postId !== postId || parent.status !== "visible") {
    throw new TRPCError({ code: "NOT_FOUND", message: "parentId: The comment you are replying to is gone" });
  }
  if (parent.parentId)
    throw new TRPCError({ code: "BAD_REQUEST", message: "parentId: Replies go one level deep: reply to the comment above" });
}

/** The post's author, or an editor, moderates its comments. */
function assertModerates(viewer: { id: string; role?: string | null }, postAuthorId: string) {
  const may =
    can(viewer.role, { comment: ["moderate-any"] }) ||
    (viewer.id === postAuthorId && can(viewer.role, { comment: ["moderate-own-posts"] }));
  if (!may) throw new TRPCError({ code: "FORBIDDEN", message: "Only the post's author or an editor moderates its comments" });
}

/** Signed in, and moderates the post of the comment `input.id` names (in `ctx.comment`). */
const moderatorProcedure = protectedProcedure.input(CommentId).use(async ({ ctx, input, next }) => {
  const { comment, postAuthorId } = found(await comments.commentWithPostAuthor(ctx.db, input.id), NO_COMMENT);
  assertModerates(ctx.user, postAuthorId);
  return next({ ctx: { comment } });
});

/** A comment shows on its post's page (and names its author there). */
const commentPageTags = (postId: string) => [cacheTags.post(postId)];

const asAuthor = (user: { id: string; name: string; image?: string | null }) => ({
  id: user.id,
  name: user.name,
  image: user.image ?? null,
});

export const commentRouter = createTRPCRouter({
  /**
   * A post's thread, oldest first, a page of top-level comments at a time with all their
   * replies. Hidden and deleted comments with replies stay as placeholders.
   */
  byPost: publicProcedure.input(CommentListInput).query(async ({ ctx, input }) => {
    await assertPublicPost(ctx, input.postId);
    const after = input.cursor ? new Date(Number(input.cursor)) : undefined;
    if (after && Number.isNaN(after.getTime())) throw new TRPCError({ code: "BAD_REQUEST", message: "cursor: not a valid cursor" });
    return comments.thread(ctx.db, input.postId, { after, limit: input.limit });
  }),

  /** Hidden comments on a post, for the people who may unhide them. */
  hidden: protectedProcedure.input(PostId).query(async ({ ctx, input }) => {
    const post = found(await postById(ctx.db, input.id), "No post with that id");
    assertModerates(ctx.user, post.authorId);
    return comments.hiddenOn(ctx.db, input.id);
  }),

  create: commenterProcedure.input(CommentCreateInput).mutation(async ({ ctx, input }) => {
    await assertPublicPost(ctx, input.postId);
    if (input.parentId) await assertMayReplyTo(ctx, input.postId, input.parentId);
    const html = await renderCommentMarkdown(input.body, ctx.user.id);
    const comment = await comments.addComment(ctx.write, { ...input, parentId: input.parentId ?? null, authorId: ctx.user.id, html });
    await ctx.purge(commentPageTags(input.postId));
    return comments.toPublic(comment, asAuthor(ctx.user));
  }),

  edit: protectedProcedure.input(CommentEditInput).mutation(async ({ ctx, input }) => {
    const { comment } = found(await comments.commentWithPostAuthor(ctx.db, input.id), NO_COMMENT);
    if (comment.authorId !== ctx.user.id || !can(ctx.user.role, { comment: ["edit-own"] })) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only edit your own comments" });
    }
    if (comment.status === "deleted") throw new TRPCError({ code: "NOT_FOUND", message: "This comment was deleted" });
    if (Date.now() - comment.createdAt.getTime() > COMMENT_EDIT_WINDOW_MS) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Comments can be edited for 15 minutes after posting" });
    }
    const change = { body: input.body, html: await renderCommentMarkdown(input.body, ctx.user.id), editedAt: new Date() };
    await comments.editComment(ctx.write, comment.id, change);
    await ctx.purge(commentPageTags(comment.postId));
    return comments.toPublic({ ...comment, ...change }, asAuthor(ctx.user));
  }),

  delete: protectedProcedure.input(CommentId).mutation(async ({ ctx, input }) => {
    const { comment } = found(await comments.commentWithPostAuthor(ctx.db, input.id), NO_COMMENT);
    if (comment.authorId !== ctx.user.id || !can(ctx.user.role, { comment: ["delete-own"] })) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only delete your own comments" });
    }
    await comments.deleteComment(ctx.write, comment.id);
    await ctx.purge(commentPageTags(comment.postId));
    return { id: comment.id };
  }),

  hide: moderatorProcedure.mutation(async ({ ctx }) => {
    await comments.hideComment(ctx.write, ctx.comment.id);
    await ctx.purge(commentPageTags(ctx.comment.postId));
    return { id: ctx.comment.id };
  }),

  unhide: moderatorProcedure.mutation(async ({ ctx }) => {
    await comments.unhideComment(ctx.write, ctx.comment.id);
    await ctx.purge(commentPageTags(ctx.comment.postId));
    return { id: ctx.comment.id };
  }),
});
