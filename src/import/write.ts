// Writes an ImportBundle into Quire: people matched by email (or made, to sign in by password
// reset), every image brought into the media library, a few posts or pages a batch, each with
// its revision, tags, comments, import keys and redirects, so a crash leaves whole posts or none.
// Items imported before (by their source key) are skipped: the same file twice adds nothing.
// Quire's own export brings more: everyone with their role, the site's settings and menus, and
// its redirects, each taken only where the site has nothing of its own yet.
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { cacheTags } from "../lib/cache-tags.ts";
import { renderMarkdown } from "../lib/markdown.ts";
import { mediaHashesIn } from "../lib/markdown-media.ts";
import { BODY_MAX, EXCERPT_MAX, TAGS_PER_POST, TITLE_MAX } from "../lib/schemas.ts";
import { RESERVED_SLUGS } from "../lib/reserved-slugs.ts";
import { isSlug, slugify, truncateChars } from "../lib/slug.ts";
import type { MediaStore } from "../media/storage.ts";
import { IMAGE_SETTINGS, MENU_SETTINGS, SiteSettings, type SettingKey } from "../lib/settings.ts";
import { mediaByHashes } from "../server/queries/media.ts";
import { addRedirects, importedAs, postPaths, slugsInUse, writeImportedPosts, type ImportedPost } from "../server/queries/imports.ts";
import { saveSettings, storedSettings } from "../server/queries/settings.ts";
import { normalizeTags } from "../server/queries/tags.ts";
import type { RemoteLimits } from "./fetch-remote.ts";
import { ARCHIVE_URL, ITEM_URL } from "./markdown-folder.ts";
import { importImage } from "./images.ts";
import { clean, importKey, type ImportBundle, type ImportItem, type ImportWarning } from "./model.ts";
import { commenters, commentRows, people } from "./people.ts";

export interface ImportTarget {
  db: Db;
  media: MediaStore;
  mediaLimits: { maxBytes: number; maxPixels: number };
  purge(tags: string[]): Promise<void>;
}

export interface ImportOptions {
  /** The admin running the import: items whose author cannot be matched or made are theirs. */
  actorId: string;
  /** The unpacked archive the bundle came from, for its images. */
  archiveRoot?: string;
  /** Fetch images the archive lacks from the old site (the admin's choice, per import). */
  fetchImages: boolean;
  remote?: Partial<RemoteLimits>;
  progress?: (p: ImportProgress) => Promise<void> | void;
  signal?: AbortSignal;
  /** Items made ready at once and written in one transaction (PREPARE_AT_ONCE). */
  batchSize?: number;
}

export interface ImportProgress {
  phase: "people" | "images" | "items" | "done";
  done: number;
  total: number;
}

export interface ImportReport {
  posts: number;
  pages: number;
  comments: number;
  tags: number;
  people: { matched: number; created: number };
  images: { imported: number; missing: { url: string; where: string; why: string }[] };
  redirects: number;
  /** Settings taken from the export (Quire's own); the site's own are kept. */
  settings: number;
  /** Items an earlier import of the same source already brought in. */
  alreadyImported: number;
  skipped: ImportWarning[];
  warnings: ImportWarning[];
}

/** Items made ready at once, then written in one transaction (a commit is most of an item's cost). */
const PREPARE_AT_ONCE = 8;
const IMAGE_IN_MARKDOWN = /!\[([^\]]*)\]\(\s*([^)\s]+)((?:\s+"[^"]*")?)\s*\)/g;

export async function writeBundle(target: ImportTarget, bundle: ImportBundle, options: ImportOptions): Promise<ImportReport> {
  const { db } = target;
  const report: ImportReport = {
    posts: 0,
    pages: 0,
    comments: 0,
    tags: 0,
    people: { matched: 0, created: 0 },
    images: { imported: 0, missing: [] },
    redirects: 0,
    settings: 0,
    alreadyImported: 0,
    skipped: [...bundle.skipped],
    warnings: [...bundle.warnings],
  };
  const progress = async (p: ImportProgress) => {
    options.signal?.throwIfAborted();
    await options.progress?.(p);
    options.signal?.throwIfAborted();
  };

  const keys = bundle.items.map((i) => importKey(bundle, i.ref));
  const before = await importedAs(db.db, keys);
  const todo = bundle.items.filter((i) => !before.has(importKey(bundle, i.ref)));
  report.alreadyImported = bundle.items.length - todo.length;

  // People: the authors, then everyone who commented.
  await progress({ phase: "people", done: 0, total: bundle.people.length });
  const authorIds = await people(target, bundle, todo, report, options);
  const commenterIds = await commenters(target, bundle, todo, authorIds, report);

  // Images: each address once, into the media library. Each is named by the first item that
  // shows it, for the report (a body is read once: it may be on disk).
  const firstShownIn = new Map<string, string>();
  for (const item of todo) {
    for (const url of [...imagesIn(item.body), ...(item.cover ? [item.cover.url] : [])])
      if (!firstShownIn.has(url)) firstShownIn.set(url, item.title);
  }
  const urls = [...new Set([...firstShownIn.keys(), ...settingImages(bundle.settings)])];
  const images = new Map<string, { src: string; hash: string }>();
  for (const [n, url] of urls.entries()) {
    await progress({ phase: "images", done: n, total: urls.length });
    const where = firstShownIn.get(url) ?? "the site's settings";
    try {
      images.set(url, await importImage(target, bundle, url, options));
      report.images.imported++;
    } catch (e) {
      report.images.missing.push({ url, where, why: (e as Error).message });
    }
  }

  // Slugs and addresses for everything first, so links between items can be written.
  const paths = await assignPaths(target, bundle, todo, before, report);
  /** Row ids by item ref, for menus that link to posts and pages. */
  const ids = new Map(
    bundle.items.flatMap((i) => (before.has(importKey(bundle, i.ref)) ? [[i.ref, before.get(importKey(bundle, i.ref))!]] : [])),
  );

  const total = todo.length;
  const prepare = async (item: ImportItem): Promise<ImportedPost | null> => {
    const label = item.title;
    let body = clean(item.body);
    if (body.length > BODY_MAX) {
      report.skipped.push({ where: label, message: `Its body is over ${BODY_MAX.toLocaleString("en")} characters` });
      return null;
    }
    body = body
      .replace(IMAGE_IN_MARKDOWN, (_m, alt: string, url: string, title: string) => {
        const found = images.get(url);
        if (found) return `![${alt}](${found.src}${title})`;
        // The image could not be had: the text keeps its words, and a link where there is one.
        return /^https?:/.test(url) ? `[${alt || url}](${url})` : alt;
      })
      .replace(new RegExp(`\\]\\(${ITEM_URL}([^)#\\s]+)(#[^)\\s]*)?`, "g"), (_m, ref: string, hash = "") => {
        const path = paths.byRef.get(ref);
        if (!path) report.warnings.push({ where: label, message: `A link points at ${ref}, which is not in the import` });
        return `](${path ?? "#"}${path ? hash : ""}`;
      })
      .replace(new RegExp(`\\]\\(${ARCHIVE_URL}([^)\\s]+)`, "g"), "](#");
    const authorId = (item.authorRef && authorIds.get(item.authorRef)) || options.actorId;
    const media = await mediaByHashes(db.db, mediaHashesIn(body));
    const id = randomUUID();
    const [rendered, comments] = await Promise.all([
      renderMarkdown(body, authorId, [...media.values()]),
      commentRows(item, id, commenterIds, bundle),
    ]);
    let tags =
      item.kind === "page"
        ? []
        : normalizeTags(
            item.tags
              .map(clean)
              .map((t) => truncateChars(t.trim(), 40))
              .filter(Boolean),
          );
    if (tags.length > TAGS_PER_POST) {
      report.warnings.push({ where: label, message: `It had ${tags.length} tags; the first ${TAGS_PER_POST} were kept` });
      tags = tags.slice(0, TAGS_PER_POST);
    }
    let title = clean(item.title).trim() || "Untitled";
    if (title.length > TITLE_MAX) {
      report.warnings.push({ where: label, message: `Its title was cut to ${TITLE_MAX} characters` });
      title = truncateChars(title, TITLE_MAX);
    }
    const now = new Date();
    const publishedAt = item.status === "draft" ? (item.publishedAt ?? null) : (item.publishedAt ?? now);
    const excerpt = truncateChars(clean(item.excerpt).trim(), EXCERPT_MAX);
    const cover = item.cover ? images.get(item.cover.url) : undefined;
    const path = paths.byRef.get(item.ref)!;
    ids.set(item.ref, id);
    return {
      id,
      key: importKey(bundle, item.ref),
      row: {
        id,
        slug: paths.slugs.get(item.ref)!,
        kind: item.kind,
        title,
        body,
        html: rendered.html,
        excerpt: excerpt || rendered.excerpt,
        excerptCustom: Boolean(excerpt),
        status: item.status,
        publishedAt,
        authorId,
        createdAt: item.createdAt ?? item.publishedAt ?? item.updatedAt ?? now,
        updatedAt: item.updatedAt ?? item.publishedAt ?? now,
        coverHash: cover?.hash ?? null,
        coverAlt: cover ? clean(item.cover!.alt).slice(0, 300) : "",
        lang: item.lang && safeLang(item.lang),
        featured: item.featured,
      },
      tags,
      comments,
      redirects: item.oldPaths.filter((p) => p !== path).map((from) => ({ from, to: path })),
    };
  };
  // A few items are made ready at once (their Markdown renders on the render threads while
  // the next waits), then written in one batch, in order, giving readers a turn between.
  const batch = options.batchSize ?? PREPARE_AT_ONCE;
  await progress({ phase: "items", done: 0, total });
  for (let start = 0; start < total; start += batch) {
    const ready = (await Promise.all(todo.slice(start, start + batch).map(prepare))).filter((p) => p !== null);
    await writeImportedPosts(db.write, ready);
    await new Promise((turn) => setImmediate(turn));
    await progress({ phase: "items", done: Math.min(total, start + batch), total });
    for (const post of ready) {
      if (post.row.kind === "page") report.pages++;
      else report.posts++;
      report.comments += post.comments.length;
      report.redirects += post.redirects.length;
      for (const t of post.tags) paths.tags.add(t.slug);
    }
  }
  report.tags = paths.tags.size;
  if (bundle.redirects?.length) report.redirects += await addRedirects(db.write, bundle.redirects.filter(isRedirect));
  if (bundle.settings) await settings(target, bundle.settings, { images, ids }, report);
  await progress({ phase: "done", done: total, total });
  await target.purge([cacheTags.site]);
  return report;
}

function safeLang(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

const OLD_PATH = /^\/(?!\/)\S{1,499}$/;
function isRedirect(r: { from: unknown; to: unknown }): r is { from: string; to: string } {
  if (typeof r.from !== "string" || typeof r.to !== "string" || !OLD_PATH.test(r.from) || r.to.length > 2000) return false;
  return /^\/(?!\/)\S*$/.test(r.to) || (URL.canParse(r.to) && /^https?:$/.test(new URL(r.to).protocol));
}

function settingImages(values: ImportBundle["settings"]): string[] {
  return IMAGE_SETTINGS.flatMap((key) => {
    const v = values?.[key];
    return typeof v === "string" && v ? [v] : [];
  });
}

/**
 * The export's settings, each key the site has not set itself: images become the hashes they
 * were imported as, menu links to items the ids those items have here. A value this version
 * does not accept is left out with a note.
 */
async function settings(
  target: ImportTarget,
  values: NonNullable<ImportBundle["settings"]>,
  found: { images: Map<string, { hash: string }>; ids: Map<string, string> },
  report: ImportReport,
) {
  const own = await storedSettings(target.db.db);
  const kept: string[] = [];
  const changes: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    if (!(key in SiteSettings.shape)) continue;
    if (key in own) {
      kept.push(key);
      continue;
    }
    let value = raw;
    if ((IMAGE_SETTINGS as readonly string[]).includes(key)) value = typeof raw === "string" ? (found.images.get(raw)?.hash ?? null) : raw;
    if ((MENU_SETTINGS as readonly string[]).includes(key) && Array.isArray(raw)) {
      value = raw.flatMap((link: unknown) => {
        if (!link || typeof link !== "object" || !("item" in link)) return [link];
        const { item, ...rest } = link as { item: unknown };
        const id = typeof item === "string" ? found.ids.get(item) : undefined;
        if (!id)
          report.warnings.push({
            where: `the site's ${key}`,
            message: `A menu link points at ${String(item)}, which is not in the import`,
          });
        return id ? [{ ...rest, id }] : [];
      });
    }
    const parsed = SiteSettings.shape[key as SettingKey].safeParse(value);
    if (parsed.success) changes[key] = parsed.data;
    else
      report.warnings.push({
        where: "the site's settings",
        message: `${key} was left out: ${parsed.error.issues[0]?.message ?? "not valid"}`,
      });
  }
  if (kept.length) report.warnings.push({ where: "the site's settings", message: `This site's own were kept: ${kept.join(", ")}` });
  await saveSettings(target.db.write, changes as Partial<SiteSettings>);
  report.settings = Object.keys(changes).length;
}

function imagesIn(markdown: string): string[] {
  return Array.from(markdown.matchAll(IMAGE_IN_MARKDOWN), (m) => m[2]!);
}

/** Every item's slug (its own when free and valid, else the first free one) and address. */
async function assignPaths(
  target: ImportTarget,
  bundle: ImportBundle,
  items: ImportItem[],
  before: Map<string, string>,
  report: ImportReport,
) {
  const slugs = new Map<string, string>();
  const byRef = new Map<string, string>();
  const taken = await slugsInUse(target.db.db);
  for (const item of items) {
    const wanted = isSlug(item.slug) ? item.slug : slugify(item.slug || item.title) || "untitled";
    let slug = wanted;
    const reserved = item.kind === "page" && RESERVED_SLUGS.has(slug);
    for (let n = 2; taken.has(slug) || (item.kind === "page" && RESERVED_SLUGS.has(slug)); n++) {
      slug = `${truncateChars(wanted, 75)}-${n}`;
    }
    if (slug !== wanted) {
      report.warnings.push({
        where: item.title,
        message: `${reserved ? "Its slug names a page of this site" : "Its slug was taken"}: it is now “${slug}”`,
      });
    }
    taken.add(slug);
    slugs.set(item.ref, slug);
    byRef.set(item.ref, item.kind === "page" ? `/${slug}` : `/posts/${slug}`);
  }
  // Links to items an earlier import brought in.
  const earlier = await postPaths(target.db.db, [...before.values()]);
  for (const item of bundle.items) {
    const id = before.get(importKey(bundle, item.ref));
    const path = id && earlier.get(id);
    if (path) byRef.set(item.ref, path);
  }
  return { slugs, byRef, tags: new Set<string>() };
}
