import { TRPCError } from "@trpc/server";
import { cacheTags } from "../../lib/cache-tags.ts";
import { COMMENT_EDIT_WINDOW_MS } from "../../lib/constants.ts";
import { renderCommentMarkdown } from "../../lib/markdown.ts";
import { can } from "../../lib/permissions.ts";
import { CommentCreateInput, CommentEditInput, CommentId, CommentListInput, PostId } from "../../lib/schemas.ts";
import { found } from "../errors.ts";
import { eventJobs } from "../events.ts";
import { siteSettings } from "../settings.ts";
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

type Viewer = { id: string; role?: string | null };

/** The post's author, or an editor, moderates its comments. */
function moderates(viewer: Viewer, postAuthorId: string): boolean {
  return (
    can(viewer.role, { comment: ["moderate-any"] }) || (viewer.id === postAuthorId && can(viewer.role, { comment: ["moderate-own-posts"] }))
  );
}

function assertModerates(viewer: Viewer, postAuthorId: string) {
  if (!moderates(viewer, postAuthorId)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the post's author or an editor moderates its comments" });
  }
}

/**
 * Whether the site holds this comment for a moderator: it does when its settings say
 * "hold-first" and readers see no comment of the commenter's yet, unless the commenter
 * moderates this post (and so would approve it themself).
 */
async function heldForModeration(ctx: Context & { user: Viewer }, mode: string, postAuthorId: string): Promise<boolean> {
  if (mode !== "hold-first" || moderates(ctx.user, postAuthorId)) return false;
  return !(await comments.hasVisibleComment(ctx.db, ctx.user.id));
}

const NOT_HELD = "This comment is not awaiting moderation (it was approved or deleted meanwhile)";

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

  /**
   * A new comment or reply: visible at once, or held for a moderator (`held`) when the site
   * holds newcomers' first comments. Refused while the site's comments are off.
   */
  create: commenterProcedure.input(CommentCreateInput).mutation(async ({ ctx, input }) => {
    const mode = (await siteSettings(ctx.db)).comments;
    if (mode === "off") throw new TRPCError({ code: "FORBIDDEN", message: "Comments are closed on this site" });
    const postAuthorId = await comments.publicPostAuthor(ctx.db, input.postId);
    if (!postAuthorId) throw new TRPCError({ code: "NOT_FOUND", message: "No published post with that id" });
    if (input.parentId) await assertMayReplyTo(ctx, input.postId, input.parentId);
    const held = await heldForModeration(ctx, mode, postAuthorId);
    const html = await renderCommentMarkdown(input.body, ctx.user.id);
    const fields = { ...input, parentId: input.parentId ?? null, authorId: ctx.user.id, html };
    const comment = await comments.addComment(ctx.write, fields, held ? "held" : "visible", (commentId) =>
      eventJobs(ctx.db, { type: "comment.created", commentId, postId: input.postId }),
    );
    // Nobody sees a held comment yet: no page changed.
    if (!held) await ctx.purge(commentPageTags(input.postId));
    return { ...comments.toPublic(comment, asAuthor(ctx.user)), held };
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

  /** Comments waiting for a moderator: on every post for an editor, on their own posts for an author. */
  held: protectedProcedure.query(({ ctx }) => {
    if (can(ctx.user.role, { comment: ["moderate-any"] })) return comments.heldComments(ctx.db, "all");
    if (can(ctx.user.role, { comment: ["moderate-own-posts"] })) return comments.heldComments(ctx.db, { postAuthorId: ctx.user.id });
    throw new TRPCError({ code: "FORBIDDEN", message: "Only authors and editors moderate comments" });
  }),

  /** Shows a held comment to readers. */
  approve: moderatorProcedure.mutation(async ({ ctx }) => {
    // Readers meet it now: to anyone listening, it is new now.
    const jobs = await eventJobs(ctx.db, { type: "comment.created", commentId: ctx.comment.id, postId: ctx.comment.postId });
    if (!(await comments.approveComment(ctx.write, ctx.comment.id, jobs))) throw new TRPCError({ code: "CONFLICT", message: NOT_HELD });
    await ctx.purge(commentPageTags(ctx.comment.postId));
    return { id: ctx.comment.id };
  }),

  /** Deletes a held comment: readers never saw it, so no page changes. */
  reject: moderatorProcedure.mutation(async ({ ctx }) => {
    if (!(await comments.rejectComment(ctx.write, ctx.comment.id))) throw new TRPCError({ code: "CONFLICT", message: NOT_HELD });
    return { id: ctx.comment.id };
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
