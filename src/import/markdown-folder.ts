// A folder of Markdown files (unpacked from an archive) into an ImportBundle: Astro content
// collections, Hugo, Jekyll and Quire's own export. Front matter in YAML (---) or TOML (+++);
// images beside the files or in a static folder come along as `archive:` addresses; links
// between the files point at the items they name (`quire-item:`), made into Quire addresses
// once the items have their slugs.
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, join, posix } from "node:path";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import { ImportRefused, type ImportBundle, type ImportItem, type ImportPerson } from "./model.ts";
import { inMemory, type ItemKeeper } from "./spool.ts";

/** An image or file inside the unpacked archive, by its path there. */
export const ARCHIVE_URL = "archive:";
/** A link to another imported item, by its ref. */
export const ITEM_URL = "quire-item:";

const MARKDOWN = new Set([".md", ".markdown", ".mdx"]);
const FRONT_MATTER_MAX = 64 * 1024;
const FILE_MAX = 5 * 1024 * 1024;
/** Folders whose files are the site's static files, served from its root. */
const STATIC_ROOTS = ["static", "public", "assets", ""];

type Fields = Record<string, unknown>;

/** The front matter and the body of a Markdown file; `where` names the file in errors. */
export function splitFrontMatter(text: string, where: string): { fields: Fields; body: string } {
  const source = text.replace(/^\uFEFF/, "");
  const fence = /^(---|\+\+\+)[ \t]*\r?\n/.exec(source);
  if (!fence) return { fields: {}, body: source };
  const close = new RegExp(`\\r?\\n${fence[1] === "---" ? "(?:---|\\.\\.\\.)" : "\\+\\+\\+"}[ \\t]*(?:\\r?\\n|$)`).exec(
    source.slice(fence[0].length),
  );
  if (!close) throw new ImportRefused(`${where}: its front matter (${fence[1]}) is never closed`);
  const raw = source.slice(fence[0].length, fence[0].length + close.index);
  if (raw.length > FRONT_MATTER_MAX) throw new ImportRefused(`${where}: its front matter is over ${FRONT_MATTER_MAX / 1024} KB`);
  const body = source.slice(fence[0].length + close.index + close[0].length);
  let fields: unknown;
  try {
    fields = fence[1] === "---" ? yaml.load(raw, { schema: yaml.DEFAULT_SCHEMA, json: true }) : parseToml(raw);
  } catch (e) {
    const err = e as { mark?: { line: number; column: number }; line?: number; column?: number; reason?: string; message: string };
    // Lines counted from the file's first line, which is the opening fence.
    const line = err.mark ? err.mark.line + 2 : err.line !== undefined ? err.line + 1 : undefined;
    const column = err.mark ? err.mark.column + 1 : err.column;
    const reason = err.reason ?? err.message.split("\n")[0];
    throw new ImportRefused(
      `${where}: its front matter is not valid ${fence[1] === "---" ? "YAML" : "TOML"}${line ? ` (line ${line}, column ${column})` : ""}: ${reason}`,
    );
  }
  if (fields !== null && fields !== undefined && (typeof fields !== "object" || Array.isArray(fields))) {
    throw new ImportRefused(`${where}: its front matter is not a set of fields`);
  }
  return { fields: (fields ?? {}) as Fields, body };
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" ? String(v) : undefined;
function first(fields: Fields, ...keys: string[]): unknown {
  for (const k of keys) if (fields[k] !== undefined && fields[k] !== null && fields[k] !== "") return fields[k];
  return undefined;
}
function dateOf(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : new Date(v.getTime());
  if (typeof v === "string" || typeof v === "number") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
function listOf(v: unknown): string[] {
  if (typeof v === "string")
    return v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(v)) return v.flatMap((x) => str(x) ?? []);
  return [];
}

/**
 * Who wrote the file: `author: Name` (with `author_email` beside it), the first of `authors`,
 * or `author: { name, email }`, which is known by its address (two people may share a name).
 */
function authorOf(fields: Fields): ImportPerson | undefined {
  const field = first(fields, "author", "authors");
  if (field && typeof field === "object" && !Array.isArray(field)) {
    const name = str((field as Fields).name);
    const email = str((field as Fields).email)?.toLowerCase();
    if (!name && !email) return undefined;
    return { ref: email ?? name!, name: name ?? email!, email };
  }
  const name = str(field) ?? listOf(fields.authors)[0];
  if (!name) return undefined;
  return { ref: name, name, email: str(fields.author_email ?? fields.email)?.toLowerCase() };
}

/** Where a file's content root ends: what is left is the page's address on the old site. */
function oldPathOf(file: string, fields: Fields, slug: string): string[] {
  const paths = new Set<string>();
  const permalink = str(first(fields, "permalink", "url"));
  if (permalink?.startsWith("/")) paths.add(permalink);
  for (const alias of [...listOf(fields.aliases), ...listOf(fields.redirect_from)]) if (alias.startsWith("/")) paths.add(alias);
  const jekyll = /(?:^|\/)_posts\/(?:.*\/)?(\d{4})-(\d{2})-(\d{2})-([^/]+)\.\w+$/.exec(file);
  if (jekyll) paths.add(`/${jekyll[1]}/${jekyll[2]}/${jekyll[3]}/${jekyll[4]}.html`);
  else {
    const within = file.replace(/^(?:.*?\/)?(?:src\/content|content)\//, "").replace(/(?:\/index)?\.\w+$/, "");
    if (within && !within.startsWith("_")) paths.add(`/${within.includes("/") ? within : slug}/`);
  }
  return [...paths];
}

export interface FolderSource {
  /** The unpacked folder. */
  root: string;
  /** Its files, relative to root, "/"-separated. */
  files: string[];
}

/** `items` keeps each item's text (on disk while a real import runs). */
export async function parseMarkdownFolder(folder: FolderSource, items: ItemKeeper = inMemory): Promise<ImportBundle> {
  const bundle: ImportBundle = { source: "markdown", site: {}, people: [], items: [], skipped: [], warnings: [] };
  const files = new Set(folder.files);
  const markdown = folder.files.filter((f) => MARKDOWN.has(extname(f).toLowerCase()) && !/(^|\/)(readme|license|changelog)\.md$/i.test(f));
  if (markdown.length === 0) throw new ImportRefused("The archive holds no Markdown files (.md, .markdown or .mdx)");
  const people = new Map<string, ImportPerson>();
  const refOf = (file: string) => `file:${file.replace(/(?:\/index)?\.\w+$/, "")}`;

  /** An address in `file` as an archive path, another item, or as written. */
  const resolve = (file: string, url: string, kind: "image" | "link"): string => {
    if (/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(url)) return url;
    const [path, hash = ""] = url.split("#") as [string, string?];
    const clean = decodeURIComponent(path.split("?")[0]!);
    const candidates = clean.startsWith("/")
      ? STATIC_ROOTS.map((r) => posix.normalize(posix.join(r, clean)).replace(/^\//, ""))
      : [posix.normalize(posix.join(posix.dirname(file), clean))];
    for (const c of candidates) {
      if (c.startsWith("..")) continue;
      if (kind === "link" && MARKDOWN.has(extname(c).toLowerCase()) && files.has(c))
        return `${ITEM_URL}${refOf(c)}${hash ? `#${hash}` : ""}`;
      if (files.has(c)) return `${ARCHIVE_URL}${c}`;
      if (kind === "link") {
        for (const ext of [".md", "/index.md", ".markdown", ".mdx"]) {
          if (files.has(c.replace(/\/$/, "") + ext)) return `${ITEM_URL}${refOf(c.replace(/\/$/, "") + ext)}${hash ? `#${hash}` : ""}`;
        }
      }
    }
    return url;
  };

  for (const file of markdown.sort()) {
    const full = join(folder.root, file);
    const text = await readFile(full, "utf8");
    if (text.length > FILE_MAX) {
      bundle.skipped.push({ where: file, message: `It is over ${FILE_MAX / 1024 / 1024} MB` });
      continue;
    }
    const { fields, body } = splitFrontMatter(text, file);
    const stem = basename(file).replace(/\.\w+$/, "");
    const jekyll = /^(\d{4}-\d{2}-\d{2})-(.+)$/.exec(stem);
    const folderSlug = stem === "index" || stem === "_index" ? basename(dirname(file)) : undefined;
    if (stem === "_index") {
      bundle.skipped.push({ where: file, message: "A section's index page, not a post" });
      continue;
    }
    const slug = str(fields.slug) ?? folderSlug ?? jekyll?.[2] ?? stem;
    const title = str(first(fields, "title", "name")) ?? body.match(/^#\s+(.+)$/m)?.[1]?.trim() ?? slug;
    const statusField = str(fields.status);
    const draft = fields.draft === true || fields.published === false || statusField === "draft" || /(^|\/)_drafts\//.test(file);
    const publishedAt =
      dateOf(first(fields, "date", "pubDate", "publishDate", "published", "published_at")) ?? (jekyll ? dateOf(jekyll[1]) : undefined);
    // A status the file states (Quire's own export does) wins over one read from the date.
    const status: ImportItem["status"] = draft
      ? "draft"
      : statusField === "scheduled" || statusField === "published"
        ? statusField
        : publishedAt && publishedAt.getTime() > Date.now()
          ? "scheduled"
          : "published";
    const kindField = str(first(fields, "kind", "type", "layout"));
    const kind = kindField === "page" ? "page" : "post";
    const author = authorOf(fields);
    if (author && !people.has(author.ref)) people.set(author.ref, author);
    const coverField = first(fields, "cover", "image", "heroImage", "hero_image", "featured_image", "feature_image", "thumbnail");
    const coverUrl =
      str(coverField) ??
      (coverField && typeof coverField === "object" ? str((coverField as Fields).image ?? (coverField as Fields).src) : undefined);
    const coverAlt =
      str(first(fields, "coverAlt", "cover_alt", "imageAlt", "image_alt", "heroImageAlt")) ??
      (coverField && typeof coverField === "object" ? str((coverField as Fields).alt) : undefined) ??
      "";
    // Links and images in Markdown syntax, inline or as reference definitions.
    const rewritten = body
      .replace(
        /(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?((?:\s+"[^"]*")?)\s*\)/g,
        (_m, bang: string, text: string, url: string, title: string) => {
          return `${bang}[${text}](${resolve(file, url, bang ? "image" : "link")}${title})`;
        },
      )
      .replace(
        /^(\s{0,3}\[[^\]]+\]:\s*)(\S+)/gm,
        (_m, head: string, url: string) => `${head}${resolve(file, url, /\.(png|jpe?g|gif|webp|avif|svg)$/i.test(url) ? "image" : "link")}`,
      )
      .trim();
    bundle.items.push(
      items.keep({
        ref: refOf(file),
        kind,
        title,
        slug,
        status: status === "scheduled" && !publishedAt ? "draft" : status,
        publishedAt,
        updatedAt: dateOf(first(fields, "updated", "updatedDate", "lastmod", "modified", "updated_at")),
        createdAt: dateOf(first(fields, "created", "created_at")),
        authorRef: author?.ref,
        tags: kind === "page" ? [] : [...new Set([...listOf(fields.tags), ...listOf(fields.categories)])],
        excerpt: str(first(fields, "description", "excerpt", "summary")) ?? "",
        body: rewritten,
        cover: coverUrl ? { url: resolve(file, coverUrl, "image"), alt: coverAlt } : undefined,
        featured: fields.featured === true || fields.sticky === true,
        lang: str(first(fields, "lang", "language", "locale")),
        oldPaths: oldPathOf(file, fields, slug),
        comments: [],
      }),
    );
  }
  bundle.people = [...people.values()];
  for (const item of bundle.items) {
    for (const [, url] of item.body.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) {
      if (url && !/^(archive:|https?:)/.test(url))
        bundle.warnings.push({ where: item.title, message: `The image ${url} is not in the archive` });
    }
  }
  return bundle;
}
