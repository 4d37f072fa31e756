// Small facts shared by routers and islands (kept free of server imports).

/** The longest comment, in characters (UTF-16 units, as the schema counts them). */
export const COMMENT_MAX = 5_000;

/** How long after posting a comment its author may still edit it. */
export const COMMENT_EDIT_WINDOW_MS = 15 * 60 * 1000;

/** Every role a person may have, least to most; src/lib/permissions.ts says what each may do. */
export const ROLES = ["reader", "author", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Roles that moderate every comment; a post's author moderates their own post's. */
export const MODERATOR_ROLES = ["editor", "admin"];

/**
 * The most calls one batched tRPC request may carry: the islands batch a handful at a
 * time, and a bigger batch is refused (400) before any of it runs.
 */
export const MAX_BATCH = 20;

/** Where the tRPC API is served. */
export const TRPC_ENDPOINT = "/api/trpc";

/** Whether a request target (`req.url`) is the tRPC endpoint. */
export function isTrpcPath(url: string): boolean {
  return url.startsWith(`${TRPC_ENDPOINT}/`) || url === TRPC_ENDPOINT || url.startsWith(`${TRPC_ENDPOINT}?`);
}
