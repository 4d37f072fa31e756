// How islands turn a failed call into words. Kept apart from trpc-client.ts so the comment
// island, which has its own small client, can show the same messages without loading tRPC.
import type { inferRouterError } from "@trpc/server";
import type { AppRouter } from "../server/root.ts";
import { errors as english } from "../lib/i18n/en.ts";

type Formatted = inferRouterError<AppRouter>["data"];

/**
 * What our errorFormatter (src/server/trpc.ts) puts in an error's `data`. Each part is
 * optional: an answer from something other than our API may carry none of them.
 */
export type ServerErrorData = Partial<Omit<Formatted, "zodError">> & {
  /** z.flattenError of the input's issues, whose field names the formatter's type cannot know. */
  zodError?: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null;
};

export interface ReadableError {
  message: string;
  code?: string;
  fields: Record<string, string>;
  /** On a CONFLICT: the copy the server has now. */
  current?: NonNullable<ServerErrorData["conflict"]>["current"];
}

/** An answer from the server that is one of its errors (what TRPCClientError is to tRPC's client). */
export class ApiError extends Error {
  data: ServerErrorData;
  constructor(message: string, data: ServerErrorData) {
    super(message);
    this.data = data;
  }
}

/**
 * Turns any failure into a message and per-field messages an island can show. Both
 * TRPCClientError and ApiError carry the server's error `data`; an error without it never
 * got an answer from the server (offline, refused, not our API). `words` are the catalogue's
 * for those two cases (the site's language; English unless told).
 */
export function readError(error: unknown, words: { sessionEnded: string; unreachable: string } = english): ReadableError {
  const data = error instanceof Error ? (error as { data?: ServerErrorData }).data : undefined;
  if (error instanceof Error && data && typeof data === "object") {
    const fields: Record<string, string> = {};
    for (const [field, messages] of Object.entries(data.zodError?.fieldErrors ?? {})) {
      if (messages?.[0]) fields[field] = messages[0];
    }
    // The server prefixes "field: " on errors about one field (a taken slug, say).
    const match = /^(\w+): (.*)$/.exec(error.message);
    if (match && !data.zodError && match[1] && match[2]) fields[match[1]] = match[2];
    const code = data.code;
    const message =
      code === "UNAUTHORIZED"
        ? words.sessionEnded
        : code === "FORBIDDEN"
          ? `Not yours: ${error.message}`
          : code === "NOT_FOUND"
            ? `Not found: ${error.message}`
            : error.message;
    return { message, code, fields, current: data.conflict?.current };
  }
  return { message: words.unreachable, fields: {} };
}
