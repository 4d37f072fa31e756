// Roles and what each may do, defined once with better-auth's access control so the
// admin plugin and the routers agree. Routers ask through `can()` only.
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements } from "better-auth/plugins/admin/access";

export const statements = {
  ...defaultStatements,
  post: ["create", "update-own", "update-any", "publish-own", "publish-any", "delete-own", "delete-any"],
} as const;

export const ac = createAccessControl(statements);

const writeOwn = ["create", "update-own", "publish-own", "delete-own"] as const;

export const roles = {
  reader: ac.newRole({ post: [] }),
  author: ac.newRole({ post: [...writeOwn] }),
  editor: ac.newRole({ post: [...writeOwn, "update-any", "publish-any", "delete-any"] }),
  admin: ac.newRole({
    ...adminAc.statements,
    post: [...writeOwn, "update-any", "publish-any", "delete-any"],
  }),
};

export type Role = keyof typeof roles;
export const ROLES = Object.keys(roles) as Role[];
/** Until the reader/author split lands, everyone who signs up can write. */
export const DEFAULT_ROLE: Role = "author";

type Permission = { [K in keyof typeof statements]?: (typeof statements)[K][number][] };

/** True when every role in a (comma-separated) role string grants the permission. */
export function can(role: string | null | undefined, permission: Permission): boolean {
  return (role ?? "")
    .split(",")
    .map((r) => r.trim())
    .some((r) => r in roles && roles[r as Role].authorize(permission).success);
}
