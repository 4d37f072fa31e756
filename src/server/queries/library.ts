// The media library in SQL: whose uploads, where each image is used, and removing one that
// nothing uses. An image is used by a post whose body names one of its addresses
// (`/media/<hash>/…`), by a post that has it as its cover, and by a person's avatar.
import { and, desc, eq, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import { Media, MediaUpload, Post, user } from "../../../db/schema.ts";
import type { Database, Db } from "../../../db/client.ts";
import { effectiveStatus } from "./posts.ts";

/** At most this many images a library page lists, newest first. */
export const LIBRARY_LIMIT = 200;

export interface PostUse {
  id: string;
  /** A page (at /<slug>) or a post (at /posts/<slug>). */
  kind: "post" | "page";
  title: string;
  slug: string;
  status: "draft" | "scheduled" | "published";
  authorId: string;
  /** The post's cover, its body, or both. */
  asCover: boolean;
  inBody: boolean;
}

export interface Usage {
  posts: PostUse[];
  avatars: Array<{ id: string; name: string }>;
}

const namesImage = (hash: SQL | typeof Media.hash, column: SQL | typeof Post.body) =>
  sql<boolean>`instr(${column}, '/media/' || ${hash} || '/') > 0`;

/** Where each of `hashes` is used (an unused one maps to empty lists). */
export async function usageOf(db: Database, hashes: readonly string[]): Promise<Map<string, Usage>> {
  const usage = new Map<string, Usage>(hashes.map((h) => [h, { posts: [], avatars: [] }]));
  if (hashes.length === 0) return usage;
  const [posts, avatars] = await Promise.all([
    db
      .select({
        hash: Media.hash,
        id: Post.id,
        kind: Post.kind,
        title: Post.title,
        slug: Post.slug,
        status: Post.status,
        publishedAt: Post.publishedAt,
        authorId: Post.authorId,
        asCover: sql<number>`${Post.coverHash} is ${Media.hash}`,
        inBody: sql<number>`${namesImage(Media.hash, Post.body)}`,
      })
      .from(Media)
      .innerJoin(Post, or(eq(Post.coverHash, Media.hash), namesImage(Media.hash, Post.body)))
      .where(inArray(Media.hash, [...hashes]))
      .orderBy(desc(Post.updatedAt)),
    db
      .select({ hash: Media.hash, id: user.id, name: user.name })
      .from(Media)
      .innerJoin(user, namesImage(Media.hash, sql`coalesce(${user.image}, '')`))
      .where(inArray(Media.hash, [...hashes])),
  ]);
  for (const p of posts) {
    usage.get(p.hash)?.posts.push({
      id: p.id,
      kind: p.kind,
      title: p.title,
      slug: p.slug,
      status: effectiveStatus(p),
      authorId: p.authorId,
      asCover: Boolean(p.asCover),
      inBody: Boolean(p.inBody),
    });
  }
  for (const a of avatars) usage.get(a.hash)?.avatars.push({ id: a.id, name: a.name });
  return usage;
}

/** A library's images: `uploader`'s, or everyone's. One row an image, with its latest upload. */
export async function library(db: Database, uploader: string | "all") {
  const latest = db
    .select({
      hash: MediaUpload.hash,
      at: sql<number>`max(${MediaUpload.createdAt})`.as("at"),
    })
    .from(MediaUpload)
    .where(uploader === "all" ? undefined : eq(MediaUpload.userId, uploader))
    .groupBy(MediaUpload.hash)
    .as("latest");
  const rows = await db
    .select({
      hash: Media.hash,
      width: Media.width,
      height: Media.height,
      format: Media.format,
      bytes: Media.bytes,
      placeholder: Media.placeholder,
      variants: Media.variants,
      fileName: MediaUpload.fileName,
      uploadedAt: MediaUpload.createdAt,
      uploaderId: MediaUpload.userId,
      uploaderName: user.name,
    })
    .from(latest)
    .innerJoin(Media, eq(Media.hash, latest.hash))
    .innerJoin(MediaUpload, and(eq(MediaUpload.hash, latest.hash), eq(MediaUpload.createdAt, latest.at)))
    .innerJoin(user, eq(user.id, MediaUpload.userId))
    .orderBy(desc(latest.at))
    .limit(LIBRARY_LIMIT);
  // Two uploads at the same millisecond would both match: one row an image.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.hash) && seen.add(r.hash));
}

/** Whether `userId` uploaded `hash`. */
export async function isUploader(db: Database, hash: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ hash: MediaUpload.hash })
    .from(MediaUpload)
    .where(and(eq(MediaUpload.hash, hash), eq(MediaUpload.userId, userId)))
    .limit(1);
  return Boolean(row);
}

export async function mediaRow(db: Database, hash: string) {
  const [row] = await db.select().from(Media).where(eq(Media.hash, hash)).limit(1);
  return row ?? null;
}

/** Whether someone besides `userId` uploaded `hash` too. */
export async function hasOtherUploaders(db: Database, hash: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ hash: MediaUpload.hash })
    .from(MediaUpload)
    .where(and(eq(MediaUpload.hash, hash), ne(MediaUpload.userId, userId)))
    .limit(1);
  return Boolean(row);
}

/** Takes the image out of one person's library; the image itself stays. */
export async function removeUpload(write: Db["write"], hash: string, userId: string): Promise<void> {
  await write((db) => db.delete(MediaUpload).where(and(eq(MediaUpload.hash, hash), eq(MediaUpload.userId, userId))));
}

/**
 * Deletes the image's rows (its uploads go with it) unless something uses it: checked in the
 * same statement, so a cover or a body saved in between is not left pointing at nothing.
 * True when it was deleted.
 */
export async function deleteUnused(write: Db["write"], hash: string): Promise<boolean> {
  const inUse = sql`exists (select 1 from ${Post} where ${Post.coverHash} = ${hash} or ${namesImage(sql`${hash}`, Post.body)})
    or exists (select 1 from ${user} where ${namesImage(sql`${hash}`, sql`coalesce(${user.image}, '')`)})`;
  const deleted = await write((db) =>
    db
      .delete(Media)
      .where(and(eq(Media.hash, hash), sql`not (${inUse})`))
      .returning({ hash: Media.hash }),
  );
  return deleted.length > 0;
}
