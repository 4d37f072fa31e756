// Causes that carry data to the client through the error formatter.
import type { PostRow } from "../../db/schema.ts";

/** The server's current copy of a post, sent with a CONFLICT so the editor can show both. */
export class PostConflict extends Error {
  readonly current: PostRow & { tags: { slug: string; name: string }[] };
  constructor(current: PostRow & { tags: { slug: string; name: string }[] }) {
    super("version conflict");
    this.name = "PostConflict";
    this.current = current;
  }
}
