// Posts in SQL: what reader pages and the post router read and write. Functions take the
// database and return rows, or null for none; they know nothing of tRPC or of who asks
// (the router checks access and turns null into NOT_FOUND).
import { and, asc, desc, eq, gt, inArray, lt, lte, min, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { randomUUID } from "node:crypto";
import { Post, PostTag, Revision, Tag, user, type PostRow } from "../../../db/schema.ts";
import type { Database, Db } from "../../../db/client.ts";
import { cacheTags, postTags } from "../../lib/cache-tags.ts";
import type { Rendered } from "../../lib/markdown.ts";
import { slugify } from "../../lib/slug.ts";

export const authorColumns = { id: user.id, name: user.name, image: user.image };

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
export const publicStatus = () => inArray(sql`+${Post.status}`, ["published", "scheduled"]);

/** Where a list is ordered from: the post's own columns, or a tag's copy of them. */
export interface Position {
  at: SQLiteColumn;
  id: SQLiteColumn;
}
export const byPost: Position = { at: Post.publishedAt, id: Post.id };
export const byTag: Position = { at: PostTag.publicAt, id: PostTag.postId };

/**
 * Public posts older than a (published_at, id) cursor (or all of them), newest first
 * along `from`'s index. SQLite takes one upper bound for an index range, so there is only
 * one: a cursor in the past already implies "not in the future"; one in the future (a
 * crafted cursor) means just "now". A tag's public_at is null unless the post is
 * published or scheduled, so its bound alone already keeps drafts out; the status test
 * on the post stays as the rule everyone reads.
 */
export function publicBefore(from: Position, after: { at: Date; id: string } | undefined, now: Date): SQL {
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

/** Text in parts, the matches of a search marked: the page that shows it escapes and marks it. */
export type Marked = { text: string; match: boolean }[];

/** FTS5 marks matches with \x01…\x02 in raw text: the parts between. */
export function marked(raw: string): Marked {
  const parts: Marked = [];
  for (const [i, chunk] of raw.split(/[\x01\x02]/).entries()) if (chunk) parts.push({ text: chunk, match: i % 2 === 1 });
  return parts;
}

/** Cursor over (published_at, id), newest first: stable while posts are added. */
export function encodeCursor(p: { publishedAt: Date | null; id: string }): string {
  return Buffer.from(`${p.publishedAt?.getTime() ?? 0}:${p.id}`).toString("base64url");
}
/** The position a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split(":");
  const ms = Number(at);
  return id && Number.isSafeInteger(ms) ? { at: new Date(ms), id } : null;
}

export interface TagRef {
  slug: string;
  name: string;
}

/** Tags of many posts in one query. */
export async function tagsOf(db: Database, postIds: string[]): Promise<Map<string, TagRef[]>> {
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
export async function nextScheduled(db: Database, now = new Date()): Promise<Date | null> {
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
export const newerThan = (at: Date, id: string) => sql`(${Post.publishedAt}, ${Post.id}) > (${at.getTime()}, ${id})`;

/** The public posts just older and just newer than `post`, as its page links them. */
export async function neighbours(db: Database, post: Pick<PostRow, "id" | "publishedAt">) {
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

/** A post by id, or null. */
export async function postById(db: Database, id: string): Promise<PostRow | null> {
  const [post] = await db.select().from(Post).where(eq(Post.id, id)).limit(1);
  return post ?? null;
}

/** One post's tags, by name. */
export async function tagsOfPost(db: Database, id: string): Promise<TagRef[]> {
  return (await tagsOf(db, [id])).get(id) ?? [];
}

/** A post with its tags, or null. */
export async function postWithTags(db: Database, id: string) {
  const post = await postById(db, id);
  return post && { ...post, tags: await tagsOfPost(db, id) };
}

export function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: string; cause?: unknown; message?: string } | undefined; err; err = err.cause as typeof err) {
    if (/UNIQUE constraint failed/.test(String(err.message))) return true;
  }
  return false;
}
/**
 * The title's slug, or the first free `-n` after it. Titles with no Latin letters or digits
 * all start from "untitled", so the taken ones are read in one query, not one per try.
 */
export async function freeSlug(db: Database, base: string): Promise<string> {
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
export function normalizeTags(names: string[]): TagRef[] {
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
export function setTagStatements(db: Database, postId: string, tags: TagRef[], revisionId: string) {
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

export interface Edit {
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
export async function saveEdit(
  write: Db["write"],
  change: { postId: string; baseVersion: number; edit: Edit; rendered: Rendered; kind: "save" | "restore"; by: string },
): Promise<boolean> {
  const { postId, baseVersion, edit, rendered, kind, by } = change;
  const revisionId = randomUUID();
  const next = baseVersion + 1;
  const results = await write((db) =>
    db.batch([
      db.run(sql`insert into ${Revision} (id, post_id, version, kind, title, body, tags, author_id)
        select ${revisionId}, ${Post.id}, ${next}, ${kind}, ${edit.title}, ${edit.body},
               ${JSON.stringify(edit.tags.map((t) => t.name))}, ${by}
        from ${Post} where ${Post.id} = ${postId} and ${Post.version} = ${baseVersion}`),
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
        .where(and(eq(Post.id, postId), eq(Post.version, baseVersion))),
      ...setTagStatements(db, postId, edit.tags, revisionId),
    ]),
  );
  return (results[1] as { rowsAffected: number }).rowsAffected === 1;
}

/** Keeps the text that lost a conflict as a revision of the version it started from. */
export async function keepConflict(write: Db["write"], change: { postId: string; baseVersion: number; edit: Edit; by: string }) {
  await write((db) =>
    db.insert(Revision).values({
      id: randomUUID(),
      postId: change.postId,
      version: change.baseVersion,
      kind: "conflict",
      title: change.edit.title,
      body: change.edit.body,
      tags: change.edit.tags.map((t) => t.name),
      authorId: change.by,
    }),
  );
}

export const listColumns = {
  id: Post.id,
  slug: Post.slug,
  title: Post.title,
  excerpt: Post.excerpt,
  publishedAt: Post.publishedAt,
  author: authorColumns,
};
