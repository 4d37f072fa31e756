// Revisions in SQL: every saved text of a post, and the texts that lost a conflict. A save
// writes its revision with the post (post-writes.ts saveEdit); functions here read them and keep
// the losers. They take the database and return rows, or null for none.
import { desc, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Revision, user } from "../../../db/schema.ts";
import type { Database, Db } from "../../../db/client.ts";
import type { Edit } from "./post-writes.ts";

/** A post's revisions, newest first, with who wrote each. */
export function revisionsOf(db: Database, postId: string) {
  return db
    .select({
      id: Revision.id,
      version: Revision.version,
      kind: Revision.kind,
      title: Revision.title,
      createdAt: Revision.createdAt,
      author: { id: user.id, name: user.name },
    })
    .from(Revision)
    .leftJoin(user, eq(user.id, Revision.authorId))
    .where(eq(Revision.postId, postId))
    .orderBy(desc(Revision.createdAt), desc(Revision.version));
}

export async function revisionById(db: Database, id: string) {
  const [revision] = await db.select().from(Revision).where(eq(Revision.id, id)).limit(1);
  return revision ?? null;
}

/** Keeps the text that lost a conflict as a revision of the version it started from. */
export async function keepConflict(write: Db["write"], change: { postId: string; baseVersion: number; edit: Edit; by: string }) {
  await write((db) =>
    db.insert(Revision).values({
      id: randomUUID(),
      postId: change.postId,
      version: change.baseVersion,
      kind: "conflict",
      title: change.edit.title,
      body: change.edit.body,
      tags: change.edit.tags.map((t) => t.name),
      authorId: change.by,
    }),
  );
}
