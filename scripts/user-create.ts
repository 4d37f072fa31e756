// npm run user:create -- --email ada@example.com --role admin [--name "Ada"] [--password "…"]
// Creates an account (or changes the role of an existing one) in the configured database.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { user } from "../db/schema.ts";
import { ConfigError } from "../src/config.ts";
import { ROLES } from "../src/lib/constants.ts";

const Args = z.object({
  email: z.email("--email: give a valid email address"),
  role: z.enum(ROLES, { message: `--role: one of ${ROLES.join(", ")}` }).default("reader"),
  name: z.string().trim().min(1).max(80).optional(),
  password: z.string().min(8, "--password: at least 8 characters").max(128).optional(),
});

async function main() {
  const { values } = parseArgs({
    options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" }, password: { type: "string" } },
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => i.message).join("\n"));
    console.error('Usage: npm run user:create -- --email ada@example.com --role admin [--name "Ada"] [--password "…"]');
    process.exit(2);
  }
  const args = parsed.data;
  const { prepareDatabase } = await import("../src/prepare.ts");
  const { MIGRATIONS } = await import("./build.js");
  const { runtime } = await prepareDatabase({ migrations: MIGRATIONS, seed: false });
  const { db, auth } = runtime;
  const email = args.email.toLowerCase();
  const [existing] = await db.db.select().from(user).where(eq(user.email, email)).limit(1);
  if (existing) {
    await db.write((d) => d.update(user).set({ role: args.role, updatedAt: new Date() }).where(eq(user.id, existing.id)));
    console.log(`${email} already had an account; its role is now ${args.role}.`);
    return;
  }
  const password = args.password ?? randomBytes(12).toString("base64url");
  const { user: created } = await auth.api.signUpEmail({
    body: { email, password, name: args.name ?? email.split("@")[0]! },
  });
  await db.write((d) => d.update(user).set({ role: args.role, emailVerified: true }).where(eq(user.id, created.id)));
  console.log(`Created ${email} with role ${args.role}.`);
  if (!args.password) console.log(`Password: ${password}  (shown once; change it after signing in)`);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `Could not create the account: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
