import type { APIRoute } from "astro";
import { escapeHtml } from "../lib/html.ts";
import { sitemap } from "../server/reader.ts";
import { site } from "../server/site.ts";

// Every public post, page (About…), tag and author page, with when it last changed (sitemaps.org 0.9).
export const GET: APIRoute = async (context) => {
  const { entries, cache } = await sitemap();
  context.cache.set(cache);
  const s = await site();
  const latest = entries.posts.reduce<Date | null>((a, p) => (!a || p.updatedAt > a ? p.updatedAt : a), null);
  const url = (path: string, lastmod: Date | null) =>
    `  <url><loc>${escapeHtml(s.abs(path))}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ""}</url>`;
  const urls = [
    url("/", latest),
    url("/tags", latest),
    ...entries.posts.map((p) => url(`/posts/${p.slug}`, p.updatedAt)),
    ...entries.pages.map((p) => url(`/${p.slug}`, p.updatedAt)),
    ...entries.tags.map((t) => url(`/tags/${t.slug}`, t.lastmod ? new Date(t.lastmod) : null)),
    ...entries.authors.map((a) => url(`/authors/${a.id}`, a.lastmod ? new Date(a.lastmod) : null)),
  ];
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join("\n")}
</urlset>
`;
  return new Response(body, { headers: { "content-type": "application/xml; charset=utf-8" } });
};
