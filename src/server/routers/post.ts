import { TRPCError } from "@trpc/server";
import { and, desc, eq, max, sql, type SQL } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Post, PostTag, Revision, Tag, user, type PostRow } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { renderMarkdown } from "../../lib/markdown.ts";
import { can } from "../../lib/permissions.ts";
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
import { slugify } from "../../lib/slug.ts";
import { authorProcedure, createTRPCRouter, publicProcedure, type Context } from "../trpc.ts";
import { PostConflict } from "../errors.ts";
import * as queries from "../queries/posts.ts";
import {
  authorColumns,
  byPost,
  byTag,
  decodeCursor,
  effectiveStatus,
  encodeCursor,
  freeSlug,
  ftsQuery,
  isUniqueViolation,
  listColumns,
  marked,
  neighbours,
  nextScheduled,
  normalizeTags,
  publicBefore,
  publicTags,
  setTagStatements,
  tagsOf,
  tagsOfPost,
  visibleNow,
  type Edit,
} from "../queries/posts.ts";

async function findPost(db: Database, id: string): Promise<PostRow> {
  const post = await queries.postById(db, id);
  if (!post) throw new TRPCError({ code: "NOT_FOUND", message: "No post with that id" });
  return post;
}

async function postWithTags(db: Database, id: string) {
  const post = await queries.postWithTags(db, id);
  if (!post) throw new TRPCError({ code: "NOT_FOUND", message: "No post with that id" });
  return post;
}

type Action = "update" | "publish" | "delete";
type Signed = Context & { user: { id: string; role?: string | null } };

/** Loads a post the signed-in user may change: their own, or any for an editor. */
async function findOwnedPost(ctx: Signed, id: string, action: Action) {
  const post = await findPost(ctx.db, id);
  const own = post.authorId === ctx.user.id;
  if (!can(ctx.user.role, { post: [`${action}-${own ? "own" : "any"}`] })) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This post is not yours" });
  }
  return post;
}

const slugTaken = () => new TRPCError({ code: "CONFLICT", message: "slug: Another post already uses this slug" });

/** Saves an edit from `baseVersion`; false when someone saved another version first. */
async function saveEdit(ctx: Signed, post: PostRow, baseVersion: number, edit: Edit, kind: "save" | "restore") {
  const rendered = await renderMarkdown(edit.body, ctx.user.id);
  return queries.saveEdit(ctx.write, { postId: post.id, baseVersion, edit, rendered, kind, by: ctx.user.id });
}

/** Keeps the text that lost a conflict as a revision, then answers CONFLICT with the server's copy. */
async function conflict(ctx: Signed, postId: string, baseVersion: number, edit: Edit): Promise<never> {
  await queries.keepConflict(ctx.write, { postId, baseVersion, edit, by: ctx.user.id });
  const current = await postWithTags(ctx.db, postId);
  throw new TRPCError({
    code: "CONFLICT",
    message: `Someone saved this post while you were editing (it is now at version ${current.version}). Your text is kept as a revision.`,
    cause: new PostConflict(current),
  });
}

const invalidCursor = (): never => {
  throw new TRPCError({ code: "BAD_REQUEST", message: "cursor: not a valid cursor" });
};

export const postRouter = createTRPCRouter({
  /** Public posts, newest first; `refreshAt` says when a scheduled post will change this list. */
  list: publicProcedure.input(PostListInput).query(async ({ ctx, input }) => {
    const now = new Date();
    const after = input.cursor ? (decodeCursor(input.cursor) ?? invalidCursor()) : undefined;
    // A tag's page walks that tag's own index; other lists walk the posts'.
    const from = input.tag ? byTag : byPost;
    const filters: SQL[] = [publicBefore(from, after, now)];
    if (input.authorId) filters.push(eq(Post.authorId, input.authorId));
    const columns = { ...listColumns, html: input.full ? Post.html : sql<string>`''` };
    const rows = await (
      input.tag
        ? ctx.db
            .select(columns)
            .from(PostTag)
            .innerJoin(Tag, and(eq(Tag.id, PostTag.tagId), eq(Tag.slug, input.tag)))
            .innerJoin(Post, eq(Post.id, PostTag.postId))
        : ctx.db.select(columns).from(Post)
    )
      .innerJoin(user, eq(user.id, Post.authorId))
      .where(and(...filters))
      .orderBy(desc(from.at), desc(from.id))
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit);
    const tags = await tagsOf(
      ctx.db,
      items.map((p) => p.id),
    );
    const last = items.at(-1);
    return {
      items: items.map((p) => ({ ...p, tags: tags.get(p.id) ?? [] })),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
      refreshAt: await nextScheduled(ctx.db, now),
    };
  }),

  /** Ranked full-text search over public posts, with highlighted, escaped snippets. */
  search: publicProcedure.input(SearchInput).query(async ({ ctx, input }) => {
    const match = ftsQuery(input.q);
    if (!match) return { items: [], nextCursor: null, total: 0 };
    const offset = Number(input.cursor ?? 0);
    const now = Date.now();
    // Rank first, on the index alone: FTS5 drives (CROSS JOIN keeps SQLite from looking
    // the query up once per post), and snippets are made only for the page shown, so a
    // word in every post costs a sort, not ten thousand snippets.
    const rows = await ctx.db.all<{
      rid: number;
      id: string;
      slug: string;
      title: string;
      published_at: number;
      author_id: string;
      author_name: string;
      total: number;
    }>(sql`
      select hits.*, u.name as author_name, count(*) over () as total from (
        select p.rowid as rid, p.id, p.slug, p.title, p.published_at, p.author_id,
               bm25(post_fts, 10.0, 1.0) as rank
        from post_fts cross join ${Post} p on p.rowid = post_fts.rowid
        where post_fts match ${match}
          and (p.status = 'published' or (p.status = 'scheduled' and p.published_at <= ${now}))
      ) hits
      join ${user} u on u.id = hits.author_id
      order by hits.rank, hits.published_at desc, hits.id
      limit ${input.limit + 1} offset ${offset}`);
    const marks = rows.length
      ? await ctx.db.all<{ rowid: number; title_hl: string; snippet: string }>(sql`
          select rowid, highlight(post_fts, 0, char(1), char(2)) as title_hl,
                 snippet(post_fts, 1, char(1), char(2), '…', 24) as snippet
          from post_fts
          where post_fts match ${match} and rowid in (select value from json_each(${JSON.stringify(rows.map((r) => r.rid))}))`)
      : [];
    const highlights = new Map(marks.map((m) => [m.rowid, m]));
    const items = rows.slice(0, input.limit).map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      titleMarked: marked(highlights.get(r.rid)?.title_hl ?? r.title),
      snippetMarked: marked(highlights.get(r.rid)?.snippet ?? ""),
      publishedAt: new Date(r.published_at),
      author: { id: r.author_id, name: r.author_name },
    }));
    return {
      items,
      nextCursor: rows.length > input.limit ? String(offset + input.limit) : null,
      total: rows[0]?.total ?? 0,
    };
  }),

  /** Every public page with its last change, for the sitemap. */
  sitemap: publicProcedure.query(async ({ ctx }) => {
    const visible = visibleNow();
    const [posts, tags, authors] = await Promise.all([
      ctx.db.select({ slug: Post.slug, updatedAt: Post.updatedAt }).from(Post).where(visible).orderBy(desc(Post.publishedAt)),
      ctx.db
        .select({ slug: Tag.slug, lastmod: max(Post.updatedAt) })
        .from(Tag)
        .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
        .innerJoin(Post, and(eq(Post.id, PostTag.postId), visible))
        .groupBy(Tag.id),
      ctx.db
        .select({ id: Post.authorId, lastmod: max(Post.updatedAt) })
        .from(Post)
        .where(visible)
        .groupBy(Post.authorId),
    ]);
    return { posts, tags, authors };
  }),

  bySlug: publicProcedure.input(PostBySlugInput).query(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .select({ post: Post, author: { ...authorColumns, bio: user.bio } })
      .from(Post)
      .innerJoin(user, eq(user.id, Post.authorId))
      .where(and(eq(Post.slug, input.slug), visibleNow()))
      .limit(1);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No published post at this address" });
    const [tags, around, refreshAt] = await Promise.all([
      tagsOf(ctx.db, [row.post.id]),
      neighbours(ctx.db, row.post),
      nextScheduled(ctx.db),
    ]);
    return {
      ...row.post,
      status: effectiveStatus(row.post),
      author: row.author,
      tags: tags.get(row.post.id) ?? [],
      ...around,
      // A scheduled post going live may become this page's "newer" link.
      refreshAt,
    };
  }),

  /** Public posts for anyone; drafts and scheduled posts only for their owner and editors (others: NOT_FOUND). */
  byId: publicProcedure.input(PostId).query(async ({ ctx, input }) => {
    const post = await postWithTags(ctx.db, input.id);
    const status = effectiveStatus(post);
    if (status !== "published") {
      const viewer = ctx.session?.user;
      const mayRead = viewer && (viewer.id === post.authorId || can(viewer.role, { post: ["update-any"] }));
      if (!mayRead) throw new TRPCError({ code: "NOT_FOUND", message: "No post with that id" });
    }
    return { ...post, status };
  }),

  mine: authorProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db
      .select({
        id: Post.id,
        slug: Post.slug,
        title: Post.title,
        status: Post.status,
        publishedAt: Post.publishedAt,
        updatedAt: Post.updatedAt,
      })
      .from(Post)
      .where(eq(Post.authorId, ctx.user.id))
      .orderBy(desc(Post.updatedAt));
    return rows.map((p) => ({ ...p, status: effectiveStatus(p) }));
  }),

  preview: authorProcedure.input(PreviewInput).mutation(async ({ ctx, input }) => {
    const { html } = await renderMarkdown(input.body, ctx.user.id);
    return { html };
  }),

  create: authorProcedure.input(PostCreateInput).mutation(async ({ ctx, input }) => {
    const body = input.body ?? "";
    const tags = normalizeTags(input.tags ?? []);
    const rendered = await renderMarkdown(body, ctx.user.id);
    const id = randomUUID();
    const revisionId = randomUUID();
    try {
      await ctx.write(async (db) => {
        const slug = input.slug ?? (await freeSlug(db, slugify(input.title)));
        await db.batch([
          db.insert(Post).values({
            id,
            slug,
            title: input.title,
            body,
            html: rendered.html,
            excerpt: input.excerpt || rendered.excerpt,
            excerptCustom: Boolean(input.excerpt),
            status: "draft",
            authorId: ctx.user.id,
          }),
          db.insert(Revision).values({
            id: revisionId,
            postId: id,
            version: 1,
            title: input.title,
            body,
            tags: tags.map((t) => t.name),
            authorId: ctx.user.id,
          }),
          ...setTagStatements(db, id, tags, revisionId),
        ]);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw slugTaken();
      throw e;
    }
    // A new draft is on no public page: nothing to purge.
    return postWithTags(ctx.db, id);
  }),

  update: authorProcedure.input(PostUpdateInput).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "update");
    const before = await tagsOfPost(ctx.db, post.id);
    const edit: Edit = {
      title: input.title ?? post.title,
      slug: input.slug ?? post.slug,
      body: input.body ?? post.body,
      excerpt: input.excerpt ?? (post.excerptCustom ? post.excerpt : ""),
      tags: input.tags ? normalizeTags(input.tags) : before,
    };
    if (post.version !== input.version) return conflict(ctx, post.id, input.version, edit);
    const saved = await saveEdit(ctx, post, input.version, edit, "save").catch((e) => {
      throw isUniqueViolation(e) ? slugTaken() : e;
    });
    if (!saved) return conflict(ctx, post.id, input.version, edit);
    if (effectiveStatus(post) !== "draft") {
      await ctx.purge(
        await publicTags(
          ctx.db,
          post,
          [...before, ...edit.tags].map((t) => t.slug),
        ),
      );
    }
    return postWithTags(ctx.db, post.id);
  }),

  /** Publishes now, or schedules for `at` when that is in the future. */
  publish: authorProcedure.input(PostPublishInput).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "publish");
    const tagSlugs = (await tagsOfPost(ctx.db, post.id)).map((t) => t.slug);
    // Where it sat among public posts before the change, if it was public.
    const wasPublic = effectiveStatus(post) === "published" ? await publicTags(ctx.db, post, tagSlugs) : [];
    const now = new Date();
    const scheduled = input.at && input.at.getTime() > now.getTime();
    await ctx.write((db) =>
      db
        .update(Post)
        .set({
          status: scheduled ? "scheduled" : "published",
          publishedAt: scheduled ? input.at : effectiveStatus(post) === "published" ? post.publishedAt : now,
          updatedAt: now,
          version: post.version + 1,
        })
        .where(eq(Post.id, post.id)),
    );
    // A schedule also purges: cached lists must learn when the post goes live.
    const published = await findPost(ctx.db, post.id);
    await ctx.purge([...new Set([...wasPublic, ...(await publicTags(ctx.db, published, tagSlugs))])]);
    return postWithTags(ctx.db, post.id);
  }),

  unpublish: authorProcedure.input(PostId).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "publish");
    const tagSlugs = (await tagsOfPost(ctx.db, post.id)).map((t) => t.slug);
    const stale = await publicTags(ctx.db, post, tagSlugs);
    await ctx.write((db) =>
      db
        .update(Post)
        .set({ status: "draft", updatedAt: new Date(), version: post.version + 1 })
        .where(eq(Post.id, post.id)),
    );
    await ctx.purge(stale);
    return postWithTags(ctx.db, post.id);
  }),

  delete: authorProcedure.input(PostId).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "delete");
    const tagSlugs = (await tagsOfPost(ctx.db, post.id)).map((t) => t.slug);
    const stale = effectiveStatus(post) !== "draft" ? await publicTags(ctx.db, post, tagSlugs) : [];
    await ctx.write((db) => db.delete(Post).where(eq(Post.id, post.id)));
    if (stale.length) await ctx.purge(stale);
    return { id: post.id };
  }),

  revisions: authorProcedure.input(PostId).query(async ({ ctx, input }) => {
    await findOwnedPost(ctx, input.id, "update");
    return ctx.db
      .select({
        id: Revision.id,
        version: Revision.version,
        kind: Revision.kind,
        title: Revision.title,
        createdAt: Revision.createdAt,
        author: { id: user.id, name: user.name },
      })
      .from(Revision)
      .leftJoin(user, eq(user.id, Revision.authorId))
      .where(eq(Revision.postId, input.id))
      .orderBy(desc(Revision.createdAt), desc(Revision.version));
  }),

  revision: authorProcedure.input(PostId).query(async ({ ctx, input }) => {
    const [revision] = await ctx.db.select().from(Revision).where(eq(Revision.id, input.id)).limit(1);
    if (!revision) throw new TRPCError({ code: "NOT_FOUND", message: "No revision with that id" });
    await findOwnedPost(ctx, revision.postId, "update");
    return revision;
  }),

  /** Puts an old revision's text back; the restore is itself a new revision. */
  restore: authorProcedure.input(RestoreInput).mutation(async ({ ctx, input }) => {
    const [revision] = await ctx.db.select().from(Revision).where(eq(Revision.id, input.revisionId)).limit(1);
    if (!revision) throw new TRPCError({ code: "NOT_FOUND", message: "No revision with that id" });
    const post = await findOwnedPost(ctx, revision.postId, "update");
    const before = await tagsOfPost(ctx.db, post.id);
    const edit: Edit = { title: revision.title, slug: post.slug, body: revision.body, excerpt: "", tags: normalizeTags(revision.tags) };
    if (post.version !== input.version || !(await saveEdit(ctx, post, input.version, edit, "restore"))) {
      return conflict(ctx, post.id, input.version, edit);
    }
    if (effectiveStatus(post) !== "draft") {
      await ctx.purge(
        await publicTags(
          ctx.db,
          post,
          [...before, ...edit.tags].map((t) => t.slug),
        ),
      );
    }
    return postWithTags(ctx.db, post.id);
  }),
});
