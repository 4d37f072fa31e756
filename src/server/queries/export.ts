// What an export reads, a page at a time: posts and pages by slug, each post's comments in the
// order they were written, people by email, redirects by old address, and the images posts
// name. Keyset pages (after the last key seen), so a page costs the same at the end of a big
// site as at its start and a write meanwhile neither skips nor repeats a row.
import { and, asc, count, eq, gt, inArray, or } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { Comment, Media, MediaUpload, Post, Redirect, user } from "../../../db/schema.ts";

export async function exportPosts(db: Database, afterSlug: string | null, limit: number) {
  return db
    .select({
      id: Post.id,
      slug: Post.slug,
      kind: Post.kind,
      title: Post.title,
      excerpt: Post.excerpt,
      excerptCustom: Post.excerptCustom,
      body: Post.body,
      status: Post.status,
      publishedAt: Post.publishedAt,
      createdAt: Post.createdAt,
      updatedAt: Post.updatedAt,
      coverHash: Post.coverHash,
      coverAlt: Post.coverAlt,
      lang: Post.lang,
      featured: Post.featured,
      authorName: user.name,
      authorEmail: user.email,
    })
    .from(Post)
    .innerJoin(user, eq(user.id, Post.authorId))
    .where(afterSlug === null ? undefined : gt(Post.slug, afterSlug))
    .orderBy(asc(Post.slug))
    .limit(limit);
}
export type ExportPost = Awaited<ReturnType<typeof exportPosts>>[number];

/** How many comments each of these posts has (posts without any are absent). */
export async function commentCounts(db: Database, postIds: string[]): Promise<Map<string, number>> {
  if (postIds.length === 0) return new Map();
  const rows = await db
    .select({ postId: Comment.postId, n: count() })
    .from(Comment)
    .where(inArray(Comment.postId, postIds))
    .groupBy(Comment.postId);
  return new Map(rows.map((r) => [r.postId, r.n]));
}

export async function exportComments(db: Database, postId: string, after: { createdAt: Date; id: string } | null, limit: number) {
  return db
    .select({
      id: Comment.id,
      parentId: Comment.parentId,
      body: Comment.body,
      status: Comment.status,
      createdAt: Comment.createdAt,
      editedAt: Comment.editedAt,
      authorName: user.name,
      authorEmail: user.email,
    })
    .from(Comment)
    .innerJoin(user, eq(user.id, Comment.authorId))
    .where(
      and(
        eq(Comment.postId, postId),
        after
          ? or(gt(Comment.createdAt, after.createdAt), and(eq(Comment.createdAt, after.createdAt), gt(Comment.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(Comment.createdAt), asc(Comment.id))
    .limit(limit);
}

export async function exportPeople(db: Database, afterEmail: string | null, limit: number) {
  return db
    .select({ name: user.name, email: user.email, role: user.role, bio: user.bio })
    .from(user)
    .where(afterEmail === null ? undefined : gt(user.email, afterEmail))
    .orderBy(asc(user.email))
    .limit(limit);
}

export async function exportRedirects(db: Database, afterFrom: string | null, limit: number) {
  return db
    .select({ from: Redirect.fromPath, to: Redirect.toPath })
    .from(Redirect)
    .where(afterFrom === null ? undefined : gt(Redirect.fromPath, afterFrom))
    .orderBy(asc(Redirect.fromPath))
    .limit(limit);
}

/** The stored images among `hashes`: their original's format, and the name their first upload had. */
export async function exportMedia(db: Database, hashes: string[]) {
  if (hashes.length === 0) return [];
  const [images, uploads] = await Promise.all([
    db.select({ hash: Media.hash, original: Media.original }).from(Media).where(inArray(Media.hash, hashes)),
    db
      .select({ hash: MediaUpload.hash, fileName: MediaUpload.fileName })
      .from(MediaUpload)
      .where(inArray(MediaUpload.hash, hashes))
      .orderBy(asc(MediaUpload.createdAt), asc(MediaUpload.fileName)),
  ]);
  const names = new Map<string, string>();
  for (const u of uploads) if (!names.has(u.hash)) names.set(u.hash, u.fileName);
  return images.map((i) => ({ ...i, fileName: names.get(i.hash) ?? null }));
}

/** Slugs and kinds of posts by id, for menus that link to them. */
export async function postSlugs(db: Database, ids: string[]): Promise<Map<string, { slug: string; kind: "post" | "page" }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: Post.id, slug: Post.slug, kind: Post.kind }).from(Post).where(inArray(Post.id, ids));
  return new Map(rows.map((r) => [r.id, { slug: r.slug, kind: r.kind }]));
}
