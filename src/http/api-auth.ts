// How the Admin API and the REST image upload learn who is asking: an admin key in the
// Authorization header, and only there. A page on another site can make a browser send a
// form or a cookie, never this header, so a key can never be used through someone's browser;
// and a request with a key is never also read for a cookie's session.
import type { Db } from "../../db/client.ts";
import { checkAdminKey, KEY_REFUSALS, type KeyHolder } from "../server/api/keys.ts";

export interface KeyRefusal {
  status: 401 | 403;
  code: "UNAUTHORIZED" | "FORBIDDEN";
  message: string;
}

/** The secret of `Authorization: Bearer <secret>`, or null when there is none. */
export function bearerSecret(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

export const NO_KEY = "Send an admin key in the Authorization header: Authorization: Bearer <key>";

/** The key's holder, or why the request is refused. */
export async function keyHolderOf(db: Db, secret: string | null): Promise<KeyHolder | KeyRefusal> {
  if (!secret) return { status: 401, code: "UNAUTHORIZED", message: NO_KEY };
  const check = await checkAdminKey(db, secret);
  if (check.ok) return check.holder;
  const forbidden = check.reason === "suspended" || check.reason === "wrong-type";
  return { status: forbidden ? 403 : 401, code: forbidden ? "FORBIDDEN" : "UNAUTHORIZED", message: KEY_REFUSALS[check.reason] };
}

export function isRefusal(x: KeyHolder | KeyRefusal): x is KeyRefusal {
  return "status" in x;
}
