// `npm run key:create`: a key made on the shell, against the configured database.
// scripts/key-create.ts parses and prints; what it means is here.
import { asc, eq, like } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client.ts";
import { user } from "../../../db/schema.ts";
import { API_KEY_TYPES } from "../../../db/schema/api-keys.ts";
import { managesSite } from "../../lib/permissions.ts";
import { API_KEY_NAME_MAX } from "../../lib/api-schemas.ts";
import { createApiKey } from "./keys.ts";

export const KEY_CREATE_USAGE =
  'Usage: npm run key:create -- --type content [--name "Front end"]\n' +
  '       npm run key:create -- --type admin --email <person> [--name "Publishing script"] [--drafts-only]';

export const KeyCreateArgs = z.object({
  type: z.enum(API_KEY_TYPES, { message: "--type: content or admin" }),
  email: z.email("--email: give the address of the person the key acts as").optional(),
  name: z.string().trim().min(1).max(API_KEY_NAME_MAX, `--name: at most ${API_KEY_NAME_MAX} characters`).optional(),
  "drafts-only": z.boolean().default(false),
});

export class KeyCreateRefused extends Error {}

/**
 * Makes the key and answers its secret. An admin key acts as `--email`'s person; a content
 * key is recorded as made by them, or by the site's first admin.
 */
export async function createKeyFromShell(db: Db, args: z.infer<typeof KeyCreateArgs>): Promise<string> {
  if (args.type === "admin" && !args.email) throw new KeyCreateRefused("--email: an admin key acts as someone; say who");
  const [person] = args.email
    ? await db.db.select().from(user).where(eq(user.email, args.email.toLowerCase())).limit(1)
    : (await db.db.select().from(user).where(like(user.role, "%admin%")).orderBy(asc(user.createdAt)).limit(20)).filter((u) =>
        managesSite(u.role),
      );
  if (!person) {
    throw new KeyCreateRefused(
      args.email
        ? `--email: nobody has the address ${args.email}`
        : "No admin yet to record the key under: npm run user:create -- --role admin first",
    );
  }
  const name = args.name ?? (args.type === "admin" ? `Shell key for ${person.email}` : "Shell content key");
  const key = await createApiKey(db.write, { type: args.type, name, userId: person.id, draftsOnly: args["drafts-only"] });
  return key.secret;
}
