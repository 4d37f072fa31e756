// A Ghost JSON export (Ghost 4.x to 6.x) into an ImportBundle: posts and pages, public tags,
// first authors, statuses, dates, feature images, custom excerpts. Bodies come from the
// export's HTML when it has it, else from Lexical or Mobiledoc rendered to HTML here; either
// way through the same HTML-to-Markdown rules as WordPress.
import { z } from "zod";
import { escapeHtml } from "../lib/html.ts";
import { htmlToMarkdown } from "./html-to-markdown.ts";
import { ImportRefused, type ImportBundle, type ImportItem } from "./model.ts";
import { inMemory, type ItemKeeper } from "./spool.ts";

const loose = <T extends z.ZodRawShape>(shape: T) => z.object(shape).loose();
const date = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined) return undefined;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  });
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? "");

const GhostPost = loose({
  id: z.union([z.string(), z.number()]).transform(String),
  uuid: z.string().nullish(),
  title: text,
  slug: text,
  html: z.string().nullish(),
  lexical: z.string().nullish(),
  mobiledoc: z.string().nullish(),
  feature_image: z.string().nullish(),
  featured: z.union([z.boolean(), z.number()]).nullish(),
  type: z.enum(["post", "page"]).nullish(),
  page: z.union([z.boolean(), z.number()]).nullish(),
  status: text,
  published_at: date,
  updated_at: date,
  created_at: date,
  custom_excerpt: text,
  locale: z.string().nullish(),
});
const GhostExport = loose({
  meta: loose({ version: z.string().nullish() }).nullish(),
  data: loose({
    posts: z.array(GhostPost).default([]),
    tags: z
      .array(loose({ id: z.union([z.string(), z.number()]).transform(String), name: text, slug: text, visibility: z.string().nullish() }))
      .default([]),
    posts_tags: z
      .array(
        loose({
          post_id: z.union([z.string(), z.number()]).transform(String),
          tag_id: z.union([z.string(), z.number()]).transform(String),
          sort_order: z.number().nullish(),
        }),
      )
      .default([]),
    users: z
      .array(
        loose({
          id: z.union([z.string(), z.number()]).transform(String),
          name: text,
          email: z.string().nullish(),
          bio: z.string().nullish(),
        }),
      )
      .default([]),
    posts_authors: z
      .array(
        loose({
          post_id: z.union([z.string(), z.number()]).transform(String),
          author_id: z.union([z.string(), z.number()]).transform(String),
          sort_order: z.number().nullish(),
        }),
      )
      .default([]),
    posts_meta: z
      .array(loose({ post_id: z.union([z.string(), z.number()]).transform(String), feature_image_alt: z.string().nullish() }))
      .default([]),
    settings: z.array(loose({ key: z.string(), value: z.unknown() })).default([]),
  }),
});

const STATUS: Record<string, ImportItem["status"] | undefined> = {
  published: "published",
  sent: "published",
  scheduled: "scheduled",
  draft: "draft",
};

/** The export's object: `{db: [{meta, data}]}` from the admin, or `{meta, data}` from older tools. */
function unwrap(json: unknown): unknown {
  if (json && typeof json === "object" && "db" in json && Array.isArray((json as { db: unknown }).db))
    return (json as { db: unknown[] }).db[0];
  return json;
}

/** `items` keeps each post's text (on disk while a real import runs). */
export function parseGhost(source: string, items: ItemKeeper = inMemory): ImportBundle {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (e) {
    // V8 says where: "Unexpected token } in JSON at position 1234" or "(line 3 column 5)".
    throw new ImportRefused(`The Ghost export is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = GhostExport.safeParse(unwrap(json));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImportRefused(`This is not a Ghost export: ${issue.path.join(".") || "the file"}: ${issue.message}`);
  }
  const { data } = parsed.data;
  const bundle: ImportBundle = { source: "ghost", site: {}, people: [], items: [], skipped: [], warnings: [] };
  const setting = (key: string) => data.settings.find((s) => s.key === key)?.value;
  if (typeof setting("title") === "string") bundle.site.title = setting("title") as string;
  if (typeof setting("description") === "string") bundle.site.description = setting("description") as string;

  bundle.people = data.users.map((u) => ({
    ref: u.id,
    name: u.name || "Ghost author",
    email: u.email?.toLowerCase() || undefined,
    bio: u.bio ?? undefined,
  }));
  const tags = new Map(data.tags.map((t) => [t.id, t]));
  const tagsOf = new Map<string, string[]>();
  for (const pt of [...data.posts_tags].sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0))) {
    const tag = tags.get(pt.tag_id);
    // Ghost's internal tags (#name) organise the admin, not the site.
    if (!tag || tag.visibility === "internal" || tag.name.startsWith("#")) continue;
    tagsOf.set(pt.post_id, [...(tagsOf.get(pt.post_id) ?? []), tag.name]);
  }
  const firstAuthor = new Map<string, string>();
  for (const pa of [...data.posts_authors].sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0))) {
    if (!firstAuthor.has(pa.post_id)) firstAuthor.set(pa.post_id, pa.author_id);
  }
  const alts = new Map(data.posts_meta.map((m) => [m.post_id, m.feature_image_alt ?? ""]));

  for (const post of data.posts) {
    const label = post.title || `post ${post.id}`;
    const status = STATUS[post.status];
    if (!status) {
      bundle.skipped.push({ where: label, message: `Its status is “${post.status || "none"}”` });
      continue;
    }
    const kind = post.type ?? (post.page ? "page" : "post");
    const converted = htmlToMarkdown(bodyHtml(post, bundle, label));
    for (const note of converted.notes) bundle.warnings.push({ where: label, message: note });
    bundle.items.push(
      items.keep({
        ref: `ghost:${post.uuid ?? post.id}`,
        kind,
        title: post.title || "Untitled",
        slug: post.slug,
        status: status === "scheduled" && !post.published_at ? "draft" : status,
        publishedAt: post.published_at,
        updatedAt: post.updated_at ?? post.created_at,
        authorRef: firstAuthor.get(post.id),
        tags: kind === "page" ? [] : (tagsOf.get(post.id) ?? []),
        excerpt: post.custom_excerpt,
        body: converted.markdown,
        cover: post.feature_image ? { url: post.feature_image, alt: alts.get(post.id) ?? "" } : undefined,
        featured: Boolean(post.featured),
        lang: post.locale ?? undefined,
        oldPaths: post.slug ? [`/${post.slug}/`] : [],
        comments: [],
      }),
    );
  }
  return bundle;
}

function bodyHtml(post: z.infer<typeof GhostPost>, bundle: ImportBundle, label: string): string {
  if (post.html) return post.html;
  try {
    if (post.lexical) return lexicalHtml(JSON.parse(post.lexical) as LexicalNode);
    if (post.mobiledoc) return mobiledocHtml(JSON.parse(post.mobiledoc) as Mobiledoc);
  } catch (e) {
    bundle.warnings.push({ where: label, message: `Its body could not be read (${(e as Error).message}); it comes in empty` });
  }
  return "";
}

interface LexicalNode {
  type?: string;
  tag?: string;
  text?: string;
  format?: number;
  url?: string;
  src?: string;
  altText?: string;
  caption?: string;
  markdown?: string;
  html?: string;
  code?: string;
  language?: string;
  listType?: string;
  images?: { src: string; alt?: string }[];
  metadata?: { title?: string };
  buttonUrl?: string;
  buttonText?: string;
  children?: LexicalNode[];
  root?: LexicalNode;
}

/** Lexical (Ghost 5+) as HTML; cards Markdown cannot hold become their text or a link. */
function lexicalHtml(node: LexicalNode): string {
  const inner = () => (node.children ?? []).map(lexicalHtml).join("");
  const e = escapeHtml;
  switch (node.type ?? (node.root ? "root" : "")) {
    case "root":
      return (node.root ?? node).children?.map(lexicalHtml).join("\n") ?? "";
    case "paragraph":
      return `<p>${inner()}</p>`;
    case "heading":
    case "extended-heading":
      return `<${/^h[1-6]$/.test(node.tag ?? "") ? node.tag : "h2"}>${inner()}</${/^h[1-6]$/.test(node.tag ?? "") ? node.tag : "h2"}>`;
    case "quote":
    case "aside":
      return `<blockquote>${inner()}</blockquote>`;
    case "list":
      return node.listType === "number" ? `<ol>${inner()}</ol>` : `<ul>${inner()}</ul>`;
    case "listitem":
      return `<li>${inner()}</li>`;
    case "link":
      return `<a href="${e(node.url ?? "")}">${inner()}</a>`;
    case "text":
    case "extended-text": {
      let t = e(node.text ?? "");
      const f = node.format ?? 0;
      if (f & 16) t = `<code>${t}</code>`;
      if (f & 1) t = `<strong>${t}</strong>`;
      if (f & 2) t = `<em>${t}</em>`;
      return t;
    }
    case "linebreak":
      return "<br>";
    case "horizontalrule":
      return "<hr>";
    case "image":
      return `<figure><img src="${e(node.src ?? "")}" alt="${e(node.altText ?? "")}">${node.caption ? `<figcaption>${node.caption}</figcaption>` : ""}</figure>`;
    case "gallery":
      return (node.images ?? []).map((i) => `<p><img src="${e(i.src)}" alt="${e(i.alt ?? "")}"></p>`).join("");
    case "codeblock":
      return `<pre><code class="language-${e(node.language ?? "")}">${e(node.code ?? "")}</code></pre>`;
    case "markdown":
      // Already Markdown: carried through as a block turndown leaves alone.
      return `<pre data-markdown>${e(node.markdown ?? "")}</pre>`;
    case "html":
      return node.html ?? "";
    case "bookmark":
    case "embed":
      return node.url ? `<p><a href="${e(node.url)}">${e(node.metadata?.title || node.url)}</a></p>` : "";
    case "button":
      return node.buttonUrl ? `<p><a href="${e(node.buttonUrl)}">${e(node.buttonText || node.buttonUrl)}</a></p>` : "";
    default:
      return inner();
  }
}

interface Mobiledoc {
  markups?: [string, string[]?][];
  cards?: [string, Record<string, unknown>][];
  sections?: unknown[][];
}

/** Mobiledoc (Ghost 4) as HTML: its markup sections, list sections and the common cards. */
function mobiledocHtml(doc: Mobiledoc): string {
  const markups = doc.markups ?? [];
  const e = escapeHtml;
  const markers = (items: unknown[]) => {
    let out = "";
    const open: string[] = [];
    for (const marker of items as [number, number[], number, string | number][]) {
      const [type, opens, closes, value] = marker;
      for (const m of opens) {
        const [tag, attrs = []] = markups[m] ?? ["span"];
        const href = tag === "a" ? attrs[attrs.indexOf("href") + 1] : undefined;
        out += tag === "a" ? `<a href="${e(href ?? "")}">` : `<${/^(strong|b|em|i|code|s|u|sup|sub)$/.test(tag) ? tag : "span"}>`;
        open.push(tag === "a" ? "a" : /^(strong|b|em|i|code|s|u|sup|sub)$/.test(tag) ? tag : "span");
      }
      out += type === 0 ? e(String(value)) : "";
      for (let i = 0; i < closes; i++) out += `</${open.pop()}>`;
    }
    return out;
  };
  return (doc.sections ?? [])
    .map((section) => {
      const [kind, a, b] = section as [number, unknown, unknown];
      if (kind === 1)
        return `<${/^(p|h[1-6]|blockquote|aside)$/.test(String(a)) ? a : "p"}>${markers(b as unknown[])}</${/^(p|h[1-6]|blockquote|aside)$/.test(String(a)) ? a : "p"}>`;
      if (kind === 3)
        return `<${a === "ol" ? "ol" : "ul"}>${(b as unknown[][]).map((li) => `<li>${markers(li)}</li>`).join("")}</${a === "ol" ? "ol" : "ul"}>`;
      if (kind === 10) {
        const [name, payload] = doc.cards?.[a as number] ?? ["", {}];
        const p = payload as Record<string, string | undefined>;
        if (name === "markdown" || name === "card-markdown") return `<pre data-markdown>${e(p.markdown ?? "")}</pre>`;
        if (name === "image")
          return `<figure><img src="${e(p.src ?? "")}" alt="${e(p.alt ?? "")}">${p.caption ? `<figcaption>${p.caption}</figcaption>` : ""}</figure>`;
        if (name === "html") return p.html ?? "";
        if (name === "code") return `<pre><code>${e(p.code ?? "")}</code></pre>`;
        if (name === "hr") return "<hr>";
        if ((name === "bookmark" || name === "embed") && p.url) return `<p><a href="${e(p.url)}">${e(p.url)}</a></p>`;
      }
      return "";
    })
    .join("\n");
}
