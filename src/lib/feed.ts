// RSS 2.0: absolute links, RFC 822 dates, GUIDs that never change (the post id, not its
// address), and the full text or the excerpt as the site is configured.
import { escapeHtml } from "./html.ts";
import { xmlSafe } from "./xml.ts";

export interface FeedItem {
  id: string;
  title: string;
  link: string;
  publishedAt: Date | null;
  author: string;
  excerpt: string;
  html?: string;
  categories: string[];
  /** The cover, as an enclosure: its absolute address, size in bytes and type. */
  enclosure?: { url: string; bytes: number; type: string };
}

export interface FeedChannel {
  title: string;
  link: string;
  self: string;
  description: string;
  /** The site's language (a BCP 47 tag). */
  language: string;
  items: FeedItem[];
}

const cdata = (text: string) => `<![CDATA[${xmlSafe(text).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

/**
 * A text field (title, description, author, category). Feed readers render these as HTML,
 * whatever RSS says, so the text is escaped for HTML and then for XML: a title
 * `<img onerror=…>` shows as those characters, never as an image.
 */
const text = (value: string) => escapeHtml(escapeHtml(xmlSafe(value)));
/** An address: XML-escaped once, as readers take it as it is. */
const url = (value: string) => escapeHtml(xmlSafe(value));

/**
 * The stored HTML's image addresses made absolute: a feed reader resolves a relative address
 * against nothing it knows. Only inside <img> and <source>, whose markup the renderer made.
 */
export function absoluteImages(html: string, siteUrl: string): string {
  return html.replace(/<(?:img|source)\b[^>]*>/g, (tag) => tag.replace(/(="|, )\/media\//g, `$1${siteUrl}/media/`));
}

export function rss(channel: FeedChannel): string {
  const updated = channel.items[0]?.publishedAt ?? new Date(0);
  const items = channel.items.map(
    (item) => `    <item>
      <title>${text(item.title)}</title>
      <link>${url(item.link)}</link>
      <guid isPermaLink="false">urn:uuid:${url(item.id)}</guid>
      ${item.publishedAt ? `<pubDate>${item.publishedAt.toUTCString()}</pubDate>` : ""}
      <dc:creator>${text(item.author)}</dc:creator>
${item.categories.map((c) => `      <category>${text(c)}</category>`).join("\n")}
      <description>${text(item.excerpt)}</description>${item.enclosure ? `\n      <enclosure url="${url(item.enclosure.url)}" length="${item.enclosure.bytes}" type="${url(item.enclosure.type)}"/>` : ""}${item.html ? `\n      <content:encoded>${cdata(item.html)}</content:encoded>` : ""}
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${text(channel.title)}</title>
    <link>${url(channel.link)}</link>
    <atom:link href="${url(channel.self)}" rel="self" type="application/rss+xml"/>
    <description>${text(channel.description)}</description>
    <language>${url(channel.language)}</language>
    <lastBuildDate>${updated.toUTCString()}</lastBuildDate>
${items.join("\n")}
  </channel>
</rss>
`;
}
