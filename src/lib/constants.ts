// Small facts shared by routers and islands (kept free of server imports).

/** How long after posting a comment its author may still edit it. */
export const COMMENT_EDIT_WINDOW_MS = 15 * 60 * 1000;

/** Roles that moderate every comment; a post's author moderates their own post's. */
export const MODERATOR_ROLES = ["editor", "admin"];
