// Posts written: drafts made, edits saved against their version, publishes, unpublishes and
// deletions, each with the jobs it causes in the same batch. The reads are in posts.ts.
import { and, eq, gt, lt, or, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Post, Revision, type PostRow } from "../../../db/schema.ts";
import type { Database, Db } from "../../../db/client.ts";
import type { Rendered } from "../../lib/markdown.ts";
import { isReservedSlug } from "../../lib/reserved-slugs.ts";
import { slugify, truncateChars } from "../../lib/slug.ts";
import { jobInserts, type NewJob } from "../../jobs/queue.ts";
import { effectiveStatus } from "./posts.ts";
import { setTagStatements, type TagRef } from "./tags.ts";

export function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: string; cause?: unknown; message?: string } | undefined; err; err = err.cause as typeof err) {
    if (/UNIQUE constraint failed/.test(String(err.message))) return true;
  }
  return false;
}

/**
 * The title's slug, or the first free `-n` after it. Titles with no letters or digits (only
 * emoji, say) all start from "untitled"; the taken ones are read in one query, not one per try.
 * `refused` slugs count as taken (the site's own addresses, for a page).
 */
async function freeSlug(db: Database, base: string, refused: (slug: string) => boolean = () => false): Promise<string> {
  const root = base || "untitled";
  // Room for "-n" within SLUG_MAX characters.
  const stem = truncateChars(root, 75);
  // Every "stem-…" sorts between "stem-" and "stem." ("." follows "-"): a range on the slug
  // index, where LIKE (case-insensitive, so no index) would read every post.
  const rows = await db
    .select({ slug: Post.slug })
    .from(Post)
    .where(or(eq(Post.slug, root), and(gt(Post.slug, `${stem}-`), lt(Post.slug, `${stem}.`))));
  const taken = new Set(rows.map((r) => r.slug));
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? root : `${stem}-${n}`;
    if (!taken.has(candidate) && !refused(candidate)) return candidate;
  }
}

/**
 * Writes a new draft (a post, or a page) and its first revision in one batch, under the
 * title's first free slug unless it names one; returns its id. A taken slug throws a unique
 * violation. A page's derived slug steps over the site's own addresses.
 */
export async function createDraft(
  write: Db["write"],
  draft: {
    title: string;
    slug?: string;
    kind: PostRow["kind"];
    body: string;
    excerpt?: string;
    lang?: string | null;
    tags: TagRef[];
    rendered: Rendered;
    authorId: string;
  },
): Promise<string> {
  const id = randomUUID();
  const revisionId = randomUUID();
  await write(async (db) => {
    const slug = draft.slug ?? (await freeSlug(db, slugify(draft.title), draft.kind === "page" ? isReservedSlug : undefined));
    await db.batch([
      db.insert(Post).values({
        id,
        slug,
        kind: draft.kind,
        title: draft.title,
        body: draft.body,
        html: draft.rendered.html,
        excerpt: draft.excerpt || draft.rendered.excerpt,
        excerptCustom: Boolean(draft.excerpt),
        status: "draft",
        authorId: draft.authorId,
        lang: draft.lang ?? null,
      }),
      db.insert(Revision).values({
        id: revisionId,
        postId: id,
        version: 1,
        title: draft.title,
        body: draft.body,
        tags: draft.tags.map((t) => t.name),
        authorId: draft.authorId,
      }),
      ...setTagStatements(db, id, draft.tags, revisionId),
    ]);
  });
  return id;
}

export interface Edit {
  title: string;
  slug: string;
  body: string;
  /** The author's own excerpt; empty means "use the first paragraph". */
  excerpt: string;
  tags: TagRef[];
  /** The cover to set (null removes it); absent leaves it as it is. */
  cover?: { hash: string; alt: string } | null;
  /** The post's language (null: the site's); absent leaves it as it is. */
  lang?: string | null;
}

/**
 * Writes an edit if, and only if, the post is still at `baseVersion`: the revision row,
 * the post row and its tags go in one batch, each statement guarded, so two editors
 * saving from the same version can never both win. Returns false on a lost race.
 */
export async function saveEdit(
  write: Db["write"],
  change: { postId: string; baseVersion: number; edit: Edit; rendered: Rendered; kind: "save" | "restore"; by: string; jobs?: NewJob[] },
): Promise<boolean> {
  const { postId, baseVersion, edit, rendered, kind, by, jobs = [] } = change;
  const revisionId = randomUUID();
  const next = baseVersion + 1;
  const results = await write((db) =>
    db.batch([
      db.run(sql`insert into ${Revision} (id, post_id, version, kind, title, body, tags, author_id)
        select ${revisionId}, ${Post.id}, ${next}, ${kind}, ${edit.title}, ${edit.body},
               ${JSON.stringify(edit.tags.map((t) => t.name))}, ${by}
        from ${Post} where ${Post.id} = ${postId} and ${Post.version} = ${baseVersion}`),
      db
        .update(Post)
        .set({
          title: edit.title,
          slug: edit.slug,
          body: edit.body,
          html: rendered.html,
          excerpt: edit.excerpt || rendered.excerpt,
          excerptCustom: edit.excerpt !== "",
          ...(edit.cover !== undefined ? { coverHash: edit.cover?.hash ?? null, coverAlt: edit.cover?.alt ?? "" } : {}),
          ...(edit.lang !== undefined ? { lang: edit.lang } : {}),
          updatedAt: new Date(),
          version: next,
        })
        .where(and(eq(Post.id, postId), eq(Post.version, baseVersion))),
      ...setTagStatements(db, postId, edit.tags, revisionId),
      // Only if this edit won: its revision exists.
      ...jobInserts(db, jobs, sql`exists (select 1 from ${Revision} where ${Revision.id} = ${revisionId})`),
    ]),
  );
  return (results[1] as { rowsAffected: number }).rowsAffected === 1;
}

/** The status and date a publish gives: now, or scheduled for `at` when that is later; a post already public keeps its date. */
export function publishedState(post: PostRow, at: Date | undefined, now = new Date()): Pick<PostRow, "status" | "publishedAt"> {
  if (at && at.getTime() > now.getTime()) return { status: "scheduled", publishedAt: at };
  return { status: "published", publishedAt: effectiveStatus(post) === "published" ? post.publishedAt : now };
}

/** Publishes (or schedules) as `publishedState` says, with the jobs the publish causes. */
export async function publish(write: Db["write"], post: PostRow, state: Pick<PostRow, "status" | "publishedAt">, jobs: NewJob[] = []) {
  await write((db) =>
    db.batch([
      db
        .update(Post)
        .set({ ...state, updatedAt: new Date(), version: post.version + 1 })
        .where(eq(Post.id, post.id)),
      ...jobInserts(db, jobs),
    ]),
  );
}

/** Takes a post back to draft. */
export async function unpublish(write: Db["write"], post: PostRow, jobs: NewJob[] = []) {
  await write((db) =>
    db.batch([
      db
        .update(Post)
        .set({ status: "draft", updatedAt: new Date(), version: post.version + 1 })
        .where(eq(Post.id, post.id)),
      ...jobInserts(db, jobs),
    ]),
  );
}

/** Deletes a post; its revisions, tags and comments go with it. */
export async function deletePost(write: Db["write"], id: string, jobs: NewJob[] = []) {
  await write((db) => db.batch([db.delete(Post).where(eq(Post.id, id)), ...jobInserts(db, jobs)]));
}
