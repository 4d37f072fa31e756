// better-auth: email and password, roles through the admin plugin, no telemetry.
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { admin } from "better-auth/plugins";
import type { Config } from "./config.ts";
import type { Database } from "../db/client.ts";
import * as schema from "../db/schema.ts";
import { ac, DEFAULT_ROLE, roles } from "./lib/permissions.ts";

/** The header our own server sets to the socket's (or trusted proxy's) client address. */
export const CLIENT_IP_HEADER = "x-quire-client-ip";

export function initAuth(config: Config, db: Database) {
  return betterAuth({
    appName: "Quire",
    baseURL: config.siteUrl,
    secret: config.authSecret,
    database: drizzleAdapter(db, { provider: "sqlite", schema }),
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
    },
    user: {
      additionalFields: {
        bio: { type: "string", required: false, defaultValue: "", input: false },
      },
    },
    databaseHooks: {
      user: {
        create: {
          // The first account on an empty database runs the place.
          before: async (newUser) => {
            const [first] = await db.select({ id: schema.user.id }).from(schema.user).limit(1);
            return first ? undefined : { data: { ...newUser, role: "admin" } };
          },
        },
      },
    },
    session: {
      // A day's activity keeps a session alive for a month.
      expiresIn: 60 * 60 * 24 * 30,
      updateAge: 60 * 60 * 24,
    },
    plugins: [admin({ ac, roles, defaultRole: DEFAULT_ROLE, adminRoles: ["admin"] })],
    rateLimit: {
      enabled: config.nodeEnv !== "test",
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: config.authRateLimit },
        "/sign-up/email": { window: 60, max: config.authRateLimit },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    trustedOrigins: [config.siteUrl],
  });
}

export type Auth = ReturnType<typeof initAuth>;
export type Session = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;
