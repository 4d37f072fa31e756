// API keys in SQL. Functions take the database and return rows, or null for none.
import { desc, eq, sql } from "drizzle-orm";
import { ApiKey, user, type ApiKeyRow } from "../../../db/schema.ts";
import { preparedOnce, type Database, type Db } from "../../../db/client.ts";

export type NewApiKey = Pick<ApiKeyRow, "id" | "type" | "name" | "secretHash" | "prefix" | "userId" | "draftsOnly">;

export async function insertApiKey(write: Db["write"], key: NewApiKey): Promise<void> {
  await write((db) => db.insert(ApiKey).values(key));
}

/** Every key, newest first, with whom it belongs to: never the hash. */
export function apiKeyList(db: Database) {
  return db
    .select({
      id: ApiKey.id,
      type: ApiKey.type,
      name: ApiKey.name,
      prefix: ApiKey.prefix,
      draftsOnly: ApiKey.draftsOnly,
      createdAt: ApiKey.createdAt,
      lastUsedAt: ApiKey.lastUsedAt,
      revokedAt: ApiKey.revokedAt,
      person: { id: user.id, name: user.name, email: user.email },
    })
    .from(ApiKey)
    .innerJoin(user, eq(user.id, ApiKey.userId))
    .orderBy(desc(ApiKey.createdAt), desc(ApiKey.id))
    .limit(500);
}

/** Revokes a key now; false when there is no such key. A revoked key stays listed, marked. */
export async function revokeApiKey(write: Db["write"], id: string): Promise<boolean> {
  const rows = await write((db) =>
    db
      .update(ApiKey)
      .set({ revokedAt: sql`coalesce(${ApiKey.revokedAt}, ${Date.now()})` })
      .where(eq(ApiKey.id, id))
      .returning({ id: ApiKey.id }),
  );
  return rows.length > 0;
}

/** A key by its secret's hash with its person as they are now: every admin request asks this. */
export const apiKeyByHash = preparedOnce((db) =>
  db
    .select({
      key: { id: ApiKey.id, type: ApiKey.type, draftsOnly: ApiKey.draftsOnly, revokedAt: ApiKey.revokedAt, lastUsedAt: ApiKey.lastUsedAt },
      user,
    })
    .from(ApiKey)
    .innerJoin(user, eq(user.id, ApiKey.userId))
    .where(eq(ApiKey.secretHash, sql.placeholder("hash")))
    .limit(1)
    .prepare(),
);

export async function touchApiKey(write: Db["write"], id: string, at: Date): Promise<void> {
  await write((db) => db.update(ApiKey).set({ lastUsedAt: at }).where(eq(ApiKey.id, id)));
}
