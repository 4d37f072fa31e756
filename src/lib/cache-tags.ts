// The one owner of cache tag names. Reader pages declare the tags they depend on;
// mutations purge the tags they change.
export const cacheTags = {
  /** Every page that lists posts: home and its pages. */
  list: "list",
  post: (id: string) => `post:${id}`,
  author: (id: string) => `author:${id}`,
  /** Percent-encoded: a tag's slug may be in any script, and a tag travels in a header. */
  tag: (slug: string) => `tag:${encodeURIComponent(slug)}`,
  /** The tag index page. */
  tags: "tags",
  /** Every page that lists the site's pages (About, Contact…): the sitemap and search. */
  pages: "pages",
  /** The site's settings (title, menus, language…): every page shows them, so this purges all. */
  site: "site",
  /** The redirect table (old addresses): no page shows it; the HTTP layer reads it again. */
  redirects: "redirects",
  /** The webhook endpoints: no page shows them; every process reads the list again. */
  webhooks: "webhooks",
  /** API keys: no page shows them; a revoked content key is forgotten by every process. */
  apiKeys: "api-keys",
} as const;

/** What a change to a post that readers can see makes stale: its page, the lists, its tags. */
export function postTags(post: { id: string; authorId: string }, tagSlugs: Iterable<string> = []): string[] {
  const slugs = [...new Set(tagSlugs)];
  return [
    cacheTags.post(post.id),
    cacheTags.list,
    cacheTags.author(post.authorId),
    ...(slugs.length ? [cacheTags.tags, ...slugs.map(cacheTags.tag)] : []),
  ];
}

/**
 * What a change to a page (About, Contact…) that readers can see makes stale: its own page
 * and the lists of pages. When a link to it changes (it appears or goes, or its title or
 * address changes), every page too: menus on every page link to pages, and a page changes
 * too rarely to track which menus name it.
 */
export function pageTags(page: { id: string }, linkChanged: boolean): string[] {
  return [cacheTags.post(page.id), cacheTags.pages, ...(linkChanged ? [cacheTags.site] : [])];
}

/** Seconds a page may be kept: the usual time, cut short when a scheduled post goes live sooner. */
export function maxAgeUntil(refreshAt: Date | null | undefined, now = Date.now()): number {
  if (!refreshAt) return READER_PAGE_MAX_AGE;
  return Math.max(1, Math.min(READER_PAGE_MAX_AGE, Math.ceil((refreshAt.getTime() - now) / 1000)));
}

/** How long a cached reader page lives in the server's memory before it is rendered again. */
export const READER_PAGE_MAX_AGE = 3600;

/**
 * How long a shared cache (a CDN) may serve a reader page without asking us, and how much
 * longer it may serve it stale while it asks. Purges reach our own memory, not a CDN's,
 * so these bound how late a CDN's readers see a change.
 */
export const READER_PAGE_CDN_MAX_AGE = 60;
export const READER_PAGE_CDN_STALE_WHILE_REVALIDATE = 300;

/** Browsers always revalidate (cheap: a 304 against the ETag); a CDN may hold briefly. */
export const READER_PAGE_CACHE_CONTROL =
  `public, max-age=0, must-revalidate, s-maxage=${READER_PAGE_CDN_MAX_AGE}, ` +
  `stale-while-revalidate=${READER_PAGE_CDN_STALE_WHILE_REVALIDATE}`;

/** Everything that is not a shared reader page. */
export const PRIVATE_CACHE_CONTROL = "private, no-store";
