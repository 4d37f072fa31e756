// The one reader of process.env. Parsed once with zod; a missing or bad value stops
// the process with a message that names the variable.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
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
  BETTER_AUTH_SECRET: optionalString.pipe(
    z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)").optional(),
  ),
  SEED_DEMO: booleanFlag,
  TRUST_PROXY: booleanFlag,
  FEED_CONTENT: z.enum(["full", "excerpt"]).default("full"),
  SITE_TITLE: z.string().trim().min(1).max(80).default("Quire"),
  SITE_DESCRIPTION: z.string().trim().min(1).max(300).default("Writing worth reading, published with Quire."),
  AUTH_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  LOG_LEVEL: z.enum(["silent", "error", "info", "debug"]).default("info"),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  siteUrl: string;
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
  /** Trust X-Forwarded-For from a reverse proxy for the client address. */
  trustProxy: boolean;
  /** Whether feeds carry each post's full HTML or only its excerpt. */
  feedContent: "full" | "excerpt";
  siteTitle: string;
  siteDescription: string;
  /** Sign-in and sign-up attempts a client may make per minute. */
  authRateLimit: number;
  logLevel: "silent" | "error" | "info" | "debug";
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
    throw new ConfigError([
      "BETTER_AUTH_SECRET: required when DATABASE_URL is not a local file (try: openssl rand -base64 32)",
    ]);
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
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const url = e.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const localPath = localFilePath(url, cwd);
  if (url.startsWith("libsql:") && !e.DATABASE_AUTH_TOKEN && !url.includes("127.0.0.1") && !url.includes("localhost")) {
    throw new ConfigError(["DATABASE_AUTH_TOKEN: required for a remote libsql:// DATABASE_URL (Turso)"]);
  }
  if (e.DATABASE_SYNC_URL && !localPath) {
    throw new ConfigError([
      "DATABASE_SYNC_URL: an embedded replica needs DATABASE_URL to be a local file: URL",
    ]);
  }
  const siteUrl = (e.SITE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    siteUrl,
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
    logLevel: e.LOG_LEVEL,
  };
}

let cached: Config | undefined;
/** The process's configuration, parsed on first use. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}
