// Who is asking: the session behind a request's cookie, as better-auth's getSession finds it.
//
// auth.api.getSession runs better-auth's whole endpoint machinery (a context, hooks, a
// WebCrypto key imported for every cookie check) and a generic adapter lookup, and every
// signed-in request pays for it before any work of its own. The common case is plain: a
// signed cookie, a live session that is not yet due for its daily refresh. That case is
// read here in one query, the same rows better-auth would read; every other case (no such
// session, expired, due for refresh, a configuration this does not cover) is handed to
// better-auth itself, which deletes, refreshes and answers as it always does.
// So a sign-out, a revoked session, a ban or a role change shows on the very next request.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { BetterAuthOptions } from "better-auth";
import { eq, sql } from "drizzle-orm";
import type { Auth, Session } from "../auth.ts";
import { preparedOnce, type Database } from "../../db/client.ts";
import { session, user } from "../../db/auth-schema.ts";
import { isSuspended } from "../lib/permissions.ts";

/** The value of cookie `name` in a Cookie header, decoded as better-auth reads it. */
function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    let value = part.slice(at + 1).trim();
    if (value.startsWith('"')) value = value.slice(1, -1);
    try {
      return value.includes("%") ? decodeURIComponent(value) : value;
    } catch {
      return value;
    }
  }
  return undefined;
}

/** The token in a `token.signature` cookie, if the signature is the secret's HMAC-SHA256 of it. */
function verifiedToken(value: string, secret: string): string | null {
  const dot = value.lastIndexOf(".");
  if (dot < 1) return null;
  const token = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return null;
  const expected = createHmac("sha256", secret).update(token).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

/** The session and its user by token: it runs on every signed-in request. */
const lookup = preparedOnce((db) =>
  db
    .select({ session, user })
    .from(session)
    .innerJoin(user, eq(user.id, session.userId))
    .where(eq(session.token, sql.placeholder("token")))
    .limit(1)
    .prepare(),
);

/**
 * The signed-in session behind these headers, or null. The one guard for pages (through
 * the middleware's getSession) and procedures (through the tRPC context): an account that
 * is banned now has no session here, even if a ban left one alive.
 */
export async function readSession(auth: Auth, db: Database, headers: Headers): Promise<Session | null> {
  const found = await findSession(auth, db, headers);
  return found && !isSuspended(found.user) ? found : null;
}

async function findSession(auth: Auth, db: Database, headers: Headers): Promise<Session | null> {
  const ctx = await auth.$context;
  const options: BetterAuthOptions = ctx.options;
  // Sessions kept elsewhere than in these tables, or cached in cookies: better-auth knows how.
  if (options.secondaryStorage || options.session?.cookieCache?.enabled) return auth.api.getSession({ headers });
  const value = cookieValue(headers.get("cookie"), ctx.authCookies.sessionToken.name);
  if (!value) return null;
  const token = verifiedToken(value, ctx.secret);
  // A forged or damaged cookie: better-auth answers no session too.
  if (!token) return null;
  const [row] = await lookup(db).all({ token });
  const now = Date.now();
  const expiresAt = row?.session.expiresAt.getTime() ?? 0;
  const { expiresIn, updateAge } = ctx.sessionConfig;
  const dueForRefresh = expiresAt - expiresIn * 1000 + updateAge * 1000 <= now;
  // An impersonation lasts as long as better-auth made it (an hour), never refreshed.
  if (row && expiresAt > now && (!dueForRefresh || row.session.impersonatedBy)) return row as Session;
  return auth.api.getSession({ headers });
}
