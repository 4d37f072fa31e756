import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { libsqlOptions } from "../../db/client.ts";
import { ConfigError, DEFAULT_DATABASE_URL, loadConfig, onPort } from "../../src/config.ts";

const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "quire-config-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function issuesOf(env: Record<string, string>, cwd = tempDir()): string[] {
  try {
    loadConfig(env, cwd);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe("configuration", () => {
  it("works with no settings at all: local file, port 4321, a secret made once and kept beside the database", () => {
    const cwd = tempDir();
    const config = loadConfig({}, cwd);
    expect(config.database.url).toBe(DEFAULT_DATABASE_URL);
    expect(config.database.localPath).toBe(join(cwd, ".data/quire.db"));
    expect(config.port).toBe(4321);
    expect(config.siteUrl).toBe("http://localhost:4321");
    expect(config.seedDemo).toBe(true);
    const secretFile = join(cwd, ".data/auth-secret");
    expect(readFileSync(secretFile, "utf8").trim()).toBe(config.authSecret);
    expect(statSync(secretFile).mode & 0o077).toBe(0); // readable by its owner only
    expect(loadConfig({}, cwd).authSecret).toBe(config.authSecret);
  });

  it("takes another port as a decision of its own: the site's address and its loopback names follow it unless SITE_URL was set", () => {
    const cwd = tempDir();
    const local = loadConfig({}, cwd);
    expect(local).toMatchObject({ portGiven: false, siteUrlGiven: false });
    expect(local.trustedOrigins).toEqual(["http://127.0.0.1:4321", "http://[::1]:4321"]);
    const moved = onPort(local, 5555);
    expect(moved).toMatchObject({
      port: 5555,
      siteUrl: "http://localhost:5555",
      trustedOrigins: ["http://127.0.0.1:5555", "http://[::1]:5555"],
    });
    const deployed = loadConfig(
      { PORT: "8080", SITE_URL: "https://blog.example.com", AUTH_TRUSTED_ORIGINS: "https://preview.example.com" },
      cwd,
    );
    expect(deployed).toMatchObject({ portGiven: true, siteUrlGiven: true, trustedOrigins: ["https://preview.example.com"] });
    expect(onPort(deployed, 9090)).toMatchObject({
      port: 9090,
      siteUrl: "https://blog.example.com",
      trustedOrigins: ["https://preview.example.com"],
    });
  });

  it("honours every variable", () => {
    const config = loadConfig(
      {
        PORT: "8080",
        HOST: "0.0.0.0",
        SITE_URL: "https://blog.example.com/",
        DATABASE_URL: "libsql://quire-acme.turso.io",
        DATABASE_AUTH_TOKEN: "token",
        BETTER_AUTH_SECRET: "s".repeat(40),
        SEED_DEMO: "false",
        TRUST_PROXY: "true",
        AUTH_RATE_LIMIT: "25",
        RENDER_WORKERS: "3",
      },
      tempDir(),
    );
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      siteUrl: "https://blog.example.com",
      authSecret: "s".repeat(40),
      seedDemo: false,
      trustProxy: true,
      authRateLimit: 25,
      renderWorkers: 3,
      database: { url: "libsql://quire-acme.turso.io", authToken: "token" },
    });
    // Unset: the cores but one, at least one and at most four; 0 renders on the request thread.
    expect(loadConfig({}, tempDir()).renderWorkers).toBe(Math.min(4, Math.max(1, availableParallelism() - 1)));
    expect(loadConfig({ RENDER_WORKERS: "0" }, tempDir()).renderWorkers).toBe(0);
  });

  it("names the variable when a value is missing or bad", () => {
    expect(issuesOf({ PORT: "eighty" })[0]).toMatch(/^PORT:/);
    expect(issuesOf({ PORT: "70000" })[0]).toMatch(/^PORT:/);
    expect(issuesOf({ SITE_URL: "not a url" })[0]).toMatch(/^SITE_URL:/);
    expect(issuesOf({ DATABASE_URL: "postgres://x" })[0]).toMatch(/^DATABASE_URL:/);
    expect(issuesOf({ BETTER_AUTH_SECRET: "short" })[0]).toMatch(/^BETTER_AUTH_SECRET: must be at least 32/);
    expect(issuesOf({ DATABASE_URL: "libsql://quire-acme.turso.io", BETTER_AUTH_SECRET: "s".repeat(40) })[0]).toMatch(
      /^DATABASE_AUTH_TOKEN:/,
    );
    expect(issuesOf({ DATABASE_URL: "libsql://quire-acme.turso.io", DATABASE_AUTH_TOKEN: "t" })[0]).toMatch(
      /^BETTER_AUTH_SECRET: required/,
    );
    expect(issuesOf({ SEED_DEMO: "maybe" })[0]).toMatch(/^SEED_DEMO:/);
    expect(issuesOf({ AUTH_RATE_LIMIT: "0" })[0]).toMatch(/^AUTH_RATE_LIMIT:/);
    expect(issuesOf({ RENDER_WORKERS: "two" })[0]).toMatch(/^RENDER_WORKERS:/);
    expect(issuesOf({ RENDER_WORKERS: "-1" })[0]).toMatch(/^RENDER_WORKERS:/);
  });
});

describe("database client options", () => {
  it("uses one connection for a local file", () => {
    expect(libsqlOptions({ url: "file:.data/quire.db" })).toMatchObject({ url: "file:.data/quire.db", concurrency: 1 });
  });

  it("passes the auth token to Turso", () => {
    const options = libsqlOptions({ url: "libsql://quire-acme.turso.io", authToken: "token" });
    expect(options).toEqual({ url: "libsql://quire-acme.turso.io", authToken: "token" });
  });

  it("builds an embedded replica: a local file synced from Turso", () => {
    const config = loadConfig(
      {
        DATABASE_URL: "file:replica.db",
        DATABASE_SYNC_URL: "libsql://quire-acme.turso.io",
        DATABASE_AUTH_TOKEN: "token",
        DATABASE_SYNC_INTERVAL: "2",
      },
      tempDir(),
    );
    expect(libsqlOptions(config.database)).toMatchObject({
      url: "file:replica.db",
      syncUrl: "libsql://quire-acme.turso.io",
      authToken: "token",
      syncInterval: 2,
    });
    expect(
      issuesOf({
        DATABASE_URL: "libsql://x.turso.io",
        DATABASE_AUTH_TOKEN: "t",
        BETTER_AUTH_SECRET: "s".repeat(40),
        DATABASE_SYNC_URL: "libsql://y.turso.io",
      })[0],
    ).toMatch(/^DATABASE_SYNC_URL:/);
  });
});

describe("sign-in providers and mail", () => {
  const base = { BETTER_AUTH_SECRET: "s".repeat(40), DATABASE_URL: "file::memory:" };

  it("switches each provider on only with both halves of its credentials", () => {
    const none = loadConfig(base, tempDir());
    expect(none.providers).toEqual({ discord: undefined, google: undefined, oidc: undefined });
    const all = loadConfig(
      {
        ...base,
        GOOGLE_CLIENT_ID: "g-id",
        GOOGLE_CLIENT_SECRET: "g-secret",
        DISCORD_CLIENT_ID: "d-id",
        DISCORD_CLIENT_SECRET: "d-secret",
        OIDC_ISSUER: "https://id.example.com/realms/quire/",
        OIDC_CLIENT_ID: "o-id",
        OIDC_CLIENT_SECRET: "o-secret",
        OIDC_NAME: "Acme SSO",
      },
      tempDir(),
    );
    expect(all.providers.google).toEqual({ clientId: "g-id", clientSecret: "g-secret" });
    expect(all.providers.discord).toEqual({ clientId: "d-id", clientSecret: "d-secret" });
    expect(all.providers.oidc).toMatchObject({
      name: "Acme SSO",
      discoveryUrl: "https://id.example.com/realms/quire/.well-known/openid-configuration",
    });
  });

  it("stops on half a provider, naming what is missing", () => {
    expect(issuesOf({ ...base, GOOGLE_CLIENT_ID: "g-id" })).toEqual(["GOOGLE_CLIENT_SECRET: required with GOOGLE_CLIENT_ID"]);
    expect(issuesOf({ ...base, DISCORD_CLIENT_SECRET: "x" })).toEqual(["DISCORD_CLIENT_ID: required with DISCORD_CLIENT_SECRET"]);
    expect(issuesOf({ ...base, OIDC_CLIENT_ID: "o", OIDC_CLIENT_SECRET: "s" })[0]).toMatch(/^OIDC_ISSUER:/);
    expect(issuesOf({ ...base, OIDC_ISSUER: "not a url" })[0]).toMatch(/^OIDC_ISSUER:/);
  });

  it("proxies preview sign-in only with a secret of its own, shared by production and the previews", () => {
    const proxy = { OAUTH_PROXY_PRODUCTION_URL: "https://blog.example.com/", OAUTH_PROXY_SECRET: "p".repeat(40) };
    const config = loadConfig({ ...base, ...proxy }, tempDir());
    expect(config.oauthProxyProductionUrl).toBe("https://blog.example.com");
    expect(config.oauthProxySecret).toBe("p".repeat(40));
    expect(loadConfig(base, tempDir()).oauthProxyProductionUrl).toBeUndefined();
    expect(issuesOf({ ...base, OAUTH_PROXY_PRODUCTION_URL: proxy.OAUTH_PROXY_PRODUCTION_URL })).toEqual([
      "OAUTH_PROXY_SECRET: required with OAUTH_PROXY_PRODUCTION_URL, the same on production and every preview (try: openssl rand -base64 32)",
    ]);
    expect(issuesOf({ ...base, ...proxy, OAUTH_PROXY_SECRET: "short" })[0]).toMatch(/^OAUTH_PROXY_SECRET: must be at least 32/);
    expect(issuesOf({ ...base, OAUTH_PROXY_SECRET: proxy.OAUTH_PROXY_SECRET })).toEqual([
      "OAUTH_PROXY_PRODUCTION_URL: required with OAUTH_PROXY_SECRET",
    ]);
    expect(issuesOf({ ...base, ...proxy, OAUTH_PROXY_SECRET: base.BETTER_AUTH_SECRET })).toEqual([
      "OAUTH_PROXY_SECRET: must differ from BETTER_AUTH_SECRET (previews hold it)",
    ]);
  });

  it("sends mail over SMTP when configured, by URL or in parts, and otherwise keeps it in the outbox", () => {
    expect(loadConfig(base, tempDir()).mail).toEqual({ from: "Quire <no-reply@localhost>", smtp: undefined });
    expect(
      loadConfig({ ...base, SMTP_URL: "smtps://u:p@mail.example.com:465", MAIL_FROM: "Blog <b@example.com>" }, tempDir()).mail,
    ).toEqual({
      from: "Blog <b@example.com>",
      smtp: "smtps://u:p@mail.example.com:465",
    });
    expect(loadConfig({ ...base, SMTP_HOST: "mail.example.com", SMTP_USER: "u", SMTP_PASS: "p" }, tempDir()).mail.smtp).toEqual({
      host: "mail.example.com",
      port: 587,
      secure: false,
      auth: { user: "u", pass: "p" },
    });
    expect(issuesOf({ ...base, SMTP_HOST: "mail.example.com", SMTP_USER: "u" })[0]).toMatch(/^SMTP_PASS:/);
    expect(issuesOf({ ...base, SMTP_URL: "https://mail.example.com" })[0]).toMatch(/^SMTP_URL:/);
  });

  it("keeps images beside the local database by default, or in MEDIA_DIR, with limits on what an upload may be", () => {
    const cwd = tempDir();
    expect(loadConfig({}, cwd).media).toEqual({
      dir: join(cwd, ".data/media"),
      maxBytes: 20 * 1024 * 1024,
      maxPixels: 50_000_000,
      s3: undefined,
      publicUrl: undefined,
    });
    expect(loadConfig({ ...base, DATABASE_URL: "file:site/blog.db" }, cwd).media.dir).toBe(join(cwd, "site/media"));
    expect(loadConfig({ ...base, DATABASE_URL: "file::memory:" }, cwd).media.dir).toBe(join(cwd, ".data/media"));
    expect(
      loadConfig({ ...base, MEDIA_DIR: "/srv/quire-media", MEDIA_MAX_BYTES: "1000", MEDIA_MAX_PIXELS: "2000" }, cwd).media,
    ).toMatchObject({
      dir: "/srv/quire-media",
      maxBytes: 1000,
      maxPixels: 2000,
    });
    expect(issuesOf({ ...base, MEDIA_MAX_BYTES: "0" })[0]).toMatch(/^MEDIA_MAX_BYTES:/);
    expect(issuesOf({ ...base, MEDIA_MAX_PIXELS: "lots" })[0]).toMatch(/^MEDIA_MAX_PIXELS:/);
  });

  it("puts images in an S3 bucket only with all five MEDIA_S3_* settings, naming each one missing", () => {
    const s3 = {
      MEDIA_S3_ENDPOINT: "https://account.r2.cloudflarestorage.com",
      MEDIA_S3_BUCKET: "media",
      MEDIA_S3_REGION: "auto",
      MEDIA_S3_ACCESS_KEY_ID: "key",
      MEDIA_S3_SECRET_ACCESS_KEY: "secret",
    };
    expect(loadConfig({ ...base, ...s3, MEDIA_PUBLIC_URL: "https://media.example.com/" }, tempDir()).media).toMatchObject({
      s3: { endpoint: s3.MEDIA_S3_ENDPOINT, bucket: "media", region: "auto", accessKeyId: "key", secretAccessKey: "secret" },
      publicUrl: "https://media.example.com",
    });
    expect(issuesOf({ ...base, MEDIA_S3_BUCKET: "media", MEDIA_S3_REGION: "auto" })).toEqual(
      ["MEDIA_S3_ENDPOINT", "MEDIA_S3_ACCESS_KEY_ID", "MEDIA_S3_SECRET_ACCESS_KEY"].map(
        (name) =>
          `${name}: required with MEDIA_S3_BUCKET, MEDIA_S3_REGION (an S3 bucket needs all of MEDIA_S3_ENDPOINT, MEDIA_S3_BUCKET, MEDIA_S3_REGION, MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY)`,
      ),
    );
    expect(issuesOf({ ...base, ...s3, MEDIA_S3_ENDPOINT: "ftp://files.example.com" })[0]).toMatch(/^MEDIA_S3_ENDPOINT:/);
    expect(issuesOf({ ...base, MEDIA_PUBLIC_URL: "https://media.example.com" })).toEqual([
      "MEDIA_PUBLIC_URL: only with the MEDIA_S3_* settings (images in MEDIA_DIR are served by Quire itself)",
    ]);
  });
});

describe("demo seed", () => {
  it("fills an empty database once: an admin author, tagged published posts and an About page with their first revisions", async () => {
    const { createBackend } = await import("./harness.ts");
    const { seedDemo, DEMO_AUTHOR } = await import("../../db/seed.ts");
    const b = await createBackend();
    try {
      expect(await seedDemo(b.db, b.auth)).toBe(true);
      expect(await seedDemo(b.db, b.auth)).toBe(false);
      const anon = await b.anonymous();
      const { items } = await anon.post.list();
      expect(items).toHaveLength(3);
      expect(items.every((p) => p.tags.length > 0 && p.author.name === DEMO_AUTHOR.name)).toBe(true);
      // And an About page, at /about, in no list.
      expect(await anon.page.bySlug({ slug: "about" })).toMatchObject({ kind: "page", title: "About", status: "published" });
      const signIn = await b.auth.api.signInEmail({
        body: { email: DEMO_AUTHOR.email, password: DEMO_AUTHOR.password },
        asResponse: true,
      });
      const cookie = signIn.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const demo = await b.callerWithCookie(cookie);
      expect((await demo.user.me()).role).toBe("admin");
      const mine = await demo.post.mine();
      expect(await demo.post.revisions({ id: mine[0]!.id })).toHaveLength(1);
      const [about] = await demo.page.all();
      expect(await demo.post.revisions({ id: about!.id })).toHaveLength(1);
    } finally {
      b.close();
    }
  });
});
