// A site with newsletters for the tests: the real backend and HTTP server on port 0, a real
// SMTP server, the job runner with the newsletter's jobs, and a sender with quick retries.
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { inArray } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { Delivery } from "../../db/schema.ts";
import { createServer, type QuireServer } from "../../src/http/server.ts";
import { createSender, type Sender } from "../../src/jobs/deliveries.ts";
import { newsletterJobs } from "../../src/jobs/newsletter.ts";
import { createJobRunner, type JobRunner } from "../../src/jobs/queue.ts";
import { createMailer } from "../../src/server/mail.ts";
import { getRuntime } from "../../src/runtime.ts";
import { createBackend, type Backend } from "./harness.ts";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.ts";

export const SITE = "http://quire.test";

export interface NewsletterSite {
  b: Backend;
  sink: SmtpSink;
  base: string;
  runner: JobRunner;
  sender: Sender;
  /** A request to the server as a browser on the site's own pages would send it (unless `headers` say otherwise). */
  send(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Response>;
  /** The site's address in a mail, made into the test server's. */
  local(url: string): string;
  /** Runs due jobs and sends due mail until nothing more is waiting. */
  settle(): Promise<void>;
  subscribe(email: string, tags?: string[]): Promise<Response>;
  /** Subscribes, follows the link in the confirmation mail, and answers where that led. */
  subscribeConfirmed(email: string, tags?: string[]): Promise<void>;
  close(): Promise<void>;
}

const astro: RequestListener = (_req, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<p>a page</p>");
};

export async function newsletterSite(env: Record<string, string> = {}): Promise<NewsletterSite> {
  const sink = await startSmtpSink();
  const b = await createBackend({
    env: { SMTP_URL: sink.url, MAIL_FROM: "Quire News <news@quire.test>", AUTH_RATE_LIMIT: "1000", ...env },
  });
  b.mount();
  const runtime = await getRuntime();
  const quire: QuireServer = createServer(runtime, astro);
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
  const sender = createSender({ db: b.db, config: b.config, backoffMs: () => 30, pollMs: 60_000, onError: () => {} });
  const runner = createJobRunner({
    db: b.db,
    // Sending waits for settle(), so a test can act between the fan-out and the first mail.
    handlers: newsletterJobs({
      db: b.db,
      config: b.config,
      mailer: createMailer(b.config, b.db.db),
      sender: { ...sender, wake: () => {} },
    }),
    onError: () => {},
  });

  const site: NewsletterSite = {
    b,
    sink,
    base,
    runner,
    sender,
    send: (method, path, body, headers = {}) =>
      fetch(`${base}${path}`, {
        method,
        body,
        redirect: "manual",
        headers: { origin: SITE, "content-type": "application/x-www-form-urlencoded", ...headers },
      }),
    local: (url) => url.replace(SITE, base),
    async settle() {
      for (let round = 0; round < 500; round++) {
        while (await runner.runOnce());
        await sender.drain();
        const waiting = await b.db.db
          .select({ id: Delivery.id })
          .from(Delivery)
          .where(inArray(Delivery.status, ["queued", "sending"]))
          .limit(1);
        if (waiting.length === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error("Deliveries were still waiting after 500 rounds");
    },
    subscribe(email, tags = []) {
      const form = new URLSearchParams({ email });
      for (const tag of tags) form.append("tag", tag);
      return site.send("POST", "/api/newsletter/subscribe", form.toString());
    },
    async subscribeConfirmed(email, tags) {
      const before = sink.kept.length;
      const answer = await site.subscribe(email, tags);
      if (answer.status !== 303) throw new Error(`subscribe answered ${answer.status}`);
      await site.settle();
      const [mail] = await Promise.all(
        sink.kept
          .slice(before)
          .filter((k) => k.to === email)
          .map((k) => simpleParser(k.raw)),
      );
      const link = /https?:\/\/\S+\/api\/newsletter\/confirm\?\S+/.exec(mail?.text ?? "")?.[0];
      if (!link) throw new Error(`no confirmation link mailed to ${email}`);
      const confirmed = await site.send("GET", site.local(link).replace(base, ""));
      if (confirmed.headers.get("location") !== "/newsletter/confirmed") throw new Error(`confirming answered ${confirmed.status}`);
    },
    async close() {
      await runner.stop();
      await sender.stop();
      await quire.stop(1000);
      await sink.close();
      b.close();
    },
  };
  return site;
}
