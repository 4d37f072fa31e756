// The typed client islands use. Only the router's type crosses into the browser.
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../server/root.ts";
import { MAX_BATCH } from "./constants.ts";

export const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: MAX_BATCH })],
});

type ServerPost = inferRouterOutputs<AppRouter>["post"]["byId"];

export interface ReadableError {
  message: string;
  code?: string;
  fields: Record<string, string>;
  /** On a CONFLICT: the copy the server has now. */
  current?: Omit<ServerPost, "status"> & { status: string };
}

/** Turns any failure into a message and per-field messages an island can show. */
export function readError(error: unknown): ReadableError {
  // A TRPCClientError without data never got an answer from the server (offline, refused).
  if (error instanceof TRPCClientError && error.data) {
    const data = error.data as
      | {
          code?: string;
          zodError?: { fieldErrors: Record<string, string[] | undefined> } | null;
          conflict?: { current: ReadableError["current"] } | null;
        }
      | undefined;
    const fields: Record<string, string> = {};
    for (const [field, messages] of Object.entries(data?.zodError?.fieldErrors ?? {})) {
      if (messages?.[0]) fields[field] = messages[0];
    }
    // The server prefixes "field: " on errors about one field (a taken slug, say).
    const match = /^(\w+): (.*)$/.exec(error.message);
    if (match && !data?.zodError && match[1] && match[2]) fields[match[1]] = match[2];
    const code = data?.code;
    const message =
      code === "UNAUTHORIZED"
        ? "Your session has ended. Sign in again (in another tab) and retry: your text is still here."
        : code === "FORBIDDEN"
          ? `Not yours: ${error.message}`
          : code === "NOT_FOUND"
            ? `Not found: ${error.message}`
            : error.message;
    return { message, code, fields, current: data?.conflict?.current };
  }
  return {
    message: "Could not reach the server. Check your connection and try again: your text is still here.",
    fields: {},
  };
}
