// What routers answer when a query comes back empty, and the causes that carry data to the
// client through the error formatter.
import { TRPCError } from "@trpc/server";
import type { PostRow } from "../../db/schema.ts";

/** The row a query found, or NOT_FOUND with `message` when it found none. */
export function found<T>(row: T | null | undefined, message: string): T {
  if (row == null) throw new TRPCError({ code: "NOT_FOUND", message });
  return row;
}

/** The server's current copy of a post, sent with a CONFLICT so the editor can show both. */
export class PostConflict extends Error {
  readonly current: PostRow & { tags: { slug: string; name: string }[] };
  constructor(current: PostRow & { tags: { slug: string; name: string }[] }) {
    super("version conflict");
    this.name = "PostConflict";
    this.current = current;
  }
}
