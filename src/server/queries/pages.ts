// The site's pages (About, Contact…) in SQL. A page is a row of the post table with kind
// 'page' (it shares the editor, revisions and conflicts); what differs is who reads it and
// where: at /<slug>, in no list but the sitemap and search. Writes go through posts.ts.
import { and, asc, eq } from "drizzle-orm";
import { Post } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { withCovers } from "./media.ts";
import { effectiveStatus, pageVisibleNow } from "./posts.ts";

/** A published page by its slug, as its reader page shows it; null unless readers can see it. */
export async function publicPageBySlug(db: Database, slug: string) {
  const [row] = await db
    .select()
    .from(Post)
    .where(and(eq(Post.slug, slug), pageVisibleNow()))
    .limit(1);
  if (!row) return null;
  const [page] = await withCovers(db, [row]);
  return page!;
}

/** Every page in any state, by title, for the dashboard's list. */
export async function allPages(db: Database) {
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
    .where(eq(Post.kind, "page"))
    .orderBy(asc(Post.title), asc(Post.id));
  return rows.map((p) => ({ ...p, status: effectiveStatus(p) }));
}
