// API keys: made, checked and revoked here. A secret is shown once and kept only as its
// SHA-256: it is 128 random bits or more, so a fast hash is as good as a slow one.
//
// An admin key is looked up with its person on every request, so a revoked key, a ban or
// a lost role shows on the very next one. A content key is public by design (it sits in
// web pages) and is asked for on every Content API read, cached pages included: valid
// ones are remembered per database until a purge of cacheTags.apiKeys (here, or in
// another process through the purge log) says a key was revoked.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Database, Db } from "../../../db/client.ts";
import type { ApiKeyRow } from "../../../db/schema.ts";
import { isSuspended } from "../../lib/permissions.ts";
import { apiKeyByHash, insertApiKey, touchApiKey } from "../queries/api-keys.ts";

export type ApiKeyType = ApiKeyRow["type"];

/** Content keys are hex, as Ghost's client insists; admin keys say what they are. */
const ADMIN_PREFIX = "quire_admin_";

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function newSecret(type: ApiKeyType): string {
  return type === "content" ? randomBytes(16).toString("hex") : ADMIN_PREFIX + randomBytes(24).toString("hex");
}

export interface NewKeyInput {
  type: ApiKeyType;
  name: string;
  userId: string;
  draftsOnly?: boolean;
}

/** Makes a key; the answer holds its secret, which is never readable again. */
export async function createApiKey(write: Db["write"], input: NewKeyInput) {
  const secret = newSecret(input.type);
  const id = randomUUID();
  const prefix = secret.slice(0, input.type === "content" ? 6 : ADMIN_PREFIX.length + 6);
  const draftsOnly = input.type === "admin" && Boolean(input.draftsOnly);
  await insertApiKey(write, {
    id,
    type: input.type,
    name: input.name,
    secretHash: hashSecret(secret),
    prefix,
    userId: input.userId,
    draftsOnly,
  });
  return { id, type: input.type, name: input.name, prefix, draftsOnly, secret };
}

/** Whom an admin key acts as, and what the key itself allows. */
export interface KeyHolder {
  key: { id: string; draftsOnly: boolean };
  user: Awaited<ReturnType<ReturnType<typeof apiKeyByHash>["all"]>>[number]["user"];
}

export type KeyCheck = { ok: true; holder: KeyHolder } | { ok: false; reason: "unknown" | "revoked" | "suspended" | "wrong-type" };

const LAST_USED_EVERY_MS = 60_000;
/** When each key's last use was last written, by id: at most one write a minute per key. */
const lastWritten = new Map<string, number>();

function noteUse(db: Db, key: { id: string; lastUsedAt: Date | null }, now = Date.now()) {
  const written = lastWritten.get(key.id) ?? key.lastUsedAt?.getTime() ?? 0;
  if (now - written < LAST_USED_EVERY_MS) return;
  lastWritten.set(key.id, now);
  // Nobody waits for it: a failed write only leaves the time a little old.
  void touchApiKey(db.write, key.id, new Date(now)).catch(() => lastWritten.delete(key.id));
}

/** Looks an admin key up with its person now; a suspended person's keys are refused. */
export async function checkAdminKey(db: Db, secret: string): Promise<KeyCheck> {
  const [row] = await apiKeyByHash(db.db).all({ hash: hashSecret(secret) });
  if (!row) return { ok: false, reason: "unknown" };
  if (row.key.revokedAt) return { ok: false, reason: "revoked" };
  if (row.key.type !== "admin") return { ok: false, reason: "wrong-type" };
  if (isSuspended(row.user)) return { ok: false, reason: "suspended" };
  noteUse(db, row.key);
  return { ok: true, holder: { key: { id: row.key.id, draftsOnly: row.key.draftsOnly }, user: row.user } };
}

/** Valid content keys by secret, per database, until a key is revoked. */
const contentKeys = new WeakMap<Database, Map<string, { id: string; lastUsedAt: Date | null }>>();

/** The id of the content key with this secret, or null for none (or a revoked one). */
export async function checkContentKey(db: Db, secret: string): Promise<string | null> {
  let known = contentKeys.get(db.db);
  if (!known) contentKeys.set(db.db, (known = new Map()));
  // By the secret itself, which is public: a known key costs no hashing.
  let key = known.get(secret);
  if (!key) {
    const [row] = await apiKeyByHash(db.db).all({ hash: hashSecret(secret) });
    if (!row || row.key.revokedAt || row.key.type !== "content") return null;
    key = row.key;
    known.set(secret, key);
  }
  noteUse(db, key);
  return key.id;
}

/** Forgets the content keys seen: a purge of cacheTags.apiKeys calls it. */
export function apiKeysChanged(db: Database): void {
  contentKeys.delete(db);
}

export const KEY_REFUSALS: Record<Exclude<KeyCheck, { ok: true }>["reason"], string> = {
  unknown: "Unknown API key: check it was copied whole",
  revoked: "This API key was revoked: ask an admin for a new one",
  suspended: "The account behind this API key is suspended",
  "wrong-type": "A content key only reads the Content API: the Admin API needs an admin key",
};
