import { TRPCError } from "@trpc/server";
import { and, asc, desc, eq, gt, inArray, lt, lte, max, min, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { randomUUID } from "node:crypto";
import { Post, PostTag, Revision, Tag, user, type PostRow } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { cacheTags, postTags } from "../../lib/cache-tags.ts";
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
import { escapeHtml } from "../../lib/html.ts";
import { slugify } from "../../lib/slug.ts";
import { authorProcedure, createTRPCRouter, publicProcedure, type Context } from "../trpc.ts";
import { PostConflict } from "../errors.ts";

const authorColumns = { id: user.id, name: user.name, image: user.image };

/**
 * Public now: published, or scheduled for a moment that has passed. A published post's
 * published_at is never in the future, so one range test covers both, which lets lists
 * walk the published_at index in order instead of sorting every public post. The unary
 * `+` keeps SQLite from choosing the status index for the IN instead: with two statuses
 * that index yields two ranges, which it must merge by sorting them whole.
 */
export function visibleNow(now: Date | Placeholder = new Date()): SQL {
  return and(publicStatus(), lte(Post.publishedAt, now))!;
}
const publicStatus = () => inArray(sql`+${Post.status}`, ["published", "scheduled"]);

/** Where a list is ordered from: the post's own columns, or a tag's copy of them. */
interface Position {
  at: SQLiteColumn;
  id: SQLiteColumn;
}
const byPost: Position = { at: Post.publishedAt, id: Post.id };
const byTag: Position = { at: PostTag.publicAt, id: PostTag.postId };

/**
 * Public posts older than a (published_at, id) cursor (or all of them), newest first
 * along `from`'s index. SQLite takes one upper bound for an index range, so there is only
 * one: a cursor in the past already implies "not in the future"; one in the future (a
 * crafted cursor) means just "now". A tag's public_at is null unless the post is
 * published or scheduled, so its bound alone already keeps drafts out; the status test
 * on the post stays as the rule everyone reads.
 */
function publicBefore(from: Position, after: { at: Date; id: string } | undefined, now: Date): SQL {
  const bound =
    after && after.at.getTime() <= now.getTime() ? sql`(${from.at}, ${from.id}) < (${after.at.getTime()}, ${after.id})` : lte(from.at, now);
  return and(publicStatus(), bound)!;
}

/** What a reader would call the post's state at this moment. */
export function effectiveStatus(post: Pick<PostRow, "status" | "publishedAt">, now = Date.now()) {
  return post.status === "scheduled" && post.publishedAt && post.publishedAt.getTime() <= now ? "published" : post.status;
}

/**
 * A reader's words → an FTS5 query: every word must appear, the last one as a prefix
 * (search as you type). Quoting each word means no input is FTS5 syntax. The index keeps
 * text as written, so a word is looked up as typed, or in its NFKC form when that differs
 * (fullwidth "ｔｅｓｔ" also finds "test"; "ªº" still finds "ªº", which NFKC alone turns
 * into "ao" and would miss).
 */
export function ftsQuery(q: string): string | null {
  const words = (q.match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 12);
  if (!words.length) return null;
  const phrase = (w: string, last: boolean) => `"${w.replaceAll('"', '""')}"${last ? "*" : ""}`;
  return (
    words
      .map((w, i) => {
        const last = i === words.length - 1;
        const folded = w.normalize("NFKC");
        return folded === w ? phrase(w, last) : `(${phrase(w, last)} OR ${phrase(folded, last)})`;
      })
      // FTS5 takes an implicit AND between phrases but not after a bracket: say it.
      .join(" AND ")
  );
}

/** FTS5 marks matches with \x01…\x02 in raw text: escape the text, then mark. */
function marked(raw: string): string {
  return escapeHtml(raw).replaceAll("\x01", "<mark>").replaceAll("\x02", "</mark>");
}

/** Cursor over (published_at, id), newest first: stable while posts are added. */
function encodeCursor(p: { publishedAt: Date | null; id: string }): string {
  return Buffer.from(`${p.publishedAt?.getTime() ?? 0}:${p.id}`).toString("base64url");
}
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split(":");
  const ms = Number(at);
  if (!id || !Number.isSafeInteger(ms)) throw new TRPCError({ code: "BAD_REQUEST", message: "cursor: not a valid cursor" });
  return { at: new Date(ms), id };
}

export interface TagRef {
  slug: string;
  name: string;
}

/** Tags of many posts in one query. */
async function tagsOf(db: Database, postIds: string[]): Promise<Map<string, TagRef[]>> {
  const byPost = new Map<string, TagRef[]>(postIds.map((id) => [id, []]));
  if (!postIds.length) return byPost;
  const rows = await db
    .select({ postId: PostTag.postId, slug: Tag.slug, name: Tag.name })
    .from(PostTag)
    .innerJoin(Tag, eq(Tag.id, PostTag.tagId))
    .where(inArray(PostTag.postId, postIds))
    .orderBy(asc(Tag.name));
  for (const { postId, ...tag } of rows) byPost.get(postId)?.push(tag);
  return byPost;
}

/** When the next scheduled post goes live: pages that would show it expire then. */
async function nextScheduled(db: Database, now = new Date()): Promise<Date | null> {
  const [next] = await db
    .select({ at: min(Post.publishedAt) })
    .from(Post)
    .where(and(eq(Post.status, "scheduled"), gt(Post.publishedAt, now)));
  return next?.at ?? null;
}

export interface Neighbour {
  id: string;
  slug: string;
  title: string;
}

/**
 * Posts strictly newer than a (published_at, id) position, as one row-value comparison:
 * SQLite turns it into a single range on the published_at index, where the equivalent OR
 * of two comparisons makes it merge two ranges and sort them.
 */
const newerThan = (at: Date, id: string) => sql`(${Post.publishedAt}, ${Post.id}) > (${at.getTime()}, ${id})`;

/** The public posts just older and just newer than `post`, as its page links them. */
async function neighbours(db: Database, post: Pick<PostRow, "id" | "publishedAt">) {
  const at = post.publishedAt ?? new Date(0);
  const columns = { id: Post.id, slug: Post.slug, title: Post.title };
  const [[previous], [next]] = await Promise.all([
    db
      .select(columns)
      .from(Post)
      .where(publicBefore(byPost, { at, id: post.id }, new Date()))
      .orderBy(desc(Post.publishedAt), desc(Post.id))
      .limit(1),
    db
      .select(columns)
      .from(Post)
      .where(and(visibleNow(), newerThan(at, post.id)))
      .orderBy(asc(Post.publishedAt), asc(Post.id))
      .limit(1),
  ]);
  return { previous: (previous as Neighbour | undefined) ?? null, next: (next as Neighbour | undefined) ?? null };
}

/**
 * Everything a change to a public post makes stale: its page, the lists, its tags, and the
 * pages of the posts that link to it as previous or next.
 */
async function publicTags(db: Database, post: Pick<PostRow, "id" | "authorId" | "publishedAt">, tagSlugs: string[]) {
  const { previous, next } = await neighbours(db, post);
  return [...postTags(post, tagSlugs), ...[previous, next].flatMap((n) => (n ? [cacheTags.post(n.id)] : []))];
}

async function findPost(db: Database, id: string): Promise<PostRow> {
  const [post] = await db.select().from(Post).where(eq(Post.id, id)).limit(1);
  if (!post) throw new TRPCError({ code: "NOT_FOUND", message: "No post with that id" });
  return post;
}

async function postWithTags(db: Database, id: string) {
  const post = await findPost(db, id);
  const tags = (await tagsOf(db, [id])).get(id) ?? [];
  return { ...post, tags };
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

function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: string; cause?: unknown; message?: string } | undefined; err; err = err.cause as typeof err) {
    if (/UNIQUE constraint failed/.test(String(err.message))) return true;
  }
  return false;
}
const slugTaken = () => new TRPCError({ code: "CONFLICT", message: "slug: Another post already uses this slug" });

/**
 * The title's slug, or the first free `-n` after it. Titles with no Latin letters or digits
 * all start from "untitled", so the taken ones are read in one query, not one per try.
 */
async function freeSlug(db: Database, base: string): Promise<string> {
  const root = base || "untitled";
  const stem = root.slice(0, 75);
  // Every "stem-…" sorts between "stem-" and "stem." ("." follows "-"): a range on the slug
  // index, where LIKE (case-insensitive, so no index) read every post.
  const rows = await db
    .select({ slug: Post.slug })
    .from(Post)
    .where(or(eq(Post.slug, root), and(gt(Post.slug, `${stem}-`), lt(Post.slug, `${stem}.`))));
  const taken = new Set(rows.map((r) => r.slug));
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? root : `${stem}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Tag names as typed → unique tags by slug, first spelling wins. */
function normalizeTags(names: string[]): TagRef[] {
  const bySlug = new Map<string, TagRef>();
  for (const name of names) {
    const slug = slugify(name).slice(0, 40);
    if (slug && !bySlug.has(slug)) bySlug.set(slug, { slug, name: name.trim() });
  }
  return [...bySlug.values()];
}

/**
 * The statements that set a post's tags, for a batch. Guarded by the revision row the
 * same batch writes, so a write that lost the version race changes nothing.
 */
function setTagStatements(db: Database, postId: string, tags: TagRef[], revisionId: string) {
  const guard = sql`exists (select 1 from ${Revision} where ${Revision.id} = ${revisionId})`;
  const statements = [db.delete(PostTag).where(and(eq(PostTag.postId, postId), guard))];
  if (tags.length) {
    return [
      db
        .insert(Tag)
        .values(tags.map((t) => ({ id: randomUUID(), slug: t.slug, name: t.name })))
        .onConflictDoNothing({ target: Tag.slug }),
      ...statements,
      db.run(sql`insert into ${PostTag} (post_id, tag_id)
        select ${postId}, ${Tag.id} from ${Tag}
        where ${inArray(
          Tag.slug,
          tags.map((t) => t.slug),
        )} and ${guard}`),
    ] as const;
  }
  return statements;
}

interface Edit {
  title: string;
  slug: string;
  body: string;
  /** The author's own excerpt; empty means "use the first paragraph". */
  excerpt: string;
  tags: TagRef[];
}

/**
 * Writes an edit if, and only if, the post is still at `baseVersion`: the revision row,
 * the post row and its tags go in one batch, each statement guarded, so two editors
 * saving from the same version can never both win. Returns false on a lost race.
 */
async function saveEdit(ctx: Signed, post: PostRow, baseVersion: number, edit: Edit, kind: "save" | "restore") {
  const rendered = await renderMarkdown(edit.body, ctx.user.id);
  const revisionId = randomUUID();
  const next = baseVersion + 1;
  const results = await ctx.write((db) =>
    db.batch([
      db.run(sql`insert into ${Revision} (id, post_id, version, kind, title, body, tags, author_id)
        select ${revisionId}, ${Post.id}, ${next}, ${kind}, ${edit.title}, ${edit.body},
               ${JSON.stringify(edit.tags.map((t) => t.name))}, ${ctx.user.id}
        from ${Post} where ${Post.id} = ${post.id} and ${Post.version} = ${baseVersion}`),
      db
        .update(Post)
        .set({
          title: edit.title,
          slug: edit.slug,
          body: edit.body,
          html: rendered.html,
          excerpt: edit.excerpt || rendered.excerpt,
          excerptCustom: edit.excerpt !== "",
          updatedAt: new Date(),
          version: next,
        })
        .where(and(eq(Post.id, post.id), eq(Post.version, baseVersion))),
      ...setTagStatements(db, post.id, edit.tags, revisionId),
    ]),
  );
  return (results[1] as { rowsAffected: number }).rowsAffected === 1;
}

/** Keeps the text that lost a conflict as a revision, then answers CONFLICT with the server's copy. */
async function conflict(ctx: Signed, postId: string, baseVersion: number, edit: Edit): Promise<never> {
  await ctx.write((db) =>
    db.insert(Revision).values({
      id: randomUUID(),
      postId,
      version: baseVersion,
      kind: "conflict",
      title: edit.title,
      body: edit.body,
      tags: edit.tags.map((t) => t.name),
      authorId: ctx.user.id,
    }),
  );
  const current = await postWithTags(ctx.db, postId);
  throw new TRPCError({
    code: "CONFLICT",
    message: `Someone saved this post while you were editing (it is now at version ${current.version}). Your text is kept as a revision.`,
    cause: new PostConflict(current),
  });
}

const listColumns = {
  id: Post.id,
  slug: Post.slug,
  title: Post.title,
  excerpt: Post.excerpt,
  publishedAt: Post.publishedAt,
  author: authorColumns,
};

export const postRouter = createTRPCRouter({
  /** Public posts, newest first; `refreshAt` says when a scheduled post will change this list. */
  list: publicProcedure.input(PostListInput).query(async ({ ctx, input }) => {
    const now = new Date();
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
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
      titleHtml: marked(highlights.get(r.rid)?.title_hl ?? r.title),
      snippetHtml: marked(highlights.get(r.rid)?.snippet ?? ""),
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
    const before = (await tagsOf(ctx.db, [post.id])).get(post.id) ?? [];
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
    const tagSlugs = ((await tagsOf(ctx.db, [post.id])).get(post.id) ?? []).map((t) => t.slug);
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
    const tagSlugs = ((await tagsOf(ctx.db, [post.id])).get(post.id) ?? []).map((t) => t.slug);
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
    const tagSlugs = ((await tagsOf(ctx.db, [post.id])).get(post.id) ?? []).map((t) => t.slug);
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
    const before = (await tagsOf(ctx.db, [post.id])).get(post.id) ?? [];
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
