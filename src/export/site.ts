// The whole site as one .tar.gz: a Markdown file with front matter for each post and page,
// the original of every image they (and the settings) use, and JSON files for people,
// comments, settings and redirects, with a manifest last (its counts are of what was written).
// Posts are read a page at a time and written one by one, images streamed from the media
// store and long JSON files spooled, so memory stays flat however big the site is. The export
// is of the site as it is while it runs, not of one instant: `npm run backup` is the snapshot.
import type { Writable } from "node:stream";
import yaml from "js-yaml";
import type { Database } from "../../db/client.ts";
import type { StoredRendition } from "../../db/schema.ts";
import { ROLES, type Role } from "../lib/constants.ts";
import { mediaHashesIn } from "../lib/markdown-media.ts";
import { IMAGE_SETTINGS, MENU_SETTINGS } from "../lib/settings.ts";
import { isSlug } from "../lib/slug.ts";
import { originalKey, type MediaStore } from "../media/storage.ts";
import {
  commentCounts,
  exportComments,
  exportMedia,
  exportPeople,
  exportPosts,
  exportRedirects,
  postSlugs,
  type ExportPost,
} from "../server/queries/export.ts";
import { storedSettings } from "../server/queries/settings.ts";
import { tagsOf, type TagRef } from "../server/queries/tags.ts";
import {
  EXPORT_FILES,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  itemFile,
  type ExportedComment,
  type ExportedPerson,
  type Manifest,
} from "./format.ts";
import { writeTarGz, type Spool, type TarEntries } from "./tar-gz.ts";

export interface ExportSource {
  db: Database;
  media: MediaStore;
  siteUrl: string;
  /** The site's title when its settings do not set one (the environment's). */
  siteTitle?: string;
}

export interface ExportOptions {
  /** Rows read at a time (posts, comments of a post, people, redirects). */
  pageSize?: number;
}

/** Writes the site's export into `out`; resolves with its manifest once every byte is out. */
export async function exportSite(source: ExportSource, out: Writable, options: ExportOptions = {}): Promise<Manifest> {
  let manifest: Manifest | undefined;
  await writeTarGz(out, async (tar) => {
    manifest = await new SiteExport(source, tar, options.pageSize ?? 100).run();
  });
  return manifest!;
}

/** A download's file name: the site's host and the day, `quire-export-blog.example.com-2026-05-01.tar.gz`. */
export function exportFileName(siteUrl: string, at = new Date()): string {
  return `quire-export-${new URL(siteUrl).hostname}-${at.toISOString().slice(0, 10)}.tar.gz`;
}

const EXTENSIONS: Record<StoredRendition["format"], string> = { jpeg: "jpg", png: "png", webp: "webp", gif: "gif" };
const MEDIA_ADDRESS = /\/media\/([a-f0-9]{64})\/(?:original|\d{1,5})\.(?:jpg|png|webp|gif)/g;

/**
 * Each image's file name in the archive: the name it was uploaded with, made safe for any
 * file system (letters, digits, `-` and `_`), with its original's extension, and a number
 * when another image has it already (compared without case, as macOS and Windows do). An
 * import records the name it finds, so the next export names the image the same.
 */
class MediaNames {
  #byHash = new Map<string, string>();
  #taken = new Set<string>();

  get(hash: string): string | undefined {
    return this.#byHash.get(hash);
  }

  assign(hash: string, fileName: string | null, format: StoredRendition["format"]): string {
    const stem =
      Array.from(
        (fileName ?? "")
          .normalize("NFC")
          .replace(/\.[^.]*$/, "")
          .replace(/[^\p{L}\p{N}_-]+/gu, "-")
          .replace(/^-+|-+$/g, ""),
      )
        .slice(0, 60)
        .join("") || "image";
    const ext = EXTENSIONS[format];
    let name = `${stem}.${ext}`;
    for (let n = 2; this.#taken.has(name.toLowerCase()); n++) name = `${stem}-${n}.${ext}`;
    this.#taken.add(name.toLowerCase());
    this.#byHash.set(hash, name);
    return name;
  }
}

class SiteExport {
  readonly #db: Database;
  readonly #media: MediaStore;
  readonly #siteUrl: string;
  readonly #siteTitle?: string;
  readonly #tar: TarEntries;
  readonly #pageSize: number;
  readonly #names = new MediaNames();
  readonly #counts: Manifest["counts"] = { posts: 0, pages: 0, comments: 0, people: 0, media: 0, redirects: 0 };
  readonly #missing: string[] = [];

  constructor(source: ExportSource, tar: TarEntries, pageSize: number) {
    this.#db = source.db;
    this.#media = source.media;
    this.#siteUrl = source.siteUrl;
    this.#siteTitle = source.siteTitle;
    this.#tar = tar;
    this.#pageSize = pageSize;
  }

  async run(): Promise<Manifest> {
    const comments = this.#tar.spool();
    await comments.write("[");
    let commented = 0;
    for (let after: string | null = null; ;) {
      const page = await exportPosts(this.#db, after, this.#pageSize);
      if (page.length === 0) break;
      after = page.at(-1)!.slug;
      const ids = page.map((p) => p.id);
      const [tags, counts] = await Promise.all([tagsOf(this.#db, ids), commentCounts(this.#db, ids)]);
      for (const post of page) {
        await this.#images([...mediaHashesIn(post.body), ...(post.coverHash ? [post.coverHash] : [])]);
        await this.#tar.file(this.#fileOf(post), this.#markdown(post, tags.get(post.id) ?? []), post.updatedAt);
        this.#counts[post.kind === "page" ? "pages" : "posts"]++;
        if (counts.get(post.id)) await this.#comments(post, comments, commented++ === 0);
      }
    }
    await comments.write(commented ? "\n]\n" : "]\n");
    await comments.addAs(EXPORT_FILES.comments);
    await this.#people();
    await this.#redirects();
    const title = await this.#settings();
    const manifest: Manifest = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      createdAt: new Date().toISOString(),
      site: { url: this.#siteUrl, ...(title ? { title } : {}) },
      counts: this.#counts,
      missingMedia: this.#missing,
    };
    await this.#tar.file(EXPORT_FILES.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }

  #fileOf(post: Pick<ExportPost, "kind" | "slug">): string {
    // Slugs are checked when saved; one from before a rule changed still makes a plain file name.
    return itemFile(post.kind, isSlug(post.slug) ? post.slug : post.slug.replace(/[^\p{L}\p{N}-]+/gu, "-"));
  }

  /** The images among `hashes` not in the archive yet, each original streamed from the store. */
  async #images(hashes: string[]): Promise<void> {
    const fresh = [...new Set(hashes)].filter((h) => !this.#names.get(h));
    if (fresh.length === 0) return;
    const rows = new Map((await exportMedia(this.#db, fresh)).map((r) => [r.hash, r]));
    // In the order the text names them, so the same site gets the same names.
    for (const hash of fresh) {
      const row = rows.get(hash);
      if (!row) continue;
      const name = this.#names.assign(hash, row.fileName, row.original.format);
      const stored = await this.#media.get(originalKey(hash, row.original));
      if (!stored) {
        this.#missing.push(name);
        continue;
      }
      await this.#tar.stream(`${EXPORT_FILES.media}/${name}`, stored.size, stored.stream);
      this.#counts.media++;
    }
  }

  /** A stored image's address as a path from a post's file to its file in the archive. */
  #relative(text: string): string {
    return text.replace(MEDIA_ADDRESS, (address, hash: string) => {
      const name = this.#names.get(hash);
      return name ? `../${EXPORT_FILES.media}/${name}` : address;
    });
  }

  #markdown(post: ExportPost, tags: TagRef[]): string {
    const iso = (d: Date | null) => d?.toISOString();
    const cover = post.coverHash && this.#names.get(post.coverHash);
    const fields = {
      title: post.title,
      slug: post.slug,
      kind: post.kind,
      status: post.status,
      ...(post.publishedAt ? { published: iso(post.publishedAt) } : {}),
      updated: iso(post.updatedAt),
      created: iso(post.createdAt),
      ...(post.kind === "post" ? { tags: tags.map((t) => t.name) } : {}),
      author: { name: post.authorName, email: post.authorEmail },
      ...(post.excerptCustom ? { excerpt: post.excerpt } : {}),
      ...(cover ? { cover: { src: `../${EXPORT_FILES.media}/${cover}`, alt: post.coverAlt } } : {}),
      ...(post.lang ? { lang: post.lang } : {}),
      featured: post.featured,
    };
    return `---\n${yaml.dump(fields, { lineWidth: -1, noRefs: true })}---\n\n${this.#relative(post.body.trim())}\n`;
  }

  /** One post's comments into comments.json, numbered in the order they were written. */
  async #comments(post: ExportPost, out: Spool, first: boolean): Promise<void> {
    await out.write(`${first ? "" : ","}\n{"post":${JSON.stringify(this.#fileOf(post))},"comments":[`);
    const numbers = new Map<string, string>();
    for (let after: { createdAt: Date; id: string } | null = null; ;) {
      const rows = await exportComments(this.#db, post.id, after, this.#pageSize);
      if (rows.length === 0) break;
      after = rows.at(-1)!;
      for (const c of rows) {
        const id = String(numbers.size + 1);
        numbers.set(c.id, id);
        const comment: ExportedComment = {
          id,
          parent: (c.parentId && numbers.get(c.parentId)) || null,
          author: { name: c.authorName, email: c.authorEmail },
          // What its author deleted stays out: the placeholder is what readers see of it.
          body: c.status === "deleted" ? "" : c.body,
          status: c.status,
          createdAt: c.createdAt.toISOString(),
          editedAt: c.editedAt?.toISOString() ?? null,
        };
        await out.write(`${numbers.size === 1 ? "" : ","}\n  ${JSON.stringify(comment)}`);
        this.#counts.comments++;
      }
    }
    await out.write("\n]}");
  }

  /** Everyone with an account: who they are and what they may do; never a password or a session. */
  async #people(): Promise<void> {
    const out = this.#tar.spool();
    await out.write("[");
    for (let after: string | null = null; ;) {
      const rows = await exportPeople(this.#db, after, this.#pageSize);
      if (rows.length === 0) break;
      after = rows.at(-1)!.email;
      for (const r of rows) {
        const role: Role = ROLES.includes(r.role as Role) ? (r.role as Role) : "reader";
        const person: ExportedPerson = { name: r.name, email: r.email, role, bio: r.bio ?? "" };
        await out.write(`${this.#counts.people++ ? "," : ""}\n  ${JSON.stringify(person)}`);
      }
    }
    await out.write(this.#counts.people ? "\n]\n" : "]\n");
    await out.addAs(EXPORT_FILES.people);
  }

  async #redirects(): Promise<void> {
    const out = this.#tar.spool();
    await out.write("[");
    for (let after: string | null = null; ;) {
      const rows = await exportRedirects(this.#db, after, this.#pageSize * 10);
      if (rows.length === 0) break;
      after = rows.at(-1)!.from;
      for (const r of rows) await out.write(`${this.#counts.redirects++ ? "," : ""}\n  ${JSON.stringify(r)}`);
    }
    await out.write(this.#counts.redirects ? "\n]\n" : "]\n");
    await out.addAs(EXPORT_FILES.redirects);
  }

  /** The settings the site has set, images as their files and menu links by file; answers the title. */
  async #settings(): Promise<string | undefined> {
    const stored = await storedSettings(this.#db);
    const images = IMAGE_SETTINGS.flatMap((k) => (typeof stored[k] === "string" ? [stored[k]] : []));
    await this.#images(images);
    const linked = MENU_SETTINGS.flatMap((k) => (Array.isArray(stored[k]) ? (stored[k] as { id?: unknown }[]) : []))
      .map((l) => l.id)
      .filter((id): id is string => typeof id === "string");
    const slugs = await postSlugs(this.#db, linked);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stored).sort(([a], [b]) => a.localeCompare(b))) {
      if ((IMAGE_SETTINGS as readonly string[]).includes(key)) {
        const name = typeof value === "string" ? this.#names.get(value) : undefined;
        out[key] = name ? `${EXPORT_FILES.media}/${name}` : null;
      } else if ((MENU_SETTINGS as readonly string[]).includes(key) && Array.isArray(value)) {
        // A link to a post that is gone shows nothing on the site, so it is left out here too.
        out[key] = (value as { type: string; id?: string }[]).flatMap(({ id, ...link }) => {
          if (link.type !== "page" && link.type !== "post") return [link];
          const target = id ? slugs.get(id) : undefined;
          return target ? [{ ...link, file: itemFile(target.kind, target.slug) }] : [];
        });
      } else out[key] = value;
    }
    await this.#tar.file(EXPORT_FILES.settings, `${JSON.stringify(out, null, 2)}\n`);
    return typeof stored.title === "string" ? stored.title : this.#siteTitle;
  }
}
