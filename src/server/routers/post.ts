import { TRPCError } from "@trpc/server";
import type { PostRow } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { renderMarkdown } from "../../lib/markdown.ts";
import { mediaHashesIn } from "../../lib/markdown-media.ts";
import { pageTags } from "../../lib/cache-tags.ts";
import { can, managesPages } from "../../lib/permissions.ts";
import { isReservedSlug, reservedSlugMessage } from "../../lib/reserved-slugs.ts";
import {
  PostBySlugInput,
  PostCreateInput,
  PostId,
  PostListInput,
  PostPublishInput,
  PostUpdateInput,
  PreviewInput,
  RestoreInput,
  SearchInput,
} from "../../lib/schemas.ts";
import { found, PostConflict } from "../errors.ts";
import { authorProcedure, createTRPCRouter, PAGES_FORBIDDEN, publicProcedure, type Context } from "../trpc.ts";
import { mediaByHashes } from "../queries/media.ts";
import * as posts from "../queries/posts.ts";
import { effectiveStatus, publicTags } from "../queries/posts.ts";
import * as postWrites from "../queries/post-writes.ts";
import { isUniqueViolation, type Edit } from "../queries/post-writes.ts";
import * as revisions from "../queries/revisions.ts";
import { searchPublic } from "../queries/search.ts";
import { eventJobs } from "../events.ts";
import { siteSettings } from "../settings.ts";
import { normalizeTags, tagsOfPost, type TagRef } from "../queries/tags.ts";
import { OwnPostsOutput, PostDeleted, PostOutput } from "../../lib/api-schemas.ts";
import { rest } from "../api/rest-meta.ts";

const NO_POST = "No post with that id";
const NO_REVISION = "No revision with that id";

const findPost = async (db: Database, id: string) => found(await posts.postById(db, id), NO_POST);
const postWithTags = async (db: Database, id: string) => found(await posts.postWithTags(db, id), NO_POST);
const tagSlugsOf = async (db: Database, id: string) => (await tagsOfPost(db, id)).map((t) => t.slug);

type Signed = Context & { user: { id: string; role?: string | null } };

/**
 * Renders a post's Markdown with the stored images it names, looked up here: the render
 * thread gets them as plain data.
 */
async function render(ctx: Signed, body: string) {
  const media = await mediaByHashes(ctx.db, mediaHashesIn(body));
  return renderMarkdown(body, ctx.user.id, [...media.values()]);
}

/** A cover must be an image this site stores; the editor keeps the post's text either way. */
async function checkCover(db: Database, cover: Edit["cover"]) {
  if (cover && !(await mediaByHashes(db, [cover.hash])).has(cover.hash)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "cover: No uploaded image has that hash; upload it again" });
  }
}

type Action = "update" | "publish" | "delete";

/** Pages are the site's, not their author's: whoever manages pages may change any of them. */
function assertManagesPages(user: Signed["user"], action: Action | "create") {
  if (!managesPages(user.role, action)) throw new TRPCError({ code: "FORBIDDEN", message: PAGES_FORBIDDEN });
}

/** Loads a post the signed-in user may change: their own, or any for an editor; a page, for those who manage pages. */
async function findOwnedPost(ctx: Signed, id: string, action: Action) {
  const post = await findPost(ctx.db, id);
  if (post.kind === "page") {
    assertManagesPages(ctx.user, action);
    return post;
  }
  if (ctx.apiKey?.draftsOnly && (action !== "update" || effectiveStatus(post) !== "draft")) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This API key may only write drafts" });
  }
  const own = post.authorId === ctx.user.id;
  if (!can(ctx.user.role, { post: [`${action}-${own ? "own" : "any"}`] })) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This post is not yours" });
  }
  return post;
}

/** Drafts and scheduled posts are read by their owner and editors only; draft pages by those who manage pages. */
function mayReadUnpublished(viewer: { id: string; role?: string | null } | undefined, post: PostRow) {
  if (viewer && post.kind === "page") return managesPages(viewer.role);
  return Boolean(viewer && (viewer.id === post.authorId || can(viewer.role, { post: ["update-any"] })));
}

// Posts and pages share the slug column (and so its uniqueness).
const slugTaken = (e: unknown): never => {
  throw isUniqueViolation(e) ? new TRPCError({ code: "CONFLICT", message: "slug: Another post or page already uses this slug" }) : e;
};

const badInput = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

/**
 * What a page cannot have that a post can: tags (it is in no tag's list) and one of the
 * site's own addresses (it is served at /<slug>, where the site's routes win).
 */
function checkPageFields(page: { slug?: string; tags?: readonly unknown[] }, before?: PostRow) {
  if (page.tags?.length) throw badInput("tags: A page has no tags; leave them out");
  // A page saved before an address became the site's keeps it until its slug is changed.
  if (page.slug !== undefined && page.slug !== before?.slug && isReservedSlug(page.slug))
    throw badInput(`slug: ${reservedSlugMessage(page.slug)}`);
}

/**
 * What a change to a public post or page makes stale, as it stands before the change. For a
 * page, `linkChanged` says whether links to it change too (see pageTags).
 */
async function staleTags(ctx: Signed, post: PostRow, tagSlugs: string[], linkChanged = true) {
  return post.kind === "page" ? pageTags(post, linkChanged) : publicTags(ctx.db, post, tagSlugs);
}

/** Keeps the text that lost a conflict as a revision, then answers CONFLICT with the server's copy. */
async function conflict(ctx: Signed, postId: string, baseVersion: number, edit: Edit): Promise<never> {
  await revisions.keepConflict(ctx.write, { postId, baseVersion, edit, by: ctx.user.id });
  const current = await postWithTags(ctx.db, postId);
  throw new TRPCError({
    code: "CONFLICT",
    message: `Someone saved this post while you were editing (it is now at version ${current.version}). Your text is kept as a revision.`,
    cause: new PostConflict(current),
  });
}

/**
 * Saves `edit` over `post` if it is still at `baseVersion` (else CONFLICT), purges the
 * pages a public post is on (its tags before and after), and answers the saved post.
 */
async function commitEdit(ctx: Signed, post: PostRow, baseVersion: number, edit: Edit, kind: "save" | "restore", before: TagRef[]) {
  if (post.version !== baseVersion) return conflict(ctx, post.id, baseVersion, edit);
  const rendered = await render(ctx, edit.body);
  const after = { ...post, title: edit.title, slug: edit.slug, version: baseVersion + 1 };
  const jobs = await eventJobs(ctx.db, { type: "post.updated", post: after });
  const saved = await postWrites
    .saveEdit(ctx.write, { postId: post.id, baseVersion, edit, rendered, kind, by: ctx.user.id, jobs })
    .catch(slugTaken);
  if (!saved) return conflict(ctx, post.id, baseVersion, edit);
  if (effectiveStatus(post) !== "draft") {
    const linkChanged = edit.title !== post.title || edit.slug !== post.slug;
    await ctx.purge(
      await staleTags(
        ctx,
        post,
        [...before, ...edit.tags].map((t) => t.slug),
        linkChanged,
      ),
    );
  }
  return postWithTags(ctx.db, post.id);
}

/**
 * A page goes live at once: menus on every page link to it, and a schedule coming due purges
 * nothing, so a menu would show it late or the page would not show at all.
 */
async function publishPage(ctx: Signed, page: PostRow, at: Date | undefined, email: boolean | undefined) {
  if (at && at.getTime() > Date.now()) throw badInput("at: A page is published at once; it cannot be scheduled");
  const state = postWrites.publishedState(page, undefined);
  const jobs = await eventJobs(ctx.db, { type: "page.published", post: { ...page, ...state, version: page.version + 1 }, email });
  await postWrites.publish(ctx.write, page, state, jobs);
  await ctx.purge(pageTags(page, effectiveStatus(page) !== "published"));
  return postWithTags(ctx.db, page.id);
}

/** The builders of procedures the Admin API also serves over REST, at these addresses (src/http/admin-api.ts). */
const overRest = {
  byId: publicProcedure.meta(rest("GET", "/posts/{id}", "A post or page: a draft only for who may edit it")).output(PostOutput),
  mine: authorProcedure.meta(rest("GET", "/posts", "Your own posts, whatever their state, last changed first")).output(OwnPostsOutput),
  create: authorProcedure.meta(rest("POST", "/posts", "A new draft post, or a page with kind: page")).output(PostOutput),
  update: authorProcedure
    .meta(rest("PATCH", "/posts/{id}", "Changes a post or page (its tags too), from the version you read"))
    .output(PostOutput),
  publish: authorProcedure
    .meta(rest("POST", "/posts/{id}/publish", "Publishes now, or schedules it for the time in at when that is in the future"))
    .output(PostOutput),
  unpublish: authorProcedure.meta(rest("POST", "/posts/{id}/unpublish", "Back to a draft")).output(PostOutput),
  delete: authorProcedure.meta(rest("DELETE", "/posts/{id}", "Deletes a post or page")).output(PostDeleted),
};

export const postRouter = createTRPCRouter({
  /** Public posts, newest first; `refreshAt` says when a scheduled post will change this list. */
  list: publicProcedure.input(PostListInput).query(async ({ ctx, input }) => {
    const after = input.cursor ? posts.decodeCursor(input.cursor) : undefined;
    if (after === null) throw new TRPCError({ code: "BAD_REQUEST", message: "cursor: not a valid cursor" });
    const limit = input.limit ?? (await siteSettings(ctx.db)).postsPerPage;
    return posts.publicPage(ctx.db, { ...input, limit, after });
  }),

  /** Ranked full-text search over public posts and pages, with highlighted, escaped snippets. */
  search: publicProcedure.input(SearchInput).query(({ ctx, input }) => searchPublic(ctx.db, input)),

  /** Every public page with its last change, for the sitemap. */
  sitemap: publicProcedure.query(({ ctx }) => posts.sitemapEntries(ctx.db)),

  bySlug: publicProcedure
    .input(PostBySlugInput)
    .query(async ({ ctx, input }) => found(await posts.publicPostBySlug(ctx.db, input.slug), "No published post at this address")),

  /** Public posts for anyone; drafts and scheduled posts only for their owner and editors (others: NOT_FOUND). */
  byId: overRest.byId.input(PostId).query(async ({ ctx, input }) => {
    const post = await postWithTags(ctx.db, input.id);
    const status = effectiveStatus(post);
    if (status !== "published" && !mayReadUnpublished(ctx.session?.user, post))
      throw new TRPCError({ code: "NOT_FOUND", message: NO_POST });
    return { ...post, status };
  }),

  mine: overRest.mine.query(({ ctx }) => posts.postsBy(ctx.db, ctx.user.id)),

  preview: authorProcedure.input(PreviewInput).mutation(async ({ ctx, input }) => {
    const { html } = await render(ctx, input.body);
    return { html };
  }),

  create: overRest.create.input(PostCreateInput).mutation(async ({ ctx, input }) => {
    if (input.kind === "page") {
      assertManagesPages(ctx.user, "create");
      checkPageFields(input);
    }
    const body = input.body ?? "";
    const tags = normalizeTags(input.tags ?? []);
    const rendered = await render(ctx, body);
    const id = await postWrites.createDraft(ctx.write, { ...input, body, tags, rendered, authorId: ctx.user.id }).catch(slugTaken);
    // A new draft is on no public page: nothing to purge.
    return postWithTags(ctx.db, id);
  }),

  update: overRest.update.input(PostUpdateInput).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "update");
    if (post.kind === "page") checkPageFields(input, post);
    const before = await tagsOfPost(ctx.db, post.id);
    const edit: Edit = {
      title: input.title ?? post.title,
      slug: input.slug ?? post.slug,
      body: input.body ?? post.body,
      excerpt: input.excerpt ?? (post.excerptCustom ? post.excerpt : ""),
      tags: input.tags ? normalizeTags(input.tags) : before,
      cover: input.cover,
      lang: input.lang,
    };
    await checkCover(ctx.db, edit.cover);
    return commitEdit(ctx, post, input.version, edit, "save", before);
  }),

  /** Publishes now, or schedules for `at` when that is in the future (a post only). */
  publish: overRest.publish.input(PostPublishInput).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "publish");
    if (post.kind === "page") return publishPage(ctx, post, input.at, input.email);
    const tagSlugs = await tagSlugsOf(ctx.db, post.id);
    // Where it sat among public posts before the change, if it was public.
    const wasPublic = effectiveStatus(post) === "published" ? await publicTags(ctx.db, post, tagSlugs) : [];
    const state = postWrites.publishedState(post, input.at);
    const jobs = await eventJobs(ctx.db, {
      type: "post.published",
      post: { ...post, ...state, version: post.version + 1 },
      email: input.email,
    });
    await postWrites.publish(ctx.write, post, state, jobs);
    // A schedule also purges: cached lists must learn when the post goes live.
    const published = await findPost(ctx.db, post.id);
    await ctx.purge([...new Set([...wasPublic, ...(await publicTags(ctx.db, published, tagSlugs))])]);
    return postWithTags(ctx.db, post.id);
  }),

  unpublish: overRest.unpublish.input(PostId).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "publish");
    // A post's pages are purged even from a draft (cheap, and harmless); a page's purge
    // drops every cached page, so only when readers could see it.
    const stale =
      post.kind === "page" && effectiveStatus(post) === "draft" ? [] : await staleTags(ctx, post, await tagSlugsOf(ctx.db, post.id));
    const jobs = await eventJobs(ctx.db, { type: "post.unpublished", post: { ...post, status: "draft", version: post.version + 1 } });
    await postWrites.unpublish(ctx.write, post, jobs);
    if (stale.length) await ctx.purge(stale);
    return postWithTags(ctx.db, post.id);
  }),

  delete: overRest.delete.input(PostId).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "delete");
    const tagSlugs = await tagSlugsOf(ctx.db, post.id);
    const stale = effectiveStatus(post) !== "draft" ? await staleTags(ctx, post, tagSlugs) : [];
    await postWrites.deletePost(ctx.write, post.id, await eventJobs(ctx.db, { type: "post.deleted", post }));
    if (stale.length) await ctx.purge(stale);
    return { id: post.id };
  }),

  revisions: authorProcedure.input(PostId).query(async ({ ctx, input }) => {
    await findOwnedPost(ctx, input.id, "update");
    return revisions.revisionsOf(ctx.db, input.id);
  }),

  revision: authorProcedure.input(PostId).query(async ({ ctx, input }) => {
    const revision = found(await revisions.revisionById(ctx.db, input.id), NO_REVISION);
    await findOwnedPost(ctx, revision.postId, "update");
    return revision;
  }),

  /** Puts an old revision's text back; the restore is itself a new revision. */
  restore: authorProcedure.input(RestoreInput).mutation(async ({ ctx, input }) => {
    const revision = found(await revisions.revisionById(ctx.db, input.revisionId), NO_REVISION);
    const post = await findOwnedPost(ctx, revision.postId, "update");
    const before = await tagsOfPost(ctx.db, post.id);
    const edit: Edit = { title: revision.title, slug: post.slug, body: revision.body, excerpt: "", tags: normalizeTags(revision.tags) };
    return commitEdit(ctx, post, input.version, edit, "restore", before);
  }),
});
