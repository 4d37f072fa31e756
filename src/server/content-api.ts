// The Content API's answers in Ghost's shapes: what `@tryghost/content-api` and the front
// ends built on it expect (docs/content-api.md says what is supported, parameter by
// parameter). Reads go through queries/content-api.ts, which sees public content only;
// each answer names the cache tags it depends on, the same ones pages use, so a publish
// purges it with them.
import type { Database } from "../../db/client.ts";
import { cacheTags } from "../lib/cache-tags.ts";
import { NqlError, parseNql, type NqlNode } from "../lib/nql.ts";
import { fallbackSrc } from "../media/urls.ts";
import { resolveMenus } from "./menus.ts";
import { withCovers } from "./queries/media.ts";
import { nextScheduled } from "./queries/posts.ts";
import { tagsOf } from "./queries/tags.ts";
import * as content from "./queries/content-api.ts";
import { OrderError, type Browse, type Resource } from "./queries/content-api.ts";
import { siteSettings } from "./settings.ts";

export type ContentResource = Resource | "settings";

/** A refusal in Ghost's terms: its HTTP status and its error type (NotFoundError…). */
export class ContentApiError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export interface ContentAnswer {
  body: Record<string, unknown>;
  tags: string[];
  /** When a scheduled post goes live and changes this answer. */
  refreshAt: Date | null;
}

export const DEFAULT_LIMIT = 15;
export const MAX_LIMIT = 100;
const INCLUDES = ["tags", "authors", "count.posts"] as const;
const FORMATS = ["html", "plaintext"] as const;

const bad = (message: string) => new ContentApiError(400, "BadRequestError", message);

function list(params: URLSearchParams, name: string): string[] {
  return (params.get(name) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function oneOf<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[], hint = ""): T[] {
  const values = list(params, name);
  const unknown = values.filter((v) => !allowed.includes(v as T));
  if (unknown.length) throw bad(`${name}: ${unknown.join(", ")} not supported; use ${allowed.join(", ")}${hint}`);
  return values as T[];
}

/** A whole number from 1 up, or the fallback when absent. */
function positive(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw bad(`${name}: a whole number from 1 up (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

function browseOf(resource: Resource, params: URLSearchParams): Browse {
  // `all` and anything over the cap are the cap: a list of every post is a walk through pages.
  const rawLimit = params.get("limit");
  const limit = rawLimit === "all" ? MAX_LIMIT : Math.min(MAX_LIMIT, positive(params, "limit", DEFAULT_LIMIT));
  const page = positive(params, "page", 1);
  let filter: NqlNode | undefined;
  try {
    const source = params.get("filter");
    filter = source ? parseNql(source) : undefined;
    // Checked now, so a bad field is a 400 before any query runs.
    if (filter) content.filterSql(resource, filter);
    return { filter, order: content.orderSql(resource, params.get("order") ?? undefined), limit, page };
  } catch (e) {
    if (e instanceof NqlError || e instanceof OrderError) throw bad(e.message);
    throw e;
  }
}

function pagination(browse: Browse, total: number) {
  const pages = Math.max(1, Math.ceil(total / browse.limit));
  return {
    pagination: {
      page: browse.page,
      limit: browse.limit,
      pages,
      total,
      next: browse.page < pages ? browse.page + 1 : null,
      prev: browse.page > 1 ? Math.min(browse.page - 1, pages) : null,
    },
  };
}

/** Only the fields asked for, when `fields` names some. */
function pick<T extends Record<string, unknown>>(item: T, fields: string[]): Partial<T> {
  if (!fields.length) return item;
  return Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f]])) as Partial<T>;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The text of rendered HTML, its blocks on lines of their own. */
export function plaintextOf(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, "")
    .replace(/<\/(p|h[1-6]|li|blockquote|pre|figure|figcaption|tr|div)>|<br\s*\/?>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

interface Context {
  db: Database;
  siteUrl: string;
}

const abs = (ctx: Context, path: string) => new URL(path, `${ctx.siteUrl}/`).href;

function authorOut(
  ctx: Context,
  a: { id: string; name: string; image: string | null; bio: string | null; posts: number },
  withCount: boolean,
) {
  return {
    id: a.id,
    name: a.name,
    slug: a.id,
    profile_image: a.image ? abs(ctx, a.image) : null,
    cover_image: null,
    bio: a.bio || null,
    website: null,
    location: null,
    facebook: null,
    twitter: null,
    meta_title: null,
    meta_description: null,
    url: abs(ctx, `/authors/${encodeURIComponent(a.id)}`),
    ...(withCount ? { count: { posts: a.posts } } : {}),
  };
}

/** A tag's id is its slug: unique, stable, and the same whether listed on its own or on a post. */
function tagOut(ctx: Context, t: { slug: string; name: string; posts?: number }, withCount: boolean) {
  return {
    id: t.slug,
    name: t.name,
    slug: t.slug,
    description: null,
    feature_image: null,
    visibility: "public",
    meta_title: null,
    meta_description: null,
    url: abs(ctx, `/tags/${encodeURIComponent(t.slug)}`),
    ...(withCount && t.posts !== undefined ? { count: { posts: t.posts } } : {}),
  };
}

const WORDS_PER_MINUTE = 275;

/**
 * Totals of browses by what they count, per database: counting 10,000 public posts reads
 * each row, and every page of one browse counts the same. Forgotten when a purge says a
 * public post or page changed (contentCountsChanged), or when a scheduled post goes live.
 */
const totals = new WeakMap<Database, Map<string, { total: number; until: number }>>();

export function contentCountsChanged(db: Database): void {
  totals.delete(db);
}

async function countOnce(db: Database, key: string, refreshAt: Date | null, count: () => Promise<number>): Promise<number> {
  let known = totals.get(db);
  if (!known) totals.set(db, (known = new Map()));
  const hit = known.get(key);
  if (hit && hit.until > Date.now()) return hit.total;
  const total = await count();
  if (known.size > 1000) known.clear();
  known.set(key, { total, until: refreshAt?.getTime() ?? Infinity });
  return total;
}

async function posts(ctx: Context, kind: "posts" | "pages", params: URLSearchParams, target?: NqlNode): Promise<ContentAnswer> {
  const browse = target ? { order: content.orderSql(kind, undefined), limit: 1, page: 1, filter: target } : browseOf(kind, params);
  const include = oneOf(params, "include", INCLUDES);
  const formats = oneOf(params, "formats", FORMATS, " (mobiledoc and lexical are Ghost's editor formats; Quire keeps Markdown)");
  const fields = list(params, "fields");
  const refreshAt = kind === "posts" ? await nextScheduled(ctx.db) : null;
  const counted = (n: () => Promise<number>) => countOnce(ctx.db, `${kind}?${params.get("filter") ?? ""}`, refreshAt, n);
  const { rows, total } = await content.publicPosts(ctx.db, kind, browse, counted);
  if (target && !rows.length) throw new ContentApiError(404, "NotFoundError", `${kind === "posts" ? "Post" : "Page"} not found.`);
  const withTags = include.includes("tags") && kind === "posts";
  const withAuthors = include.includes("authors");
  const ids = rows.map((r) => r.id);
  const [covered, tagsByPost, authors] = await Promise.all([
    withCovers(ctx.db, rows),
    withTags ? tagsOf(ctx.db, ids) : undefined,
    withAuthors ? content.publicAuthors(ctx.db, [...new Set(rows.map((r) => r.authorId))]) : undefined,
  ]);
  const shown = formats.length ? formats : ["html"];
  const items = covered.map((p) => {
    const text = plaintextOf(p.html);
    const postTags = tagsByPost?.get(p.id)?.map((t) => tagOut(ctx, t, false));
    const postAuthors = authors?.get(p.authorId);
    const author = postAuthors && authorOut(ctx, postAuthors, false);
    const out = {
      id: p.id,
      uuid: p.id,
      title: p.title,
      slug: p.slug,
      ...(shown.includes("html") ? { html: p.html } : {}),
      ...(shown.includes("plaintext") ? { plaintext: text } : {}),
      comment_id: p.id,
      feature_image: p.cover ? abs(ctx, fallbackSrc(p.cover)) : null,
      feature_image_alt: p.cover ? p.coverAlt || null : null,
      featured: p.featured,
      visibility: "public",
      created_at: iso(p.createdAt),
      updated_at: iso(p.updatedAt),
      published_at: iso(p.publishedAt),
      custom_excerpt: p.excerptCustom ? p.excerpt : null,
      excerpt: p.excerpt,
      reading_time: text ? Math.max(1, Math.round(text.split(/\s+/).length / WORDS_PER_MINUTE)) : 0,
      lang: p.lang,
      url: abs(ctx, kind === "posts" ? `/posts/${encodeURIComponent(p.slug)}` : `/${encodeURIComponent(p.slug)}`),
      canonical_url: null,
      ...(withAuthors ? { authors: author ? [author] : [], primary_author: author ?? null } : {}),
      ...(withTags ? { tags: postTags ?? [], primary_tag: postTags?.[0] ?? null } : {}),
    };
    return pick(out, fields);
  });
  const tags = [
    kind === "posts" ? cacheTags.list : cacheTags.pages,
    ...rows.map((r) => cacheTags.post(r.id)),
    ...new Set(rows.map((r) => cacheTags.author(r.authorId))),
    ...new Set([...(tagsByPost?.values() ?? [])].flat().map((t) => cacheTags.tag(t.slug))),
  ];
  const body = target ? { [kind]: items } : { [kind]: items, meta: pagination(browse, total) };
  return { body, tags, refreshAt };
}

async function tags(ctx: Context, params: URLSearchParams, target?: NqlNode): Promise<ContentAnswer> {
  const browse = target ? { order: content.orderSql("tags", undefined), limit: 1, page: 1, filter: target } : browseOf("tags", params);
  const withCount = oneOf(params, "include", ["count.posts"] as const).length > 0;
  const { rows, total } = await content.browseTags(ctx.db, browse);
  if (target && !rows.length) throw new ContentApiError(404, "NotFoundError", "Tag not found.");
  const items = rows.map((t) => pick(tagOut(ctx, t, withCount), list(params, "fields")));
  const body = target ? { tags: items } : { tags: items, meta: pagination(browse, total) };
  // Any public post's change can change a count, or bring a tag in or out of the list.
  return { body, tags: [cacheTags.tags, cacheTags.list], refreshAt: await nextScheduled(ctx.db) };
}

async function authors(ctx: Context, params: URLSearchParams, target?: NqlNode): Promise<ContentAnswer> {
  const browse = target
    ? { order: content.orderSql("authors", undefined), limit: 1, page: 1, filter: target }
    : browseOf("authors", params);
  const withCount = oneOf(params, "include", ["count.posts"] as const).length > 0;
  const { rows, total } = await content.browseAuthors(ctx.db, browse);
  if (target && !rows.length) throw new ContentApiError(404, "NotFoundError", "Author not found.");
  const items = rows.map((a) => pick(authorOut(ctx, a, withCount), list(params, "fields")));
  const body = target ? { authors: items } : { authors: items, meta: pagination(browse, total) };
  return { body, tags: [cacheTags.list, ...rows.map((a) => cacheTags.author(a.id))], refreshAt: await nextScheduled(ctx.db) };
}

async function settings(ctx: Context): Promise<ContentAnswer> {
  const s = await siteSettings(ctx.db);
  const menus = await resolveMenus(ctx.db, s);
  const image = async (hash: string | null) => {
    if (!hash) return null;
    const [media] = await withCovers(ctx.db, [{ coverHash: hash, coverAlt: "" }]);
    return media?.cover ? abs(ctx, fallbackSrc(media.cover)) : null;
  };
  const [logo, icon, ogImage] = await Promise.all([image(s.logo), image(s.icon), image(s.socialImage)]);
  const navigation = (links: { href: string; label: string }[]) => links.map((l) => ({ label: l.label, url: abs(ctx, l.href) }));
  return {
    body: {
      settings: {
        title: s.title,
        description: s.description,
        logo,
        icon,
        accent_color: s.accent,
        cover_image: null,
        og_image: ogImage,
        twitter_image: ogImage,
        lang: s.language,
        timezone: "Etc/UTC",
        navigation: navigation(menus.header),
        secondary_navigation: navigation(menus.footer),
        url: `${ctx.siteUrl}/`,
      },
      meta: {},
    },
    tags: [cacheTags.site, ...menus.tags],
    refreshAt: null,
  };
}

const byIdOrSlug = (key: "id" | "slug", value: string): NqlNode => ({ kind: "term", field: key, cmp: "eq", values: [value] });

/** The answer to `/<resource>/`, `/<resource>/<id>/` or `/<resource>/slug/<slug>/`. */
export async function contentAnswer(
  ctx: Context,
  resource: ContentResource,
  target: { id: string } | { slug: string } | undefined,
  params: URLSearchParams,
): Promise<ContentAnswer> {
  if (resource === "settings") {
    if (target) throw new ContentApiError(404, "NotFoundError", "Settings are read whole: /settings/");
    return settings(ctx);
  }
  const node = target && ("id" in target ? byIdOrSlug("id", target.id) : byIdOrSlug("slug", target.slug));
  if (resource === "posts" || resource === "pages") return posts(ctx, resource, params, node);
  if (resource === "tags") return tags(ctx, params, node);
  return authors(ctx, params, node);
}
