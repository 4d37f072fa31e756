// Tags in SQL: the tag pages, the editor's suggestions, and the tags of posts. Functions
// take the database and return rows, or null for none; the router decides who sees what.
import { and, asc, count, eq, inArray, lte, or, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Post, PostTag, Revision, Tag } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { slugify } from "../../lib/slug.ts";

export interface TagRef {
  slug: string;
  name: string;
}

// A tag's public_at is set only while its post is published or scheduled, so "public
// now" is one range on the tag's own index: counting needs no post rows at all.
const publishedCount = count(PostTag.postId);
const publicNow = () => lte(PostTag.publicAt, new Date());

/** Every tag that has at least one public post, with how many. */
export function tagsInUse(db: Database) {
  return db
    .select({ slug: Tag.slug, name: Tag.name, posts: publishedCount })
    .from(Tag)
    .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
    .where(publicNow())
    .groupBy(Tag.id)
    .orderBy(asc(Tag.name));
}

/** A tag with its count of public posts, or null when it has none. */
export async function publicTag(db: Database, slug: string) {
  const [row] = await db
    .select({ slug: Tag.slug, name: Tag.name, posts: publishedCount })
    .from(Tag)
    .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
    .where(and(eq(Tag.slug, slug.toLowerCase()), publicNow()))
    .groupBy(Tag.id);
  return row ?? null;
}

/**
 * Tag names, by name: every one (`"all"`), or those of public posts and, given an
 * `authorId`, of that author's posts too.
 */
export function tagNames(db: Database, scope: "all" | { authorId?: string }) {
  const names = db.selectDistinct({ slug: Tag.slug, name: Tag.name }).from(Tag);
  const visible =
    scope === "all"
      ? names
      : names
          .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
          .innerJoin(Post, eq(Post.id, PostTag.postId))
          .where(scope.authorId ? or(publicNow(), eq(Post.authorId, scope.authorId)) : publicNow());
  return visible.orderBy(asc(Tag.name)).limit(500);
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

/** One post's tags, by name. */
export async function tagsOfPost(db: Database, id: string): Promise<TagRef[]> {
  return (await tagsOf(db, [id])).get(id) ?? [];
}

/** Tag names as typed → unique tags by slug, first spelling wins. */
export function normalizeTags(names: string[]): TagRef[] {
  const bySlug = new Map<string, TagRef>();
  for (const name of names) {
    const slug = slugify(name, 40);
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
