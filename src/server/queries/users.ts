// People in SQL: profiles, author pages and the admin's list. Roles and bans are written
// through better-auth's admin API, not here. Functions take the database and return rows,
// or null for none.
import { and, asc, eq } from "drizzle-orm";
import { Post, user } from "../../../db/schema.ts";
import type { Database, Db } from "../../../db/client.ts";
import { visibleNow } from "./posts.ts";

const profileColumns = { id: user.id, name: user.name, bio: user.bio, image: user.image, role: user.role };

/** What the signed-in person sees of their own account. */
export async function ownProfile(db: Database, id: string) {
  const [me] = await db
    .select({ ...profileColumns, email: user.email })
    .from(user)
    .where(eq(user.id, id));
  return me ?? null;
}

/** A public author: someone with at least one public post, or null. */
export async function publicAuthor(db: Database, id: string) {
  const [author] = await db
    .select({ id: user.id, name: user.name, bio: user.bio, image: user.image })
    .from(user)
    .where(eq(user.id, id))
    .limit(1);
  if (!author) return null;
  const [anyPost] = await db
    .select({ id: Post.id })
    .from(Post)
    .where(and(eq(Post.authorId, author.id), visibleNow()))
    .limit(1);
  return anyPost ? author : null;
}

export async function updateProfile(write: Db["write"], id: string, profile: Pick<typeof user.$inferInsert, "name" | "bio" | "image">) {
  await write((db) =>
    db.update(user).set({ name: profile.name, bio: profile.bio, image: profile.image, updatedAt: new Date() }).where(eq(user.id, id)),
  );
}

/** Everyone, oldest account first, for the admin's people page. */
export function people(db: Database) {
  return db
    .select({ ...profileColumns, email: user.email, banned: user.banned, createdAt: user.createdAt })
    .from(user)
    .orderBy(asc(user.createdAt));
}

export async function personExists(db: Database, id: string): Promise<boolean> {
  const [row] = await db.select({ id: user.id }).from(user).where(eq(user.id, id)).limit(1);
  return Boolean(row);
}
