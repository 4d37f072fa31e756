// Posts in SQL: what reader pages and the post router read (writes: post-writes.ts). Functions take the
// database and return rows, or null for none; they know nothing of tRPC or of who asks
// (the router checks access and turns null into NOT_FOUND).
import { and, asc, desc, eq, gt, inArray, lte, max, min, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { Post, PostTag, Tag, user, type PostRow } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { cacheTags, postTags } from "../../lib/cache-tags.ts";
import { withCovers } from "./media.ts";
import { tagsOf, tagsOfPost } from "./tags.ts";

export const authorColumns = { id: user.id, name: user.name, image: user.image };

/**
 * A public post now (never a page: pages are in no list, feed or thread): published, or
 * scheduled for a moment that has passed. A published post's
 * published_at is never in the future, so one range test covers both, which lets lists
 * walk the published_at index in order instead of sorting every public post. The unary
 * `+` keeps SQLite from choosing the status index for the IN instead: with two statuses
 * that index yields two ranges, which it must merge by sorting them whole.
 */
export function visibleNow(now: Date | Placeholder = new Date()): SQL {
  return and(isPost(), publicStatus(), lte(Post.publishedAt, now))!;
}
const publicStatus = () => inArray(sql`+${Post.status}`, ["published", "scheduled"]);
const isPost = () => eq(Post.kind, "post");

/** A page readers can see now: published (a page is never scheduled, but one test covers both). */
export function pageVisibleNow(now: Date = new Date()): SQL {
  return and(eq(Post.kind, "page"), publicStatus(), lte(Post.publishedAt, now))!;
}

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
  return and(isPost(), publicStatus(), bound)!;
}

/** What a reader would call the post's state at this moment. */
export function effectiveStatus(post: Pick<PostRow, "status" | "publishedAt">, now = Date.now()) {
  return post.status === "scheduled" && post.publishedAt && post.publishedAt.getTime() <= now ? "published" : post.status;
}

/** Cursor over (published_at, id), newest first: stable while posts are added. */
function encodeCursor(p: { publishedAt: Date | null; id: string }): string {
  return Buffer.from(`${p.publishedAt?.getTime() ?? 0}:${p.id}`).toString("base64url");
}
/** The position a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split(":");
  const ms = Number(at);
  return id && Number.isSafeInteger(ms) ? { at: new Date(ms), id } : null;
}

const listColumns = {
  id: Post.id,
  slug: Post.slug,
  title: Post.title,
  excerpt: Post.excerpt,
  lang: Post.lang,
  publishedAt: Post.publishedAt,
  coverHash: Post.coverHash,
  coverAlt: Post.coverAlt,
  author: authorColumns,
};

/**
 * A page of public posts after `after` (or the first), newest first: all of them, one
 * author's or one tag's. `refreshAt` says when a scheduled post will change the page.
 */
export async function publicPage(
  db: Database,
  page: { after?: { at: Date; id: string }; limit: number; tag?: string; authorId?: string; full: boolean },
) {
  const now = new Date();
  // A tag's page walks that tag's own index; other lists walk the posts'.
  const from = page.tag ? byTag : byPost;
  const filters: SQL[] = [publicBefore(from, page.after, now)];
  if (page.authorId) filters.push(eq(Post.authorId, page.authorId));
  const columns = { ...listColumns, html: page.full ? Post.html : sql<string>`''` };
  const rows = await (
    page.tag
      ? db
          .select(columns)
          .from(PostTag)
          .innerJoin(Tag, and(eq(Tag.id, PostTag.tagId), eq(Tag.slug, page.tag)))
          .innerJoin(Post, eq(Post.id, PostTag.postId))
      : db.select(columns).from(Post)
  )
    .innerJoin(user, eq(user.id, Post.authorId))
    .where(and(...filters))
    .orderBy(desc(from.at), desc(from.id))
    .limit(page.limit + 1);
  const items = await withCovers(db, rows.slice(0, page.limit));
  const tags = await tagsOf(
    db,
    items.map((p) => p.id),
  );
  const last = items.at(-1);
  return {
    items: items.map((p) => ({ ...p, tags: tags.get(p.id) ?? [] })),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null,
    refreshAt: await nextScheduled(db, now),
  };
}

/** Every public page with its last change, for the sitemap: posts, the site's pages, tags and authors. */
export async function sitemapEntries(db: Database) {
  const visible = visibleNow();
  const [posts, pages, tags, authors] = await Promise.all([
    db.select({ slug: Post.slug, updatedAt: Post.updatedAt }).from(Post).where(visible).orderBy(desc(Post.publishedAt)),
    db.select({ slug: Post.slug, updatedAt: Post.updatedAt }).from(Post).where(pageVisibleNow()).orderBy(asc(Post.slug)),
    db
      .select({ slug: Tag.slug, lastmod: max(Post.updatedAt) })
      .from(Tag)
      .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
      .innerJoin(Post, and(eq(Post.id, PostTag.postId), visible))
      .groupBy(Tag.id),
    db
      .select({ id: Post.authorId, lastmod: max(Post.updatedAt) })
      .from(Post)
      .where(visible)
      .groupBy(Post.authorId),
  ]);
  return { posts, pages, tags, authors };
}

/** When the next scheduled post goes live: pages that would show it expire then. */
export async function nextScheduled(db: Database, now = new Date()): Promise<Date | null> {
  const [next] = await db
    .select({ at: min(Post.publishedAt) })
    .from(Post)
    .where(and(eq(Post.status, "scheduled"), gt(Post.publishedAt, now)));
  return next?.at ?? null;
}

interface Neighbour {
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
export async function publicTags(db: Database, post: Pick<PostRow, "id" | "authorId" | "publishedAt">, tagSlugs: string[]) {
  const { previous, next } = await neighbours(db, post);
  return [...postTags(post, tagSlugs), ...[previous, next].flatMap((n) => (n ? [cacheTags.post(n.id)] : []))];
}

/** A public post's page: the post, its author, tags and neighbours; null unless it is public now. */
export async function publicPostBySlug(db: Database, slug: string) {
  const [row] = await db
    .select({ post: Post, author: { ...authorColumns, bio: user.bio } })
    .from(Post)
    .innerJoin(user, eq(user.id, Post.authorId))
    .where(and(eq(Post.slug, slug), visibleNow()))
    .limit(1);
  if (!row) return null;
  const [tags, around, refreshAt, [post]] = await Promise.all([
    tagsOf(db, [row.post.id]),
    neighbours(db, row.post),
    nextScheduled(db),
    withCovers(db, [row.post]),
  ]);
  return {
    ...post!,
    status: effectiveStatus(row.post),
    author: row.author,
    tags: tags.get(row.post.id) ?? [],
    ...around,
    // A scheduled post going live may become this page's "newer" link.
    refreshAt,
  };
}

/** A post by id, or null. */
export async function postById(db: Database, id: string): Promise<PostRow | null> {
  const [post] = await db.select().from(Post).where(eq(Post.id, id)).limit(1);
  return post ?? null;
}

/** A post with its tags, or null. */
export async function postWithTags(db: Database, id: string) {
  const post = await postById(db, id);
  if (!post) return null;
  const [[withCover], tags] = await Promise.all([withCovers(db, [post]), tagsOfPost(db, id)]);
  return { ...withCover!, tags };
}

/** An author's own posts (not the pages they made), whatever their state, last changed first. */
export async function postsBy(db: Database, authorId: string) {
  const rows = await db
    .select({
      id: Post.id,
      slug: Post.slug,
      title: Post.title,
      status: Post.status,
      publishedAt: Post.publishedAt,
      updatedAt: Post.updatedAt,
    })
    .from(Post)
    .where(and(eq(Post.authorId, authorId), isPost()))
    .orderBy(desc(Post.updatedAt));
  return rows.map((p) => ({ ...p, status: effectiveStatus(p) }));
}
