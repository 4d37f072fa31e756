// Quire's export, as a file: the names inside the archive and the shape of its JSON files.
// The exporter writes these and the importer reads them back, so both sides use the same
// schemas. Version 1; a later version that changes a shape gets a new number, and an importer
// refuses a number it does not know rather than guess.
import { z } from "zod";
import { COMMENT_STATUSES } from "../../db/schema.ts";
import { ROLES } from "../lib/constants.ts";

export const EXPORT_FORMAT = "quire-export";
export const EXPORT_VERSION = 1;

/** Where each part lives inside the archive. Posts and pages are `<folder>/<slug>.md`. */
export const EXPORT_FILES = {
  manifest: "manifest.json",
  posts: "posts",
  pages: "pages",
  media: "media",
  people: "people.json",
  comments: "comments.json",
  settings: "settings.json",
  redirects: "redirects.json",
} as const;

const Iso = z.iso.datetime({ offset: true });

export const Manifest = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.number().int().min(1),
  createdAt: Iso,
  site: z.object({ url: z.string(), title: z.string().optional() }),
  counts: z.object({
    posts: z.number().int(),
    pages: z.number().int(),
    comments: z.number().int(),
    people: z.number().int(),
    media: z.number().int(),
    redirects: z.number().int(),
  }),
  /** Images a post named whose file the media store did not have when the export ran. */
  missingMedia: z.array(z.string()).default([]),
});
export type Manifest = z.infer<typeof Manifest>;

export const ExportedPerson = z.object({
  name: z.string(),
  email: z.string().min(3),
  role: z.enum(ROLES),
  bio: z.string().default(""),
});
export type ExportedPerson = z.infer<typeof ExportedPerson>;
export const People = z.array(ExportedPerson);

/**
 * A comment, numbered within its post in the order they were written: `parent` is the
 * number of the comment it answers; its status is the site's (visible, hidden by a moderator,
 * held for approval, or deleted: kept without its text, as the placeholder its replies hang from).
 */
export const ExportedComment = z.object({
  id: z.string().min(1),
  parent: z.string().nullable().default(null),
  author: z.object({ name: z.string(), email: z.string().min(3) }),
  body: z.string(),
  status: z.enum(COMMENT_STATUSES),
  createdAt: Iso,
  editedAt: Iso.nullable().default(null),
});
export type ExportedComment = z.infer<typeof ExportedComment>;

/** Each post's comments, the post named by its Markdown file (`posts/<slug>.md`). */
export const Comments = z.array(z.object({ post: z.string(), comments: z.array(ExportedComment) }));

export const Redirects = z.array(z.object({ from: z.string(), to: z.string() }));

/**
 * The settings the site had set (the `setting` table), as they are, except what names a
 * row: an image setting is its file in the archive (`media/logo.png`), and a menu link to a
 * post or page is `{ type, file: "pages/about.md", label }` instead of the row's id.
 */
export const ExportedSettings = z.record(z.string(), z.unknown());

/** The Markdown file of a post or page. */
export function itemFile(kind: "post" | "page", slug: string): string {
  return `${kind === "page" ? EXPORT_FILES.pages : EXPORT_FILES.posts}/${slug}.md`;
}
