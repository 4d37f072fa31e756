// Imports in SQL: what was imported before (by source key), people by email, the slugs in use, and
// the batch that writes imported posts with everything that belongs to them.
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database, Db } from "../../../db/client.ts";
import { Comment, ImportRef, Job, Post, Redirect, Revision, user } from "../../../db/schema.ts";
import type { Role } from "../../lib/constants.ts";
import { setTagStatements, type TagRef } from "./tags.ts";

/** The rows that keys were imported as before, by key. */
export async function importedAs(db: Database, keys: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  // SQLite takes at most 32,766 parameters; an import can name more things than that.
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .select({ ref: ImportRef.ref, id: ImportRef.entityId })
      .from(ImportRef)
      .where(inArray(ImportRef.ref, keys.slice(i, i + 500)));
    for (const r of rows) found.set(r.ref, r.id);
  }
  return found;
}

/** People by lower-cased email. */
export async function usersByEmail(db: Database, emails: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < emails.length; i += 500) {
    const rows = await db
      .select({ id: user.id, email: user.email })
      .from(user)
      .where(inArray(user.email, emails.slice(i, i + 500)));
    for (const r of rows) found.set(r.email.toLowerCase(), r.id);
  }
  return found;
}

/** A person an import brings, who has no password yet: they sign in by resetting it. */
export async function createImportedUser(db: Db, person: { name: string; email: string; role: Role; bio?: string }): Promise<string> {
  const id = randomUUID();
  await db.write((d) =>
    d
      .insert(user)
      .values({ id, name: person.name, email: person.email, emailVerified: false, role: person.role, bio: person.bio ?? "" })
      .onConflictDoNothing({ target: user.email }),
  );
  // Someone signed up with that address meanwhile: theirs it is.
  const [row] = await db.db.select({ id: user.id }).from(user).where(eq(user.email, person.email));
  return row?.id ?? id;
}

/** Every slug in use: an import asks about thousands, and one read beats a query each. */
export async function slugsInUse(db: Database): Promise<Set<string>> {
  const rows = await db.select({ slug: Post.slug }).from(Post);
  return new Set(rows.map((r) => r.slug));
}

/** Slugs of posts by id, with their kind, for links to items imported before. */
export async function postPaths(db: Database, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: Post.id, slug: Post.slug, kind: Post.kind }).from(Post).where(inArray(Post.id, ids));
  return new Map(rows.map((r) => [r.id, r.kind === "page" ? `/${r.slug}` : `/posts/${r.slug}`]));
}

export interface ImportedPost {
  id: string;
  key: string;
  row: typeof Post.$inferInsert;
  tags: TagRef[];
  comments: (typeof Comment.$inferInsert & { key: string })[];
  redirects: { from: string; to: string }[];
}

/**
 * Posts, each with its first revision, tags, comments, their import keys and redirects, in
 * one batch: all or nothing. A few posts a transaction, because a commit is most of what an
 * imported post costs (SQLite flushes the search index's new terms at each one).
 */
export async function writeImportedPosts(write: Db["write"], posts: ImportedPost[]): Promise<void> {
  if (posts.length === 0) return;
  await write((db) => {
    const [first, ...rest] = posts.flatMap((post) => importedPostStatements(db, post));
    return db.batch([first!, ...rest]);
  });
}

function importedPostStatements(db: Parameters<Parameters<Db["write"]>[0]>[0], post: ImportedPost) {
  const revisionId = randomUUID();
  return [
    db.insert(Post).values(post.row),
    db.insert(Revision).values({
      id: revisionId,
      postId: post.id,
      version: 1,
      title: post.row.title,
      body: post.row.body ?? "",
      tags: post.tags.map((t) => t.name),
      authorId: post.row.authorId,
      createdAt: post.row.updatedAt,
    }),
    ...setTagStatements(db, post.id, post.tags, revisionId),
    // Top comments before their replies (a reply's parent must exist), many rows a statement.
    ...chunked(post.comments.map(({ key: _key, ...c }) => c)).map((rows) => db.insert(Comment).values(rows)),
    db
      .insert(ImportRef)
      .values([
        { ref: post.key, entity: "post" as const, entityId: post.id },
        ...post.comments.map((c) => ({ ref: c.key, entity: "comment" as const, entityId: c.id })),
      ]),
    ...(post.redirects.length
      ? [
          db
            .insert(Redirect)
            .values(post.redirects.map((r) => ({ fromPath: r.from, toPath: r.to })))
            .onConflictDoNothing(),
        ]
      : []),
  ];
}

/** Rows in groups small enough for SQLite's limit on a statement's parameters. */
function chunked<T>(rows: T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Adds redirects from old addresses that have none yet; answers how many were added. */
export async function addRedirects(write: Db["write"], redirects: { from: string; to: string }[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < redirects.length; i += 500) {
    const rows = await write((db) =>
      db
        .insert(Redirect)
        .values(redirects.slice(i, i + 500).map((r) => ({ fromPath: r.from, toPath: r.to })))
        .onConflictDoNothing()
        .returning({ from: Redirect.fromPath }),
    );
    added += rows.length;
  }
  return added;
}

/** Every redirect, for the HTTP layer's table. */
export async function allRedirects(db: Database): Promise<Map<string, string>> {
  const rows = await db.select({ from: Redirect.fromPath, to: Redirect.toPath }).from(Redirect);
  return new Map(rows.map((r) => [r.from, r.to]));
}

export async function redirectPage(db: Database, page: { limit: number; offset: number }) {
  return db.select().from(Redirect).orderBy(Redirect.fromPath).limit(page.limit).offset(page.offset);
}

export async function deleteRedirect(write: Db["write"], fromPath: string): Promise<boolean> {
  const rows = await write((db) => db.delete(Redirect).where(eq(Redirect.fromPath, fromPath)).returning({ from: Redirect.fromPath }));
  return rows.length > 0;
}

export async function saveRedirect(write: Db["write"], redirect: { from: string; to: string }): Promise<void> {
  await write((db) =>
    db
      .insert(Redirect)
      .values({ fromPath: redirect.from, toPath: redirect.to })
      .onConflictDoUpdate({ target: Redirect.fromPath, set: { toPath: redirect.to } }),
  );
}

/** The latest import jobs, newest first: previews and imports, with their progress and outcome. */
export async function importJobs(db: Database, limit: number) {
  return db
    .select({
      id: Job.id,
      status: Job.status,
      payload: Job.payload,
      progress: Job.progress,
      result: Job.result,
      error: Job.error,
      createdAt: Job.createdAt,
      finishedAt: Job.finishedAt,
    })
    .from(Job)
    .where(eq(Job.kind, "import"))
    .orderBy(desc(Job.createdAt))
    .limit(limit);
}

export async function importJob(db: Database, id: string) {
  const [row] = await db
    .select({ id: Job.id, status: Job.status, payload: Job.payload, progress: Job.progress, result: Job.result, error: Job.error })
    .from(Job)
    .where(and(eq(Job.id, id), eq(Job.kind, "import")));
  return row ?? null;
}
