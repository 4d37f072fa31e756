// What reader pages fetch, and the cache tags that say what they show. Pages call one
// function each; everything is read as an anonymous visitor so the HTML is shareable.
import { TRPCError } from "@trpc/server";
import { cacheTags, maxAgeUntil, postTags } from "../lib/cache-tags.ts";
import { readerApi } from "./caller.ts";

export interface Cacheable {
  /** Tags of everything the page shows. */
  tags: string[];
  /** Seconds the page may be kept (shorter when a scheduled post is due). */
  maxAge: number;
}

type Api = Awaited<ReturnType<typeof readerApi>>;
/** Pages read as an anonymous visitor; tests pass their own caller. */
const anonymous = (): Promise<Api> => readerApi();

const authorTags = (items: { author: { id: string } }[]) => [...new Set(items.map((i) => cacheTags.author(i.author.id)))];

/**
 * Missing things and bad cursors (a reader's typo) are null: callers answer 404 or send
 * the reader to the first page. Anything else, a database out of reach above all, is
 * thrown: it must not pass for "not found".
 */
export function missing(error: unknown): null {
  if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
  throw error;
}

async function listOrNull(api: Api, input: Parameters<Api["post"]["list"]>[0]) {
  return api.post.list(input).catch(missing);
}

export async function homePage(cursor: string | undefined, api?: Api) {
  // As many as the site's settings say a page shows.
  const page = await listOrNull(api ?? (await anonymous()), { cursor });
  if (!page) return null;
  return { page, cache: { tags: [cacheTags.list, ...authorTags(page.items)], maxAge: maxAgeUntil(page.refreshAt) } satisfies Cacheable };
}

export async function tagPage(slug: string, cursor: string | undefined, given?: Api) {
  const api = given ?? (await anonymous());
  const tag = await api.tag.bySlug({ slug }).catch(missing);
  if (!tag) return null;
  const page = await listOrNull(api, { tag: tag.slug, cursor });
  if (!page) return null;
  const tags = [cacheTags.tag(tag.slug), ...authorTags(page.items)];
  return { tag, page, cache: { tags, maxAge: maxAgeUntil(page.refreshAt) } satisfies Cacheable };
}

export async function tagIndexPage(given?: Api) {
  const api = given ?? (await anonymous());
  const tags = await api.tag.all();
  const { refreshAt } = await api.post.list({ limit: 1 });
  return { tags, cache: { tags: [cacheTags.tags, cacheTags.list], maxAge: maxAgeUntil(refreshAt) } satisfies Cacheable };
}

export async function authorPage(id: string, cursor: string | undefined, given?: Api) {
  const api = given ?? (await anonymous());
  const author = await api.user.byId({ id }).catch(missing);
  if (!author) return null;
  const page = await listOrNull(api, { authorId: author.id, cursor });
  if (!page) return null;
  return { author, page, cache: { tags: [cacheTags.author(author.id)], maxAge: maxAgeUntil(page.refreshAt) } satisfies Cacheable };
}

export async function postPage(slug: string, given?: Api) {
  const api = given ?? (await anonymous());
  const post = await api.post.bySlug({ slug }).catch(missing);
  if (!post) return null;
  const comments = await api.comment.byPost({ postId: post.id, limit: 50 });
  const commenters = comments.items.flatMap((c) => [c, ...c.replies]).flatMap((c) => (c.author ? [cacheTags.author(c.author.id)] : []));
  const tags = [
    ...new Set([
      ...postTags(
        post,
        post.tags.map((t) => t.slug),
      ),
      ...commenters,
    ]),
  ];
  return { post, comments, cache: { tags, maxAge: maxAgeUntil(post.refreshAt) } satisfies Cacheable };
}

/** A page of the site's own (About, Contact…) at /<slug>: no date, author, tags or comments. */
export async function pagePage(slug: string, given?: Api) {
  const api = given ?? (await anonymous());
  const page = await api.page.bySlug({ slug }).catch(missing);
  if (!page) return null;
  return { page, cache: { tags: [cacheTags.post(page.id)], maxAge: maxAgeUntil(null) } satisfies Cacheable };
}

export async function searchPage(q: string, cursor: string | undefined, given?: Api) {
  const api = given ?? (await anonymous());
  const results = q.trim()
    ? await api.post.search({ q: q.slice(0, 200), cursor: /^\d{1,6}$/.test(cursor ?? "") ? cursor : undefined })
    : null;
  // Any change to public posts or pages may change results; author names show beside posts.
  const posts = (results?.items ?? []).filter((r) => r.kind === "post");
  const tags = [cacheTags.list, cacheTags.pages, ...authorTags(posts)];
  return { results, cache: { tags, maxAge: maxAgeUntil(null) } satisfies Cacheable };
}

export async function feed(tag?: string, given?: Api) {
  const api = given ?? (await anonymous());
  const found = tag ? await api.tag.bySlug({ slug: tag }).catch(missing) : null;
  if (tag && !found) return null;
  const page = await api.post.list({ tag: found?.slug, limit: 20, full: true });
  const tags = [found ? cacheTags.tag(found.slug) : cacheTags.list, ...authorTags(page.items)];
  return { tag: found, items: page.items, cache: { tags, maxAge: maxAgeUntil(page.refreshAt) } satisfies Cacheable };
}

export async function sitemap(given?: Api) {
  const api = given ?? (await anonymous());
  const [entries, { refreshAt }] = await Promise.all([api.post.sitemap(), api.post.list({ limit: 1 })]);
  const tags = [cacheTags.list, cacheTags.tags, cacheTags.pages];
  return { entries, cache: { tags, maxAge: maxAgeUntil(refreshAt) } satisfies Cacheable };
}
