// What menus point at, in SQL: the public pages, posts and tags a menu names (for every page's
// header and footer), and everything an admin may add to a menu (for the menu editor).
import { and, asc, desc, eq, inArray, lte, or } from "drizzle-orm";
import { Post, PostTag, Tag, POST_KINDS, type PostRow } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { effectiveStatus, pageVisibleNow, visibleNow } from "./posts.ts";
import { tagsInUse } from "./tags.ts";

export type PostKind = (typeof POST_KINDS)[number];

/** How many of the newest public posts the menu editor offers (a menu links a few, not all). */
export const MENU_POST_CHOICES = 100;

/**
 * The public pages and posts among `ids` and the tags among `tagSlugs` that have a public post:
 * two indexed lookups at most, none when the menus name neither.
 */
export async function publicMenuTargets(db: Database, ids: readonly string[], tagSlugs: readonly string[]) {
  const [posts, tags] = await Promise.all([
    ids.length
      ? db
          .select({ id: Post.id, slug: Post.slug, title: Post.title, kind: Post.kind })
          .from(Post)
          .where(and(inArray(Post.id, [...new Set(ids)]), or(visibleNow(), pageVisibleNow())))
      : [],
    tagSlugs.length
      ? db
          .selectDistinct({ slug: Tag.slug, name: Tag.name })
          .from(Tag)
          .innerJoin(PostTag, eq(PostTag.tagId, Tag.id))
          .where(and(inArray(Tag.slug, [...new Set(tagSlugs)]), lte(PostTag.publicAt, new Date())))
      : [],
  ]);
  return { posts: new Map(posts.map((p) => [p.id, p])), tags: new Map(tags.map((t) => [t.slug, t])) };
}

/** A page or post as the menu editor lists it, public or not. */
export interface MenuTarget {
  id: string;
  title: string;
  slug: string;
  kind: PostKind;
  status: ReturnType<typeof effectiveStatus>;
}

const targetColumns = {
  id: Post.id,
  title: Post.title,
  slug: Post.slug,
  kind: Post.kind,
  status: Post.status,
  publishedAt: Post.publishedAt,
};
type TargetRow = Omit<MenuTarget, "status"> & Pick<PostRow, "status" | "publishedAt">;
const asTarget = ({ publishedAt, ...row }: TargetRow): MenuTarget => ({
  ...row,
  status: effectiveStatus({ status: row.status, publishedAt }),
});

/**
 * What a menu may link to: every page (a site has a handful), the newest public posts, the
 * tags in use, and whatever the menus already name (so the editor can say what they are).
 */
export async function menuChoices(db: Database, named: readonly string[]) {
  const [pages, posts, tags, current] = await Promise.all([
    db.select(targetColumns).from(Post).where(eq(Post.kind, "page")).orderBy(asc(Post.title)),
    db
      .select(targetColumns)
      .from(Post)
      .where(and(eq(Post.kind, "post"), visibleNow()))
      .orderBy(desc(Post.publishedAt), desc(Post.id))
      .limit(MENU_POST_CHOICES),
    tagsInUse(db),
    named.length
      ? db
          .select(targetColumns)
          .from(Post)
          .where(inArray(Post.id, [...new Set(named)]))
      : [],
  ]);
  const seen = new Set<string>();
  const targets: MenuTarget[] = [];
  for (const row of [...pages, ...posts, ...current]) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    targets.push(asTarget(row));
  }
  return { pages: targets.filter((t) => t.kind === "page"), posts: targets.filter((t) => t.kind === "post"), tags };
}

/** Which of `ids` are pages and posts, by id: a menu can only name ones that exist. */
export async function existingTargets(db: Database, ids: readonly string[]): Promise<Map<string, PostKind>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: Post.id, kind: Post.kind })
    .from(Post)
    .where(inArray(Post.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.kind]));
}
