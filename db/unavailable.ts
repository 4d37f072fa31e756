// Which failures mean "the database cannot be used right now" rather than "this query is
// wrong": another process holds the lock, the file cannot be opened or read, or a remote
// database (Turso, sqld) cannot be reached. The same request can succeed once it is back,
// so callers answer these with "try again" instead of a generic failure.

import type { Db } from "./client.ts";

// SQLite result codes (libSQL reports the primary code; extended ones start with it).
const SQLITE_UNAVAILABLE = ["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PROTOCOL"];
// What @libsql/client reports for a remote database it cannot talk to.
const LIBSQL_UNAVAILABLE = new Set(["HRANA_WEBSOCKET_ERROR", "HRANA_CLOSED_ERROR", "SERVER_ERROR", "CLIENT_CLOSED"]);
// Node's network errors, under fetch's "fetch failed" for libsql:// and http(s):// URLs.
const NETWORK_UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

export type Unavailable = "busy" | "unreachable";

/**
 * Why the database cannot be used right now, found in `error` or its chain of causes:
 * "busy" when another connection holds the lock, "unreachable" when the file cannot be
 * opened or read or a remote database cannot be reached; null for any other failure.
 */
export function databaseUnavailable(error: unknown): Unavailable | null {
  // Drizzle wraps the driver's error, tRPC wraps Drizzle's: a few levels at most.
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    // The local driver opening a connection (at start, or when it replaces a broken one)
    // reports a file it cannot open with no code, only this message.
    if (e.message.startsWith("ConnectionFailed(")) return "unreachable";
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    const sqlite = SQLITE_UNAVAILABLE.find((c) => code === c || code.startsWith(`${c}_`));
    if (sqlite) return sqlite === "SQLITE_BUSY" || sqlite === "SQLITE_LOCKED" ? "busy" : "unreachable";
    if (LIBSQL_UNAVAILABLE.has(code) || NETWORK_UNAVAILABLE.has(code)) return "unreachable";
  }
  return null;
}

/** The innermost cause's message: what the driver or the network actually said. */
export function rootMessage(error: unknown): string {
  let e = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Whether the database can take a write right now: null if so, else the error that says
 * why not. For code that only sees a failure's outcome (better-auth answers a failed query
 * with its own 500): a write transaction opened and rolled back at once.
 */
export async function writeProbe(db: Db): Promise<unknown> {
  try {
    const tx = await db.client.transaction("write");
    try {
      // A remote client sends BEGIN with the first statement, not before.
      await tx.execute("SELECT 1");
    } finally {
      await tx.rollback().catch(() => {});
    }
    return null;
  } catch (e) {
    return e;
  }
}
