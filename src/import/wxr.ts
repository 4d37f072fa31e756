// WordPress eXtended RSS (WXR 1.1 and 1.2) into an ImportBundle: posts and pages with their
// statuses, GMT dates, authors, categories and tags, comments, featured images, excerpts and
// sticky flags. Read as a stream, one <item> at a time.
import { GALLERY_MARK, htmlToMarkdown } from "./html-to-markdown.ts";
import { ImportRefused, type ImportBundle, type ImportComment, type ImportItem, type ImportPerson } from "./model.ts";
import { readXml, textOf, type XmlLimits, type XmlNode } from "./xml-stream.ts";
import { inMemory, type ItemKeeper } from "./spool.ts";

const STATUS: Record<string, ImportItem["status"] | undefined> = {
  publish: "published",
  future: "scheduled",
  draft: "draft",
  pending: "draft",
  private: "draft",
  "auto-draft": undefined,
  trash: undefined,
  inherit: undefined,
};

/**
 * The most HTML a post's body may be. Its Markdown would be far over what a post holds
 * (BODY_MAX, 200,000 characters; this much HTML gives about 700,000), and turning it into a
 * document tree takes memory the import thread's bounded heap must keep for the rest.
 */
export const HTML_MAX = 1_000_000;

/** A WXR date ("2008-10-17 04:33:51", GMT), or undefined for WordPress's zero date. */
function gmtDate(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m || m[1] === "0000") return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The post's GMT date; a draft's is often zero, then its local date stands in. */
function itemDate(item: XmlNode, gmt: string, local: string): Date | undefined {
  return gmtDate(textOf(item, gmt)) ?? gmtDate(textOf(item, local));
}

function metaOf(item: XmlNode): Map<string, string> {
  const meta = new Map<string, string>();
  for (const m of item.children) if (m.name === "wp:postmeta") meta.set(textOf(m, "wp:meta_key"), textOf(m, "wp:meta_value"));
  return meta;
}

/** The path of an address on the old site, with its query: `/?p=12`, `/2020/01/slug/`. */
function pathOf(url: string, base: string | undefined): string | undefined {
  try {
    const u = new URL(url, base);
    return `${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

/** WordPress stores a non-Latin slug percent-encoded. */
function decodedSlug(slug: string): string {
  try {
    return decodeURIComponent(slug);
  } catch {
    return slug;
  }
}

interface Attachment {
  url: string;
  alt: string;
}

/** A [gallery ids="…"] becomes its images, one after another, once every attachment is known. */
function resolveGalleries(item: ImportItem, attachments: Map<string, Attachment>, bundle: ImportBundle): string {
  return item.body.replace(new RegExp(`^${GALLERY_MARK}([\\d,]+)$`, "gm"), (_m, ids: string) => {
    const found = ids.split(",").flatMap((id) => attachments.get(id) ?? []);
    if (found.length < ids.split(",").length) {
      bundle.warnings.push({ where: item.title, message: "A gallery names images that are not in the file; they were left out" });
    }
    return found.map((a) => `![${a.alt.replace(/[[\]]/g, "")}](${a.url})`).join("\n\n");
  });
}

/** `items` keeps each item's text (on disk while a real import runs). */
export async function parseWxr(
  chunks: AsyncIterable<Uint8Array | string>,
  limits?: XmlLimits,
  items: ItemKeeper = inMemory,
): Promise<ImportBundle> {
  const bundle: ImportBundle = { source: "wordpress", site: {}, people: [], items: [], skipped: [], warnings: [] };
  const people = new Map<string, ImportPerson>();
  const attachments = new Map<string, Attachment>();
  /** Items with a gallery, resolved once every attachment is known. */
  const galleries: ImportItem[] = [];
  /** Items waiting for their featured image, which may come later in the file. */
  const thumbnails: [ImportItem, string][] = [];
  let sawChannel = false;
  let version: string | undefined;

  await readXml(
    chunks,
    3,
    (node, path) => {
      if (path.join("/") !== "rss/channel") return;
      sawChannel = true;
      switch (node.name) {
        case "title":
          bundle.site.title = node.text.trim();
          return;
        case "description":
          bundle.site.description = node.text.trim();
          return;
        case "link":
          bundle.site.url ??= node.text.trim();
          return;
        case "wp:base_site_url":
          bundle.site.url = node.text.trim();
          return;
        case "wp:wxr_version":
          version = node.text.trim();
          return;
        case "wp:author": {
          const ref = textOf(node, "wp:author_login");
          if (!ref) return;
          const email = textOf(node, "wp:author_email").toLowerCase() || undefined;
          people.set(ref, { ref, name: textOf(node, "wp:author_display_name") || ref, email });
          return;
        }
        case "item":
          readItem(node);
          return;
      }
    },
    limits,
  );
  if (!sawChannel) throw new ImportRefused("This is not a WordPress export: it has no <rss><channel>");
  if (version && !/^1\.[0-2]$/.test(version)) {
    bundle.warnings.push({ where: "the file", message: `WXR version ${version} is newer than 1.2; read as 1.2` });
  }

  for (const [item, id] of thumbnails) {
    const image = attachments.get(id);
    if (image) item.cover = { url: image.url, alt: image.alt };
    else bundle.warnings.push({ where: item.title, message: `Its featured image (attachment ${id}) is not in the file` });
  }
  for (const item of galleries) item.body = resolveGalleries(item, attachments, bundle);
  bundle.people = [...people.values()];
  return bundle;

  function readItem(node: XmlNode): void {
    const type = textOf(node, "wp:post_type") || "post";
    const id = textOf(node, "wp:post_id");
    const title = textOf(node, "title");
    if (type === "attachment") {
      const url = textOf(node, "wp:attachment_url") || textOf(node, "guid");
      if (id && url) attachments.set(id, { url, alt: metaOf(node).get("_wp_attachment_image_alt") ?? title });
      return;
    }
    const label = title || `item ${id || "without an id"}`;
    if (type !== "post" && type !== "page") {
      // Menus, revisions, blocks, custom types: not content Quire has.
      if (type !== "revision" && type !== "nav_menu_item")
        bundle.skipped.push({ where: label, message: `A “${type}”, not a post or page` });
      return;
    }
    const wpStatus = textOf(node, "wp:status");
    const status = STATUS[wpStatus];
    if (!status) {
      bundle.skipped.push({ where: label, message: `Its status is “${wpStatus || "none"}”` });
      return;
    }
    if (textOf(node, "wp:post_password")) {
      bundle.warnings.push({ where: label, message: "It was password-protected; it comes in as a draft" });
    }
    const tags: string[] = [];
    for (const c of node.children) {
      if (c.name !== "category") continue;
      const name = c.text.trim();
      // Every WordPress post is in "Uncategorized" unless filed elsewhere: not a tag anyone chose.
      const uncategorized = (c.attrs.domain ?? "category") === "category" && (c.attrs.nicename ?? name.toLowerCase()) === "uncategorized";
      if (name && !uncategorized && !tags.includes(name)) {
        tags.push(name);
      }
    }
    const link = textOf(node, "link");
    const base = bundle.site.url;
    const oldPaths = [
      ...new Set(
        [id ? `/?${type === "page" ? "page_id" : "p"}=${id}` : undefined, link ? pathOf(link, base) : undefined].filter(
          (p): p is string => Boolean(p) && p !== "/",
        ),
      ),
    ];
    const html = textOf(node, "content:encoded");
    if (html.length > HTML_MAX) {
      bundle.skipped.push({ where: label, message: `Its body is over ${HTML_MAX.toLocaleString("en")} characters of HTML` });
      return;
    }
    const converted = htmlToMarkdown(html);
    for (const note of converted.notes) bundle.warnings.push({ where: label, message: note });
    const item = items.keep({
      ref: id ? `wp:${id}` : `wp-guid:${textOf(node, "guid")}`,
      kind: type,
      title: title || "Untitled",
      slug: decodedSlug(textOf(node, "wp:post_name")),
      status: textOf(node, "wp:post_password") ? "draft" : status,
      publishedAt: itemDate(node, "wp:post_date_gmt", "wp:post_date"),
      updatedAt: itemDate(node, "wp:post_modified_gmt", "wp:post_modified"),
      authorRef: textOf(node, "dc:creator") || undefined,
      tags: type === "page" ? [] : tags,
      excerpt: htmlToMarkdown(textOf(node, "excerpt:encoded").slice(0, HTML_MAX / 10)).markdown,
      body: converted.markdown,
      featured: textOf(node, "wp:is_sticky") === "1",
      oldPaths,
      comments: readComments(node, label),
    });
    if (converted.markdown.includes(GALLERY_MARK)) galleries.push(item);
    if (item.status === "scheduled" && !item.publishedAt) item.status = "draft";
    const thumbnail = metaOf(node).get("_thumbnail_id");
    if (thumbnail) thumbnails.push([item, thumbnail]);
    bundle.items.push(item);
  }

  function readComments(node: XmlNode, label: string): ImportComment[] {
    const all = node.children.filter((c) => c.name === "wp:comment");
    const parents = new Map(all.map((c) => [textOf(c, "wp:comment_id"), textOf(c, "wp:comment_parent")]));
    const top = (id: string): string => {
      // Threads deeper than one level hang under their top comment; a loop ends the walk.
      const seen = new Set<string>();
      let at = id;
      while (parents.get(at) && parents.get(at) !== "0" && !seen.has(at)) {
        seen.add(at);
        at = parents.get(at)!;
      }
      return at;
    };
    const comments: ImportComment[] = [];
    let spam = 0;
    let pingbacks = 0;
    for (const c of all) {
      const approved = textOf(c, "wp:comment_approved");
      if (approved === "spam" || approved === "trash") {
        spam++;
        continue;
      }
      const type = textOf(c, "wp:comment_type");
      if (type === "pingback" || type === "trackback") {
        pingbacks++;
        continue;
      }
      const ref = textOf(c, "wp:comment_id");
      const root = top(ref);
      const body = htmlToMarkdown(textOf(c, "wp:comment_content")).markdown.trim();
      if (!body) continue;
      comments.push({
        ref: `wp-comment:${ref}`,
        parentRef: root !== ref ? `wp-comment:${root}` : undefined,
        authorName: textOf(c, "wp:comment_author") || "Anonymous",
        authorEmail: textOf(c, "wp:comment_author_email").toLowerCase() || undefined,
        body,
        createdAt: gmtDate(textOf(c, "wp:comment_date_gmt")) ?? gmtDate(textOf(c, "wp:comment_date")) ?? new Date(0),
        status: approved === "1" ? "visible" : "hidden",
      });
    }
    if (spam) bundle.skipped.push({ where: label, message: `${spam} spam or trashed comment${spam === 1 ? "" : "s"} left out` });
    if (pingbacks) bundle.skipped.push({ where: label, message: `${pingbacks} pingback${pingbacks === 1 ? "" : "s"} left out` });
    // A reply whose top comment was left out stands on its own.
    const kept = new Set(comments.map((c) => c.ref));
    for (const c of comments) if (c.parentRef && !kept.has(c.parentRef)) c.parentRef = undefined;
    return comments;
  }
}
