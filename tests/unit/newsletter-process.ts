// A server process's newsletter sender, alone, for the crash tests: it sends what is due on
// the database file in QUIRE_NEWS_DB through the SMTP server at SMTP_URL until it is killed.
import { createDb } from "../../db/client.ts";
import { loadConfig } from "../../src/config.ts";
import { createSender } from "../../src/jobs/deliveries.ts";

const file = process.env.QUIRE_NEWS_DB!;
const config = loadConfig({
  NODE_ENV: "test",
  DATABASE_URL: `file:${file}`,
  BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
  SITE_URL: "http://quire.test",
  SMTP_URL: process.env.SMTP_URL,
  MAIL_FROM: "Quire News <news@quire.test>",
  MAIL_RATE_PER_SECOND: process.env.MAIL_RATE_PER_SECOND ?? "1000",
});
const db = await createDb(config.database);
const sender = createSender({
  db,
  config,
  owner: process.env.QUIRE_NEWS_OWNER,
  leaseMs: Number(process.env.QUIRE_NEWS_LEASE_MS ?? 1500),
  pollMs: 20,
});
sender.start();
console.log("ready");
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void sender.stop().then(() => process.exit(0)));
