// The server the end-to-end suite starts: the built site, production mode, a fresh
// database in a temporary folder that is removed on exit (with E2E_DATABASE_FILE it serves
// that database file instead and leaves it in place, so a test can run several servers on
// one database), and the counterparts a real site talks to: an OpenID Connect provider and
// an SMTP server, each on a free loopback port and started before the server reads its
// configuration. With E2E_OIDC_ISSUER it uses that provider instead of starting one, so a
// spec can put several servers in front of one provider (a preview and its production).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startIdentityProvider } from "../tests/e2e/servers/identity-provider.ts";
import { startMailServer } from "../tests/e2e/servers/mail-server.ts";

const shared = process.env.E2E_DATABASE_FILE;
const dir = shared ? undefined : mkdtempSync(join(tmpdir(), "quire-e2e-"));
const port = process.env.PORT ?? "0";
const provider = process.env.E2E_OIDC_ISSUER ? { issuer: process.env.E2E_OIDC_ISSUER } : await startIdentityProvider();
// The suite reads received mail from E2E_MAIL_DIR (playwright.config.ts makes it).
const mail = await startMailServer(process.env.E2E_MAIL_DIR ?? join(dir ?? mkdtempSync(join(tmpdir(), "quire-e2e-mail-")), "mail"));
Object.assign(process.env, {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  DATABASE_URL: `file:${shared ?? join(dir!, "e2e.db")}`,
  SITE_URL: process.env.SITE_URL ?? `http://127.0.0.1:${port}`,
  SEED_DEMO: "false",
  // Every test signs up from 127.0.0.1: one client, as far as the limiter can tell.
  AUTH_RATE_LIMIT: process.env.AUTH_RATE_LIMIT ?? "1000",
  OIDC_ISSUER: provider.issuer,
  OIDC_CLIENT_ID: "quire-e2e",
  OIDC_CLIENT_SECRET: "quire-e2e-secret",
  OIDC_NAME: "Mock ID",
  SMTP_URL: mail.url,
  MAIL_FROM: "Quire <no-reply@quire.test>",
});
if (dir) process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

// Until start.js is serving, a signal just exits (removing the folder); from then on
// start.js stops gracefully and exits itself.
const early = () => process.exit(0);
process.on("SIGINT", early).on("SIGTERM", early);
process.argv.push("--no-build");
await import("./start.js");
process.off("SIGINT", early).off("SIGTERM", early);
