// What every importer makes of its source: one shape for WordPress, Ghost and Markdown
// archives, so previewing, media, redirects and writing are written once. Bodies are
// Markdown by now; nothing here is trusted (the writer sanitizes through the same renderer
// as typed content).
import { JobRefused } from "../jobs/queue.ts";
import { UNCLEAN_CHARS } from "../lib/schemas.ts";
import type { Role } from "../lib/constants.ts";

export type ImportSource = "wordpress" | "ghost" | "markdown" | "quire";

export interface ImportPerson {
  /** The source's own key (WordPress login, Ghost user id, a front-matter author name). */
  ref: string;
  name: string;
  /** Lower-cased; people are matched to accounts by it. Absent when the source has none. */
  email?: string;
  bio?: string;
  /**
   * The role the source gave them (Quire's own export): then they come in even without a post
   * or a comment, with that role, unless an account with their address is here already.
   */
  role?: Role;
}

export interface ImportComment {
  ref: string;
  /** The top-level comment this one replies to: deeper threads are flattened under it. */
  parentRef?: string;
  authorName: string;
  authorEmail?: string;
  body: string;
  createdAt: Date;
  editedAt?: Date;
  /**
   * Approved comments come in visible; pending ones hidden; spam and trash are left out. From
   * Quire's own export, each as it was: held ones still wait for approval, and a deleted one
   * (the placeholder its replies hang from) comes in deleted, without its text.
   */
  status: "visible" | "hidden" | "held" | "deleted";
}

export interface ImportItem {
  /** The source's id or GUID: importing the same file twice adds nothing. */
  ref: string;
  kind: "post" | "page";
  title: string;
  /** The source's slug, or empty when it had none (made from the title on the way in). */
  slug: string;
  status: "draft" | "scheduled" | "published";
  publishedAt?: Date;
  updatedAt?: Date;
  /** When it was first written, when the source says (else its publication or update). */
  createdAt?: Date;
  authorRef?: string;
  tags: string[];
  excerpt: string;
  /** Markdown; images still point where the source had them (see `media`). */
  body: string;
  /** The cover image's address in the source, and its alt text. */
  cover?: { url: string; alt: string };
  featured: boolean;
  lang?: string;
  /** Paths this item answered at on the old site (`/?p=12`, `/2020/01/slug/`), for redirects. */
  oldPaths: string[];
  comments: ImportComment[];
}

export interface ImportWarning {
  /** Which item, by its title or ref, or the whole file. */
  where: string;
  message: string;
}

/**
 * A site's settings as its export had them (src/lib/settings.ts names the keys). Images are
 * addresses in the source (`archive:` paths) and menu links to posts and pages name the item's
 * ref (`{ type: "page", item: "file:pages/about" }`): the writer makes them hashes and ids.
 */
export type ImportSettings = Record<string, unknown>;

export interface ImportBundle {
  source: ImportSource;
  site: { title?: string; url?: string; description?: string };
  people: ImportPerson[];
  items: ImportItem[];
  /** Old addresses the source itself kept (beyond each item's own `oldPaths`). */
  redirects?: { from: string; to: string }[];
  settings?: ImportSettings;
  /** What was left out and why (spam comments, unsupported post types…). */
  skipped: ImportWarning[];
  warnings: ImportWarning[];
}

/** A file the importer refuses: its message says what and where, and nothing is imported. No retry changes that. */
export class ImportRefused extends JobRefused {
  override name = "ImportRefused";
}

/** The key an item is remembered by: its source, the site it came from, its id there. */
export function importKey(bundle: ImportBundle, ref: string): string {
  return `${bundle.source} ${bundle.site.url ?? ""} ${ref}`;
}

/** Text from a source without the control characters a page cannot show (typed text is refused; imported text is cleaned). */
export const clean = (text: string) => text.replace(UNCLEAN_CHARS, "");
