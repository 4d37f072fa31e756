// The one reader of process.env. Parsed once with zod; a missing or bad value stops
// the process with a message that names the variable.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { availableParallelism } from "node:os";
import { z } from "zod";

export const DEFAULT_DATABASE_URL = "file:.data/quire.db";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const booleanFlag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : ["1", "true", "yes"].includes(v)));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  SITE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^(file:|libsql:|https?:|wss?:)/, "must start with file:, libsql:, http(s): or ws(s):")
      .optional(),
  ),
  DATABASE_AUTH_TOKEN: optionalString,
  DATABASE_SYNC_URL: optionalString.pipe(z.url().optional()),
  DATABASE_SYNC_INTERVAL: z.coerce.number().min(0).optional(),
  BETTER_AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)").optional()),
  SEED_DEMO: booleanFlag,
  TRUST_PROXY: booleanFlag,
  FEED_CONTENT: z.enum(["full", "excerpt"]).default("full"),
  SITE_TITLE: z.string().trim().min(1).max(80).default("Quire"),
  SITE_DESCRIPTION: z.string().trim().min(1).max(300).default("Writing worth reading, published with Quire."),
  AUTH_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  DISCORD_CLIENT_ID: optionalString,
  DISCORD_CLIENT_SECRET: optionalString,
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  OIDC_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_NAME: optionalString,
  OAUTH_PROXY_PRODUCTION_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OAUTH_PROXY_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)").optional()),
  AUTH_TRUSTED_ORIGINS: optionalString,
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  SMTP_HOST: optionalString,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: optionalString,
  SMTP_PASS: optionalString,
  MAIL_FROM: optionalString,
  LOG_LEVEL: z.enum(["silent", "error", "info", "debug"]).default("info"),
  RENDER_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  MEDIA_DIR: optionalString,
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  MEDIA_MAX_PIXELS: z.coerce.number().int().min(1).max(1_000_000_000).default(50_000_000),
  MEDIA_S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  MEDIA_S3_BUCKET: optionalString,
  MEDIA_S3_REGION: optionalString,
  MEDIA_S3_ACCESS_KEY_ID: optionalString,
  MEDIA_S3_SECRET_ACCESS_KEY: optionalString,
  MEDIA_PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  IMPORT_DIR: optionalString,
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(64 * 1024 * 1024 * 1024)
    .default(1024 * 1024 * 1024),
  /** Lets imports fetch images from 127.0.0.1: for the test suite's image server, never for a site. */
  IMPORT_FETCH_ALLOW_LOOPBACK: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Lets webhook endpoints be private, loopback or link-local addresses (a receiver on the same network). */
  WEBHOOKS_ALLOW_PRIVATE: booleanFlag,
  /** Newsletter mails handed to the SMTP server per second, across this process's sending. */
  MAIL_RATE_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Content API requests a minute per key: one key serves every visitor of a headless site. */
  CONTENT_API_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000_000).default(6000),
});

const MEDIA_S3_SETTINGS = [
  "MEDIA_S3_ENDPOINT",
  "MEDIA_S3_BUCKET",
  "MEDIA_S3_REGION",
  "MEDIA_S3_ACCESS_KEY_ID",
  "MEDIA_S3_SECRET_ACCESS_KEY",
] as const;

export interface Config {
  nodeEnv: "development" | "production" | "test";
  port: number;
  /** Whether PORT was set: if not, the start script may take another port when this one is busy. */
  portGiven: boolean;
  host: string;
  siteUrl: string;
  /** Whether SITE_URL was set: if not, it follows the port the server listens on. */
  siteUrlGiven: boolean;
  database: {
    url: string;
    authToken?: string;
    syncUrl?: string;
    syncInterval?: number;
    /** Absolute path of the local database file, when the database is a local file. */
    localPath?: string;
  };
  authSecret: string;
  seedDemo: boolean;
  /** Threads `npm start` renders Markdown on, off the request thread; 0 renders on it. */
  renderWorkers: number;
  /** Take the client address from the last X-Forwarded-For entry, the one our reverse proxy appended. */
  trustProxy: boolean;
  /** Whether feeds carry each post's full HTML or only its excerpt. */
  feedContent: "full" | "excerpt";
  siteTitle: string;
  siteDescription: string;
  /** Sign-in, sign-up and password-reset attempts a client may make per minute. */
  authRateLimit: number;
  /** Sign-in providers; each is present only when fully configured. */
  providers: {
    discord?: OAuthClient;
    google?: OAuthClient;
    oidc?: OAuthClient & { issuer: string; discoveryUrl: string; name: string };
  };
  /** The production site that completes OAuth for preview deployments, when there are previews. */
  oauthProxyProductionUrl?: string;
  /**
   * Seals the hand-over between a preview and production. Its own secret, so previews never
   * hold production's BETTER_AUTH_SECRET (which could forge production's cookies).
   */
  oauthProxySecret?: string;
  /** Other origins sign-in may send people back to (callback URLs on another site of yours). */
  trustedOrigins: string[];
  mail: {
    from: string;
    /** nodemailer transport options; without them mail goes to the outbox table and the log. */
    smtp?: string | { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };
  };
  logLevel: "silent" | "error" | "info" | "debug";
  media: {
    /** Absolute path of the folder images are kept in, when there is no bucket. */
    dir: string;
    maxBytes: number;
    maxPixels: number;
    /** An S3-compatible bucket that holds the images instead of `dir`; present only when fully configured. */
    s3?: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
    /** The bucket's public address (or a CDN's), which readers fetch images from directly. */
    publicUrl?: string;
  };
  contentApi: {
    /** Requests a minute per content key, cached answers included. */
    rateLimit: number;
  };
  import: {
    /** Where uploaded import files wait for their job (on this server's disk). */
    dir: string;
    maxBytes: number;
    /** Test-only: imports may fetch images from loopback addresses. */
    allowLoopback: boolean;
  };
  webhooks: {
    /** Endpoints may be on private, loopback and link-local addresses: off unless WEBHOOKS_ALLOW_PRIVATE says so. */
    allowPrivate: boolean;
  };
  newsletter: {
    /** The most newsletter mails one process hands the SMTP server in a second. */
    ratePerSecond: number;
  };
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

function localFilePath(url: string, cwd: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
  if (path === ":memory:" || path === "") return undefined;
  return resolve(cwd, path);
}

/**
 * Local installs get a secret generated once and kept beside the database file, so
 * sessions survive restarts without any setup. A remote database needs a real one.
 */
function resolveSecret(given: string | undefined, dbPath: string | undefined, nodeEnv: string): string {
  if (given) return given;
  if (!dbPath) {
    if (nodeEnv === "test") return randomBytes(32).toString("base64url");
    throw new ConfigError(["BETTER_AUTH_SECRET: required when DATABASE_URL is not a local file (try: openssl rand -base64 32)"]);
  }
  const secretFile = resolve(dirname(dbPath), "auth-secret");
  if (existsSync(secretFile)) return readFileSync(secretFile, "utf8").trim();
  mkdirSync(dirname(secretFile), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(secretFile, secret + "\n", { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  const e = parsed.data;
  const url = e.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const localPath = localFilePath(url, cwd);
  if (url.startsWith("libsql:") && !e.DATABASE_AUTH_TOKEN && !url.includes("127.0.0.1") && !url.includes("localhost")) {
    throw new ConfigError(["DATABASE_AUTH_TOKEN: required for a remote libsql:// DATABASE_URL (Turso)"]);
  }
  if (e.DATABASE_SYNC_URL && !localPath) {
    throw new ConfigError(["DATABASE_SYNC_URL: an embedded replica needs DATABASE_URL to be a local file: URL"]);
  }
  const siteUrl = (e.SITE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  const issues: string[] = [];
  const discord = pair(e, "DISCORD_CLIENT_ID", "DISCORD_CLIENT_SECRET", issues);
  const google = pair(e, "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", issues);
  const oidcClient = pair(e, "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", issues);
  if (oidcClient && !e.OIDC_ISSUER) issues.push("OIDC_ISSUER: required with OIDC_CLIENT_ID (the provider's issuer URL)");
  if (e.OIDC_ISSUER && !oidcClient) issues.push("OIDC_CLIENT_ID: required with OIDC_ISSUER");
  if (e.SMTP_URL && e.SMTP_HOST) issues.push("SMTP_URL: give either SMTP_URL or SMTP_HOST, not both");
  if (Boolean(e.SMTP_USER) !== Boolean(e.SMTP_PASS)) issues.push("SMTP_PASS: SMTP_USER and SMTP_PASS go together");
  if (e.OAUTH_PROXY_PRODUCTION_URL && !e.OAUTH_PROXY_SECRET) {
    issues.push(
      "OAUTH_PROXY_SECRET: required with OAUTH_PROXY_PRODUCTION_URL, the same on production and every preview (try: openssl rand -base64 32)",
    );
  }
  if (e.OAUTH_PROXY_SECRET && !e.OAUTH_PROXY_PRODUCTION_URL) issues.push("OAUTH_PROXY_PRODUCTION_URL: required with OAUTH_PROXY_SECRET");
  // Previews hold the proxy secret: if it were this site's session secret, they could forge its cookies.
  if (e.OAUTH_PROXY_SECRET && e.OAUTH_PROXY_SECRET === e.BETTER_AUTH_SECRET) {
    issues.push("OAUTH_PROXY_SECRET: must differ from BETTER_AUTH_SECRET (previews hold it)");
  }
  const media = mediaStorage(e, issues);
  if (issues.length) throw new ConfigError(issues);
  const issuer = e.OIDC_ISSUER?.replace(/\/+$/, "");
  const smtpPort = e.SMTP_PORT ?? 587;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    portGiven: Boolean(env.PORT),
    host: e.HOST,
    siteUrl,
    siteUrlGiven: Boolean(env.SITE_URL),
    database: {
      url,
      authToken: e.DATABASE_AUTH_TOKEN,
      syncUrl: e.DATABASE_SYNC_URL,
      syncInterval: e.DATABASE_SYNC_INTERVAL,
      localPath,
    },
    authSecret: resolveSecret(e.BETTER_AUTH_SECRET, localPath, e.NODE_ENV),
    seedDemo: e.SEED_DEMO ?? url === DEFAULT_DATABASE_URL,
    trustProxy: e.TRUST_PROXY ?? false,
    authRateLimit: e.AUTH_RATE_LIMIT,
    feedContent: e.FEED_CONTENT,
    siteTitle: e.SITE_TITLE,
    siteDescription: e.SITE_DESCRIPTION,
    providers: {
      discord,
      google,
      oidc:
        oidcClient && issuer
          ? {
              ...oidcClient,
              issuer,
              discoveryUrl: issuer.endsWith("/.well-known/openid-configuration") ? issuer : `${issuer}/.well-known/openid-configuration`,
              name: e.OIDC_NAME ?? "single sign-on",
            }
          : undefined,
    },
    oauthProxyProductionUrl: e.OAUTH_PROXY_PRODUCTION_URL?.replace(/\/+$/, ""),
    oauthProxySecret: e.OAUTH_PROXY_SECRET,
    trustedOrigins: [
      ...(e.AUTH_TRUSTED_ORIGINS ?? "")
        .split(",")
        .map((o) => o.trim().replace(/\/+$/, ""))
        .filter(Boolean),
      ...(env.SITE_URL ? [] : loopbackAliases(e.PORT)),
    ],
    mail: {
      from: e.MAIL_FROM ?? `Quire <no-reply@${new URL(siteUrl).hostname}>`,
      smtp:
        e.SMTP_URL ??
        (e.SMTP_HOST
          ? {
              host: e.SMTP_HOST,
              port: smtpPort,
              // 465 is TLS from the first byte; other ports upgrade with STARTTLS.
              secure: smtpPort === 465,
              auth: e.SMTP_USER && e.SMTP_PASS ? { user: e.SMTP_USER, pass: e.SMTP_PASS } : undefined,
            }
          : undefined),
    },
    logLevel: e.LOG_LEVEL,
    media: {
      // Beside the database by default, so that one folder holds a local site's data.
      dir: e.MEDIA_DIR ? resolve(cwd, e.MEDIA_DIR) : localPath ? resolve(dirname(localPath), "media") : resolve(cwd, ".data/media"),
      maxBytes: e.MEDIA_MAX_BYTES,
      maxPixels: e.MEDIA_MAX_PIXELS,
      s3: media,
      publicUrl: e.MEDIA_PUBLIC_URL?.replace(/\/+$/, ""),
    },
    contentApi: { rateLimit: e.CONTENT_API_RATE_LIMIT },
    import: {
      dir: e.IMPORT_DIR ? resolve(cwd, e.IMPORT_DIR) : localPath ? resolve(dirname(localPath), "imports") : resolve(cwd, ".data/imports"),
      maxBytes: e.IMPORT_MAX_BYTES,
      allowLoopback: e.IMPORT_FETCH_ALLOW_LOOPBACK,
    },
    webhooks: { allowPrivate: e.WEBHOOKS_ALLOW_PRIVATE ?? false },
    newsletter: { ratePerSecond: e.MAIL_RATE_PER_SECOND },
    // One core serves requests; the others (up to 4) render.
    renderWorkers: e.RENDER_WORKERS ?? Math.min(4, Math.max(1, availableParallelism() - 1)),
  };
}

/** A provider is on only with both halves of its credentials; one half alone is a mistake worth stopping for. */
function pair(e: Record<string, unknown>, idName: string, secretName: string, issues: string[]): OAuthClient | undefined {
  const clientId = e[idName] as string | undefined;
  const clientSecret = e[secretName] as string | undefined;
  if (clientId && clientSecret) return { clientId, clientSecret };
  if (clientId) issues.push(`${secretName}: required with ${idName}`);
  if (clientSecret) issues.push(`${idName}: required with ${secretName}`);
  return undefined;
}

/** The bucket is used only with all five of its settings; some of them alone are a mistake worth stopping for. */
function mediaStorage(e: z.infer<typeof EnvSchema>, issues: string[]): Config["media"]["s3"] {
  const given = MEDIA_S3_SETTINGS.filter((name) => e[name]);
  if (given.length === 0) {
    if (e.MEDIA_PUBLIC_URL)
      issues.push("MEDIA_PUBLIC_URL: only with the MEDIA_S3_* settings (images in MEDIA_DIR are served by Quire itself)");
    return undefined;
  }
  const missing = MEDIA_S3_SETTINGS.filter((name) => !e[name]);
  if (missing.length) {
    for (const name of missing)
      issues.push(`${name}: required with ${given.join(", ")} (an S3 bucket needs all of ${MEDIA_S3_SETTINGS.join(", ")})`);
    return undefined;
  }
  return {
    endpoint: e.MEDIA_S3_ENDPOINT!,
    bucket: e.MEDIA_S3_BUCKET!,
    region: e.MEDIA_S3_REGION!,
    accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID!,
    secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY!,
  };
}

let current: Config | undefined;

/** The process's configuration: the one the start script decided on, or the environment's, parsed on first use. */
export function getConfig(): Config {
  return (current ??= loadConfig());
}

/** Makes `config` the process's configuration (the start script, before anything reads it). */
export function useConfig(config: Config): void {
  current = config;
}

/**
 * The configuration for a server listening on `port` (a fallback the start script chose):
 * unless SITE_URL was given, the site's address follows the port.
 */
export function onPort(config: Config, port: number): Config {
  if (config.siteUrlGiven) return { ...config, port };
  const aliases = new Set(loopbackAliases(config.port));
  const trustedOrigins = [...config.trustedOrigins.filter((o) => !aliases.has(o)), ...loopbackAliases(port)];
  return { ...config, port, siteUrl: `http://localhost:${port}`, trustedOrigins };
}

/**
 * With no SITE_URL the site is a local run at http://localhost:PORT, which people also
 * open as 127.0.0.1 or [::1]: those count as the site's own origins too.
 */
function loopbackAliases(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://[::1]:${port}`];
}
