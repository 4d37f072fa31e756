// RSS 2.0: absolute links, RFC 822 dates, GUIDs that never change (the post id, not its
// address), and the full text or the excerpt as the site is configured.
import { escapeHtml } from "./html.ts";

export interface FeedItem {
  id: string;
  title: string;
  link: string;
  publishedAt: Date | null;
  author: string;
  excerpt: string;
  html?: string;
  categories: string[];
}

export interface FeedChannel {
  title: string;
  link: string;
  self: string;
  description: string;
  items: FeedItem[];
}

const cdata = (text: string) => `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

export function rss(channel: FeedChannel): string {
  const updated = channel.items[0]?.publishedAt ?? new Date(0);
  const items = channel.items.map(
    (item) => `    <item>
      <title>${escapeHtml(item.title)}</title>
      <link>${escapeHtml(item.link)}</link>
      <guid isPermaLink="false">urn:uuid:${escapeHtml(item.id)}</guid>
      ${item.publishedAt ? `<pubDate>${item.publishedAt.toUTCString()}</pubDate>` : ""}
      <dc:creator>${escapeHtml(item.author)}</dc:creator>
${item.categories.map((c) => `      <category>${escapeHtml(c)}</category>`).join("\n")}
      <description>${escapeHtml(item.excerpt)}</description>${item.html ? `\n      <content:encoded>${cdata(item.html)}</content:encoded>` : ""}
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${escapeHtml(channel.title)}</title>
    <link>${escapeHtml(channel.link)}</link>
    <atom:link href="${escapeHtml(channel.self)}" rel="self" type="application/rss+xml"/>
    <description>${escapeHtml(channel.description)}</description>
    <language>en</language>
    <lastBuildDate>${updated.toUTCString()}</lastBuildDate>
${items.join("\n")}
  </channel>
</rss>
`;
}
