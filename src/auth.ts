// better-auth: email and password with verification and reset by mail, Discord, Google
// and any OpenID Connect provider when configured, roles through the admin plugin,
// no telemetry.
import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { APIError } from "better-auth/api";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { admin, genericOAuth, oAuthProxy } from "better-auth/plugins";
import type { Config } from "./config.ts";
import type { Database } from "../db/client.ts";
import * as schema from "../db/schema.ts";
import { ac, DEFAULT_ROLE, roles } from "./lib/permissions.ts";
import { AvatarUrl, NAME_MAX, PersonName, UNCLEAN_CHARS, UserFields } from "./lib/schemas.ts";
import { messages } from "./lib/i18n/index.ts";
import { createMailer, type Mailer } from "./server/mail.ts";
import { siteSettings } from "./server/settings.ts";
import { isStoredImage } from "./server/queries/media.ts";

/** The header our own server sets to the socket's (or trusted proxy's) client address. */
export const CLIENT_IP_HEADER = "x-quire-client-ip";

/** The provider id of the configured OpenID Connect provider (its callback is /api/auth/callback/oidc). */
export const OIDC_PROVIDER_ID = "oidc";

/** Where better-auth sends people when sign-in with a provider fails: a page that explains. */
export const AUTH_ERROR_PATH = "/auth/error";

export function initAuth(config: Config, db: Database, mailer: Mailer = createMailer(config, db)) {
  const { discord, google, oidc } = config.providers;
  const plugins: BetterAuthPlugin[] = [];
  if (oidc) {
    plugins.push(
      genericOAuth({
        config: [
          {
            providerId: OIDC_PROVIDER_ID,
            name: oidc.name,
            discoveryUrl: oidc.discoveryUrl,
            clientId: oidc.clientId,
            clientSecret: oidc.clientSecret,
            scopes: ["openid", "email", "profile"],
            // Identity comes from the ID token: never accept one the issuer's keys did not sign.
            requireIdTokenVerification: true,
          },
        ],
      }),
    );
  }
  if (config.oauthProxyProductionUrl) {
    // currentURL from configuration: the plugin must never take a preview's address from
    // request headers. The proxy's own secret seals the hand-over, not authSecret.
    plugins.push(
      oAuthProxy({ productionURL: config.oauthProxyProductionUrl, currentURL: config.siteUrl, secret: config.oauthProxySecret }),
    );
  }
  // Repeated sign-ups with someone's address mail them once an hour at most.
  const alreadyMailed = oncePer(60 * 60 * 1000);
  // Sign-in, sign-up and reset are what a password guesser or a mail bomber repeats.
  const perClient = { window: 60, max: config.authRateLimit };
  // Mail goes out in the site's language; in English when the settings cannot be read.
  const mailWords = async () =>
    messages(
      await siteSettings(db).then(
        (s) => s.language,
        () => "en" as const,
      ),
    ).mail;

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
      // Unverified accounts may sign in: they can only read and comment until an admin
      // promotes them, and a provider never links into an unverified account (below).
      requireEmailVerification: false,
      // A sign-up answers alike for a new address and one with an account (OWASP ASVS V6):
      // nobody is signed in by it, and the owner of an existing account is mailed instead.
      autoSignIn: false,
      onExistingUserSignUp: async ({ user }) => {
        if (!alreadyMailed.take(user.email)) return;
        const t = await mailWords();
        await mailer.send({
          to: user.email,
          subject: t.existingSubject,
          text: t.existingText(user.name, `${config.siteUrl}/sign-in`, `${config.siteUrl}/forgot-password`),
        });
      },
      // What that answer shows for a taken address: a new reader's account, like any sign-up's.
      customSyntheticUser: ({ coreFields, additionalFields, id }) => ({
        ...coreFields,
        role: DEFAULT_ROLE,
        banned: false,
        banReason: null,
        banExpires: null,
        ...additionalFields,
        id,
      }),
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, url }) => {
        const t = await mailWords();
        await mailer.send({ to: user.email, subject: t.resetSubject, text: t.resetText(user.name, url) });
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ user, url }) => {
        const t = await mailWords();
        await mailer.send({ to: user.email, subject: t.verifySubject, text: t.verifyText(user.name, url) });
      },
    },
    socialProviders: {
      ...(discord ? { discord: { clientId: discord.clientId, clientSecret: discord.clientSecret } } : {}),
      ...(google ? { google: { clientId: google.clientId, clientSecret: google.clientSecret } } : {}),
    },
    account: {
      accountLinking: {
        enabled: true,
        // A provider signs into an existing account with the same address only when the
        // provider says the address is verified (Google only hands out verified ones) and
        // the account here verified it too, so nobody can pre-register someone's address
        // and wait for them to sign in with their provider.
        trustedProviders: ["google"],
        requireLocalEmailVerified: true,
      },
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
          before: async (newUser, ctx) => {
            const fromProvider = !TYPED_PATHS.has(ctx?.path ?? "");
            const fields = fromProvider ? fromProviderProfile(newUser) : checkedUserFields(newUser);
            if (fields.image && !(await isStoredImage(db, fields.image))) throw noSuchAvatar();
            const [first] = await db.select({ id: schema.user.id }).from(schema.user).limit(1);
            return { data: { ...newUser, ...fields, ...(first ? {} : { role: "admin" }) } };
          },
        },
        // update-user and the admin endpoints set names and avatars too: the profile form's rules hold there.
        update: {
          before: async (change) => {
            const fields = checkedUserFields(change);
            if (fields.image && !(await isStoredImage(db, fields.image))) throw noSuchAvatar();
            return { data: { ...change, ...fields } };
          },
        },
      },
      session: {
        update: {
          // getSession refreshes a session to 30 days unless the dont_remember cookie came
          // with the request; an impersonation must end when the admin plugin said it would.
          before: async (change, ctx) => {
            const current = ctx?.context.session?.session as { impersonatedBy?: string | null; expiresAt: Date } | undefined;
            if (!("expiresAt" in change) || !current?.impersonatedBy) return undefined;
            return { data: { ...change, expiresAt: current.expiresAt } };
          },
        },
      },
    },
    session: {
      // A day's activity keeps a session alive for a month.
      expiresIn: 60 * 60 * 24 * 30,
      updateAge: 60 * 60 * 24,
    },
    plugins: [admin({ ac, roles, defaultRole: DEFAULT_ROLE, adminRoles: ["admin"] }), ...plugins],
    rateLimit: {
      enabled: true,
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/*": perClient,
        "/sign-up/*": perClient,
        "/request-password-reset": perClient,
        "/reset-password": perClient,
        "/send-verification-email": perClient,
        "/change-password": perClient,
        // A read every post page's comment island makes: under the global 100 a minute, a
        // class or an office behind one address would be told to sign in while signed in.
        "/get-session": false,
      },
    },
    onAPIError: { errorURL: `${config.siteUrl}${AUTH_ERROR_PATH}` },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    trustedOrigins: [config.siteUrl, ...config.trustedOrigins],
  });
}

export type Auth = ReturnType<typeof initAuth>;
export type Session = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;

/**
 * Says yes to a key once per `ms` (in this process; a few hundred thousand keys at most):
 * enough to keep one address from being mailed again and again.
 */
function oncePer(ms: number, max = 100_000) {
  const last = new Map<string, number>();
  return {
    take(key: string): boolean {
      const now = Date.now();
      const at = last.get(key);
      if (at !== undefined && now - at < ms) return false;
      last.delete(key);
      last.set(key, now);
      if (last.size > max) last.delete(last.keys().next().value!);
      return true;
    },
  };
}

const noSuchAvatar = () => new APIError("BAD_REQUEST", { message: "image: No uploaded image has that address; upload the avatar again" });

/** Endpoints where a person typed the account's fields; any other creates it from a provider's profile. */
const TYPED_PATHS = new Set(["/sign-up/email", "/admin/create-user"]);

/** The name and avatar among `fields` as the schema stores them, or a 400 that says what is wrong. */
function checkedUserFields(fields: Record<string, unknown>): { name?: string; image?: string | null } {
  const present = Object.fromEntries(["name", "image"].filter((k) => k in fields).map((k) => [k, fields[k]]));
  const parsed = UserFields.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new APIError("BAD_REQUEST", { message: `${issue.path.join(".") || "input"}: ${issue.message}` });
}

/**
 * A provider's profile, made to fit: nobody here typed it, so a long name is cut to the
 * limit (a missing one becomes the address's first part) and an avatar the rules refuse is left out.
 */
function fromProviderProfile(profile: { name?: unknown; email?: unknown; image?: unknown }): { name: string; image: string | null } {
  const given = typeof profile.name === "string" ? profile.name.replace(UNCLEAN_CHARS, "").trim() : "";
  const fallback = typeof profile.email === "string" ? profile.email.split("@")[0]! : "Reader";
  const name = PersonName.safeParse([...(given || fallback)].slice(0, NAME_MAX).join("").trim());
  const image = AvatarUrl.safeParse(profile.image ?? null);
  return { name: name.success ? name.data : "Reader", image: image.success ? image.data : null };
}
