// What each role (ROLES, in constants.ts, where islands can read them) may do, defined once
// with better-auth's access control so the admin plugin and the routers agree. Routers ask
// through `can()` only.
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements } from "better-auth/plugins/admin/access";
import type { Role } from "./constants.ts";

export const statements = {
  ...defaultStatements,
  post: ["create", "update-own", "update-any", "publish-own", "publish-any", "delete-own", "delete-any"],
  comment: ["create", "edit-own", "delete-own", "moderate-own-posts", "moderate-any"],
  /** Pages (About, Contact…) are the site's, not one author's: no own/any split. */
  page: ["create", "update", "publish", "delete"],
  /** The site's settings and menus. */
  site: ["update"],
} as const;

export const ac = createAccessControl(statements);

const writeOwn = ["create", "update-own", "publish-own", "delete-own"] as const;
const writeAny = [...writeOwn, "update-any", "publish-any", "delete-any"] as const;
const commentOwn = ["create", "edit-own", "delete-own"] as const;
const managePages = ["create", "update", "publish", "delete"] as const;

// Keyed by ROLES exactly: a role added there and not here (or here only) does not compile.
export const roles = {
  reader: ac.newRole({ post: [], comment: [...commentOwn], page: [], site: [] }),
  author: ac.newRole({ post: [...writeOwn], comment: [...commentOwn, "moderate-own-posts"], page: [], site: [] }),
  editor: ac.newRole({
    post: [...writeAny],
    comment: [...commentOwn, "moderate-own-posts", "moderate-any"],
    page: [...managePages],
    site: [],
  }),
  admin: ac.newRole({
    ...adminAc.statements,
    post: [...writeAny],
    comment: [...commentOwn, "moderate-own-posts", "moderate-any"],
    page: [...managePages],
    site: ["update"],
  }),
} satisfies Record<Role, unknown>;
/** A new account can comment; an admin makes it an author. */
export const DEFAULT_ROLE: Role = "reader";

type Permission = { [K in keyof typeof statements]?: (typeof statements)[K][number][] };

/**
 * True when at least one role in a (comma-separated) role string grants every action in
 * `permission` by itself: one role granting some actions and another the rest is not
 * enough. Names that are not roles here grant nothing.
 */
export function can(role: string | null | undefined, permission: Permission): boolean {
  return (role ?? "")
    .split(",")
    .map((r) => r.trim())
    .some((r) => r in roles && roles[r as Role].authorize(permission).success);
}

/** Creates, edits, publishes and deletes the site's pages: editors and admins. */
export function managesPages(role: string | null | undefined, action: (typeof statements)["page"][number] = "update"): boolean {
  return can(role, { page: [action] });
}

/** Manages people (lists them, sets their roles, bans them): the admin procedures and the admin pages ask this. */
export function managesPeople(role: string | null | undefined): boolean {
  return can(role, { user: ["list", "set-role", "ban"] });
}

/** Changes the site's settings and menus: the settings procedures and /admin/settings, /admin/menus ask this. */
export function managesSite(role: string | null | undefined): boolean {
  return can(role, { site: ["update"] });
}

/** Moderates comments: on their own posts at least (an author), or on every post (an editor). */
export function moderatesComments(role: string | null | undefined): boolean {
  return can(role, { comment: ["moderate-own-posts"] }) || can(role, { comment: ["moderate-any"] });
}

/** Banned now: with no end date, or one still to come (better-auth lifts a ban once it has passed). */
export function isSuspended(user: { banned?: boolean | null; banExpires?: Date | null }, now = Date.now()): boolean {
  return Boolean(user.banned) && (!user.banExpires || user.banExpires.getTime() > now);
}
