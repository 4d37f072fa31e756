import type { APIContext } from "astro";
import { absoluteImages, rss } from "../lib/feed.ts";
import { messages } from "../lib/i18n/index.ts";
import { previewRendition } from "../media/urls.ts";
import type { Cover } from "./queries/media.ts";
import { feed } from "./reader.ts";
import { site } from "./site.ts";

/** The site's feed, or a tag's: cached and purged like the pages that list the same posts. */
export async function feedResponse(context: APIContext, tag?: string): Promise<Response> {
  const data = await feed(tag);
  if (!data) return new Response("No such tag\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  context.cache.set(data.cache);
  const s = await site();
  const path = data.tag ? `/tags/${data.tag.slug}` : "/";
  const body = rss({
    title: data.tag ? `#${data.tag.name} · ${s.title}` : s.title,
    link: s.abs(path),
    self: s.abs(data.tag ? `${path}/rss.xml` : "/rss.xml"),
    description: data.tag ? messages(s.language).tags.feedDescription(data.tag.name, s.title) : s.description,
    language: s.language,
    items: data.items.map((p) => ({
      id: p.id,
      title: p.title,
      link: s.abs(`/posts/${p.slug}`),
      publishedAt: p.publishedAt,
      author: p.author.name,
      excerpt: p.excerpt,
      html: s.feedContent === "full" ? absoluteImages(p.html, s.url) : undefined,
      categories: p.tags.map((t) => t.name),
      enclosure: p.cover ? enclosureOf(p.cover, s.abs) : undefined,
    })),
  });
  return new Response(body, { headers: { "content-type": "application/rss+xml; charset=utf-8" } });
}

/** The cover's link-preview rendition, as the item's one enclosure. */
function enclosureOf(cover: Cover, abs: (path: string) => string) {
  const pick = previewRendition(cover);
  return { url: abs(pick.path), bytes: pick.bytes, type: pick.type };
}
