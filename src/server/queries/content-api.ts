// The Content API's reads in SQL: public posts, pages, tags and authors, filtered (a parsed
// NQL tree, src/lib/nql.ts), ordered and paged. Only what readers can see: a draft, a
// scheduled post before its time, a tag or a person with no public post is in no answer,
// and no query here reads an email address.
import { and, asc, count, desc, eq, gt, gte, inArray, lt, lte, ne, not, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { Post, PostTag, Tag, user } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { NqlError, type NqlComparison, type NqlNode, type NqlValue } from "../../lib/nql.ts";
import { pageVisibleNow, visibleNow } from "./posts.ts";

export type Resource = "posts" | "pages" | "tags" | "authors";

type FieldKind = "text" | "time" | "bool";
/** A filterable field: a column and what its values are, or a rule of its own. */
type Field = { column: SQLiteColumn; kind: FieldKind } | { custom: (cmp: NqlComparison, values: NqlValue[]) => SQL };

const hasTag = (slugs: string[]) =>
  sql`exists (select 1 from ${PostTag} join ${Tag} on ${Tag.id} = ${PostTag.tagId} where ${PostTag.postId} = ${Post.id} and ${inArray(Tag.slug, slugs)})`;

/** Membership: the post has (or lacks) one of these. Tag slugs are lowercase; ids are as they are. */
function membership(test: (values: string[]) => SQL, fold = false) {
  return (cmp: NqlComparison, values: NqlValue[]) => {
    if (!["eq", "ne", "in", "nin"].includes(cmp)) throw new NqlError("tags and authors are matched with :, :- or :[…] only");
    const texts = values.map((v) => (fold ? String(v).toLowerCase() : String(v)));
    return cmp === "ne" || cmp === "nin" ? not(test(texts)) : test(texts);
  };
}

/** Everything the Content API serves is public: `visibility:public` is true, any other visibility false. */
const visibility = (cmp: NqlComparison, values: NqlValue[]) => {
  const hit = values.includes("public");
  return (cmp === "ne" || cmp === "nin" ? !hit : hit) ? sql`1` : sql`0`;
};

const postFields: Record<string, Field> = {
  id: { column: Post.id, kind: "text" },
  slug: { column: Post.slug, kind: "text" },
  title: { column: Post.title, kind: "text" },
  featured: { column: Post.featured, kind: "bool" },
  published_at: { column: Post.publishedAt, kind: "time" },
  updated_at: { column: Post.updatedAt, kind: "time" },
  created_at: { column: Post.createdAt, kind: "time" },
  tag: { custom: membership(hasTag, true) },
  tags: { custom: membership(hasTag, true) },
  "tags.slug": { custom: membership(hasTag, true) },
  author: { custom: membership((ids) => inArray(Post.authorId, ids)) },
  authors: { custom: membership((ids) => inArray(Post.authorId, ids)) },
  "authors.slug": { custom: membership((ids) => inArray(Post.authorId, ids)) },
  visibility: { custom: visibility },
};

const FIELDS: Record<Resource, Record<string, Field>> = {
  posts: postFields,
  pages: postFields,
  tags: {
    id: { column: Tag.slug, kind: "text" },
    slug: { column: Tag.slug, kind: "text" },
    name: { column: Tag.name, kind: "text" },
    visibility: { custom: visibility },
  },
  authors: {
    id: { column: user.id, kind: "text" },
    slug: { column: user.id, kind: "text" },
    name: { column: user.name, kind: "text" },
  },
};

/** Ghost writes times as 'YYYY-MM-DD HH:mm:ss', meaning UTC; an ISO time is taken as it is. */
function timeOf(value: NqlValue): Date {
  const text = String(value).trim();
  const utc = /^\d{4}-\d\d-\d\d([ T]\d\d:\d\d(:\d\d(\.\d+)?)?)?$/.test(text)
    ? `${text.replace(" ", "T")}${text.length > 10 ? "Z" : ""}`
    : text;
  const ms = Date.parse(utc);
  if (!Number.isFinite(ms)) throw new NqlError(`${JSON.stringify(text)} is not a date (use 'YYYY-MM-DD HH:mm:ss', UTC)`);
  return new Date(ms);
}

function valueOf(kind: FieldKind, field: string, value: NqlValue) {
  if (kind === "time") return timeOf(value);
  if (kind === "bool") {
    if (typeof value !== "boolean") throw new NqlError(`${field} is true or false`);
    return value;
  }
  if (value === null || typeof value === "boolean") throw new NqlError(`${field} takes a word, not ${String(value)}`);
  return value;
}

const COMPARE = { eq, ne, gt, gte, lt, lte } as const;

/** The SQL condition for a filter on `resource`; an unknown field is refused with the known ones. */
export function filterSql(resource: Resource, node: NqlNode): SQL {
  if (node.kind !== "term") {
    const parts = node.items.map((item) => filterSql(resource, item));
    return (node.kind === "and" ? and(...parts) : or(...parts))!;
  }
  const field = FIELDS[resource][node.field];
  if (!field) throw new NqlError(`${resource} cannot be filtered by "${node.field}"; try ${Object.keys(FIELDS[resource]).join(", ")}`);
  if ("custom" in field) return field.custom(node.cmp, node.values);
  if (node.cmp === "in" || node.cmp === "nin") {
    const values = node.values.map((v) => valueOf(field.kind, node.field, v));
    return node.cmp === "in" ? inArray(field.column, values) : notInArray(field.column, values);
  }
  if (field.kind === "bool" && node.cmp !== "eq" && node.cmp !== "ne") throw new NqlError(`${node.field} is true or false`);
  return COMPARE[node.cmp](field.column, valueOf(field.kind, node.field, node.values[0]!));
}

/** Orderable fields, by the names Ghost gives them. */
const ORDER: Record<Resource, Record<string, SQLiteColumn | SQL>> = {
  posts: { published_at: Post.publishedAt, updated_at: Post.updatedAt, created_at: Post.createdAt, title: Post.title, slug: Post.slug },
  pages: { published_at: Post.publishedAt, updated_at: Post.updatedAt, created_at: Post.createdAt, title: Post.title, slug: Post.slug },
  tags: { name: Tag.name, slug: Tag.slug, "count.posts": sql`count(${PostTag.postId})` },
  authors: { name: user.name, "count.posts": sql`count(${Post.id})` },
};
const DEFAULT_ORDER: Record<Resource, string> = { posts: "published_at desc", pages: "title asc", tags: "name asc", authors: "name asc" };
/** A final order on the id, so pages of a list never repeat or skip a row whose sort values tie. */
const TIE_BREAK: Record<Resource, SQLiteColumn> = { posts: Post.id, pages: Post.id, tags: Tag.id, authors: user.id };

export class OrderError extends Error {}

/** `"published_at desc, title asc"` as SQL; an unknown field or direction is refused. */
export function orderSql(resource: Resource, order: string | undefined): SQL[] {
  const parts = (order?.trim() || DEFAULT_ORDER[resource]).split(",").slice(0, 3);
  const terms = parts.map((part) => {
    const [name = "", direction = "asc", extra] = part.trim().toLowerCase().split(/\s+/);
    const column = ORDER[resource][name];
    if (!column || extra || !["asc", "desc"].includes(direction)) {
      throw new OrderError(
        `order: use one of ${Object.keys(ORDER[resource]).join(", ")}, then asc or desc (got ${JSON.stringify(part.trim())})`,
      );
    }
    return direction === "desc" ? desc(column) : asc(column);
  });
  return [...terms, desc(TIE_BREAK[resource])];
}

export interface Browse {
  filter?: NqlNode;
  order: SQL[];
  limit: number;
  page: number;
}

const postColumns = {
  id: Post.id,
  slug: Post.slug,
  title: Post.title,
  excerpt: Post.excerpt,
  excerptCustom: Post.excerptCustom,
  html: Post.html,
  publishedAt: Post.publishedAt,
  createdAt: Post.createdAt,
  updatedAt: Post.updatedAt,
  authorId: Post.authorId,
  coverHash: Post.coverHash,
  coverAlt: Post.coverAlt,
  featured: Post.featured,
  lang: Post.lang,
};

/** Public posts (or pages) on one page of a browse, and how many match in all (counted through `counted`, which may remember it). */
export async function publicPosts(
  db: Database,
  kind: "posts" | "pages",
  browse: Browse,
  counted: (count: () => Promise<number>) => Promise<number> = (count) => count(),
  now = new Date(),
) {
  const where = and(kind === "posts" ? visibleNow(now) : pageVisibleNow(now), browse.filter && filterSql(kind, browse.filter));
  const [rows, total] = await Promise.all([
    db
      .select(postColumns)
      .from(Post)
      .where(where)
      .orderBy(...browse.order)
      .limit(browse.limit)
      .offset((browse.page - 1) * browse.limit),
    counted(async () => (await db.select({ n: count() }).from(Post).where(where))[0]?.n ?? 0),
  ]);
  return { rows, total };
}

/** People with at least one public post, by id, with their public profile only. */
export async function publicAuthors(db: Database, ids: string[], now = new Date()) {
  const byId = new Map<string, { id: string; name: string; image: string | null; bio: string | null; posts: number }>();
  if (!ids.length) return byId;
  const rows = await authorQuery(db, now).where(inArray(user.id, ids));
  for (const row of rows) byId.set(row.id, row);
  return byId;
}

function authorQuery(db: Database, now: Date) {
  return db
    .select({ id: user.id, name: user.name, image: user.image, bio: user.bio, posts: count(Post.id) })
    .from(user)
    .innerJoin(Post, and(eq(Post.authorId, user.id), visibleNow(now)))
    .groupBy(user.id)
    .$dynamic();
}

export async function browseAuthors(db: Database, browse: Browse, now = new Date()) {
  const filter = browse.filter && filterSql("authors", browse.filter);
  const all = authorQuery(db, now).where(filter).as("authors");
  const [rows, [total]] = await Promise.all([
    authorQuery(db, now)
      .where(filter)
      .orderBy(...browse.order)
      .limit(browse.limit)
      .offset((browse.page - 1) * browse.limit),
    db.select({ n: count() }).from(all),
  ]);
  return { rows, total: total?.n ?? 0 };
}

function tagQuery(db: Database, now: Date) {
  return db
    .select({ slug: Tag.slug, name: Tag.name, posts: count(PostTag.postId) })
    .from(Tag)
    .innerJoin(PostTag, and(eq(PostTag.tagId, Tag.id), lte(PostTag.publicAt, now)))
    .innerJoin(Post, and(eq(Post.id, PostTag.postId), visibleNow(now)))
    .groupBy(Tag.id)
    .$dynamic();
}

/** Tags with at least one public post, with how many. */
export async function browseTags(db: Database, browse: Browse, now = new Date()) {
  const filter = browse.filter && filterSql("tags", browse.filter);
  const all = tagQuery(db, now).where(filter).as("tags");
  const [rows, [total]] = await Promise.all([
    tagQuery(db, now)
      .where(filter)
      .orderBy(...browse.order)
      .limit(browse.limit)
      .offset((browse.page - 1) * browse.limit),
    db.select({ n: count() }).from(all),
  ]);
  return { rows, total: total?.n ?? 0 };
}
