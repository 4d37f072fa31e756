// npm run bench:mail — one post mailed to 10,000 confirmed subscribers by the built server
// (`npm start`), through a real SMTP server on loopback (smtp-server, in this process).
// Prints the time from the publish to the last accepted mail and its rate (goal ≥ 200
// mails/s), duplicates and missing (goal 0 each), the server's peak RSS, and a cached post
// page's p99 for 2 readers during the send against idle (goal ≤ 2×).
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../../db/client.ts";
import { importSubscribers } from "../../src/server/queries/subscribers.ts";
import { startSmtpSink } from "../unit/smtp-sink.ts";
import { signUp } from "./http-client.ts";
import { rssMiB, startQuire } from "./proc.ts";
import { report } from "./report.ts";

const SUBSCRIBERS = Number(process.env.BENCH_MAIL_SUBSCRIBERS ?? 10_000);
// The rate cap is what keeps readers fast while a send goes out: on 2 cores the sender thread
// reached 485 mails/s with a cap of 1,000, and readers' p99 went to 4.4x idle; at 300 it
// keeps both goals.
const RATE = process.env.MAIL_RATE_PER_SECOND ?? "300";
const READERS = Number(process.env.BENCH_MAIL_READERS ?? 2);

const dir = mkdtempSync(join(tmpdir(), "quire-bench-mail-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function get(base: string, path: string) {
  const url = new URL(path, base);
  const started = performance.now();
  return new Promise<{ status: number; ms: number }>((ok, fail) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname }, (res) => {
      res.resume();
      res.on("end", () => ok({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on("error", fail);
    req.end();
  });
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

const loadAtStart = loadavg()[0]!;
const sink = await startSmtpSink({ keepRaw: false });
const file = join(dir, "bench.db");
const server = await startQuire(`file:${file}`, {
  SMTP_URL: sink.url,
  MAIL_FROM: "Bench <news@bench.test>",
  MAIL_RATE_PER_SECOND: RATE,
  AUTH_RATE_LIMIT: "100000",
});
try {
  const db = await createDb({ url: `file:${file}`, localPath: file });
  const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `reader${i}@bench.test`);
  await importSubscribers(db.write, emails);
  db.close();

  const author = await signUp(server.base, "Ada Admin", `admin.${Date.now().toString(36)}@bench.test`);
  const page = await author.mutate<{ id: string; slug: string }>("post.create", { title: "Read during the send", body: "A *post*." });
  if (!page.ok) throw new Error(page.message);
  // Not mailed: this is the page readers load while the other goes out.
  await author.mutate("post.publish", { id: page.data.id, email: false });
  const path = `/posts/${page.data.slug}`;
  for (let i = 0; i < 200; i++) await get(server.base, path);
  const readWhile = async (going: () => boolean) => {
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: READERS }, async () => {
        while (going()) {
          const r = await get(server.base, path);
          if (r.status !== 200) throw new Error(`the post page answered ${r.status}`);
          latencies.push(r.ms);
        }
      }),
    );
    return latencies;
  };
  const idleUntil = performance.now() + 8_000;
  const idle = await readWhile(() => performance.now() < idleUntil);

  const letter = await author.mutate<{ id: string }>("post.create", {
    title: "The newsletter",
    body: `# A letter\n\n${"A paragraph of the kind a newsletter has, with [a link](/posts/elsewhere). ".repeat(8)}\n\n## More\n\n- one\n- two\n`,
  });
  if (!letter.ok) throw new Error(letter.message);
  const rssBefore = rssMiB(server.pid)!;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid) ?? 0)), 100);
  const started = performance.now();
  let lastAccepted = started;
  const accepted = () => sink.kept.length;
  const published = await author.mutate("post.publish", { id: letter.data.id });
  if (!published.ok) throw new Error(published.message);
  let sending = true;
  const deadline = started + 300_000;
  const [, during] = await Promise.all([
    (async () => {
      let seen = 0;
      while (accepted() < SUBSCRIBERS && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        if (accepted() !== seen) {
          seen = accepted();
          lastAccepted = performance.now();
        }
      }
      // Anything still coming (a duplicate) arrives within a moment.
      await new Promise((r) => setTimeout(r, 2000));
      sending = false;
    })(),
    readWhile(() => sending),
  ]);
  clearInterval(sampler);
  const seconds = (lastAccepted - started) / 1000;
  const counts = sink.countsByRecipient();
  const duplicates = [...counts.values()].filter((n) => n > 1).length;
  const missing = emails.filter((e) => !counts.has(e)).length;
  const rate = SUBSCRIBERS / seconds;
  const idleP99 = percentile(idle, 99);
  const duringP99 = percentile(during, 99);
  report(
    "Newsletter (`npm run bench:mail`)",
    "npm run bench:mail",
    [
      ["subscribers", `${SUBSCRIBERS.toLocaleString("en")} confirmed, one post (MAIL_RATE_PER_SECOND=${RATE})`],
      ["publish to last accepted mail", `${seconds.toFixed(1)} s`],
      ["mails/s", `${rate.toFixed(0)} (goal ≥ 200: ${rate >= 200 ? "met" : "missed"})`],
      ["duplicates", `${duplicates} (goal 0: ${duplicates === 0 ? "met" : "missed"})`],
      ["missing", `${missing} (goal 0: ${missing === 0 ? "met" : "missed"})`],
      ["server RSS before / peak", `${rssBefore.toFixed(0)} / ${peak.toFixed(0)} MiB`],
      [
        `cached post page p99, ${READERS} readers, idle / during the send`,
        `${idleP99.toFixed(1)} / ${duringP99.toFixed(1)} ms = ${(duringP99 / idleP99).toFixed(2)}× (goal ≤ 2×: ${duringP99 <= 2 * idleP99 ? "met" : "missed"})`,
      ],
      ["reads measured idle / during", `${idle.length} / ${during.length}`],
    ],
    [
      "One server process sends: the publish's job fans out one delivery row per subscriber, and the sender claims them in batches under a lease and hands them to a pool of 5 SMTP connections. The SMTP server runs in the bench's own process, on the same cores.",
    ],
    [
      `Load average (1 min) when it started: ${loadAtStart.toFixed(1)}${loadAtStart > 1.5 ? " — other work was running, so the figures are pessimistic" : ""}.`,
    ],
  );
} finally {
  await server.stop();
  await sink.close();
}
