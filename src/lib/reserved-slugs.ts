// Addresses a page (served at /<slug>) may not take: the site's own routes and files, and a
// few names kept for routes still to come. Astro's static routes win over pages/[slug].astro,
// so a page under one of these would be saved and never seen. tests/unit/reserved-slugs.test.ts
// checks every top-level entry of src/pages/ and public/ is here.

export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "posts",
  "tags",
  "authors",
  "api",
  "media",
  "sign-in",
  "sign-up",
  "sign-out",
  "dashboard",
  "admin",
  "profile",
  "account",
  "search",
  "auth",
  "forgot-password",
  "reset-password",
  "rss.xml",
  "sitemap.xml",
  "robots.txt",
  "favicon.svg",
  "favicon.ico",
  "_astro",
  "ghost",
  "p",
  "404",
  "500",
  "feed",
  "page",
  "pages",
  "settings",
  "subscribe",
  "unsubscribe",
  "newsletter",
  "import",
  "export",
]);

/** True when a page at /<slug> would collide with one of the site's own addresses. */
export function isReservedSlug(slug: string): boolean {
  return RESERVED_SLUGS.has(slug.toLowerCase());
}

/** Why a page cannot have this slug, in words the editor shows under the address. */
export function reservedSlugMessage(slug: string): string {
  return `/${slug} is one of the site's own addresses: choose another address for this page`;
}
