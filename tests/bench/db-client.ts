// npm run bench:db — what one statement costs through @libsql/client's local client and
// through Quire's (db/local-client.ts, statements kept prepared), on the scale database, for
// the statements every signed-in comment write sends. CPU time per call, in-process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { createClient, type Client, type InStatement } from "@libsql/client";
import { LocalClient } from "../../db/local-client.ts";
import { FULL, seedScale } from "./scale-seed.ts";

const dir = mkdtempSync(join(tmpdir(), "quire-db-client-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, "scale.db");
await seedScale(`file:${path}`);

const pick = (n: number) => 1 + Math.floor(Math.random() * n);
const statements: [string, () => InStatement][] = [
  [
    "session and user by token (20 columns)",
    () => ({ sql: "select s.*, u.* from session s join user u on u.id = s.user_id where s.token = ? limit 1", args: ["bench-token"] }),
  ],
  [
    "public post by id",
    () => ({
      sql: "select id from post where id = ? and +status in ('published', 'scheduled') and published_at <= ? limit 1",
      args: [`p${pick(FULL.posts)}`, Date.now()],
    }),
  ],
  [
    "comment insert",
    () => ({
      sql: "insert into comment (id, post_id, author_id, parent_id, body, html, status, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
      args: [
        randomUUID(),
        `p${pick(FULL.posts)}`,
        `u${pick(FULL.people)}`,
        null,
        "A comment: *agreed*.",
        "<p>A comment: <em>agreed</em>.</p>",
        "visible",
        Date.now(),
      ],
    }),
  ],
];

async function measure(client: Client, make: () => InStatement, n: number): Promise<number> {
  for (let i = 0; i < 200; i++) await client.execute(make());
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await client.execute(make());
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / n;
}

const theirs = createClient({ url: `file:${path}`, concurrency: 1 });
const ours = new LocalClient({ path });
for (const client of [theirs, ours]) {
  await client.execute("pragma journal_mode = wal");
  await client.execute("pragma synchronous = normal");
}
await ours.execute({
  sql: "insert into session (id, token, user_id, expires_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?)",
  args: ["bench-session", "bench-token", "u1", Date.now() + 86_400_000, Date.now(), Date.now()],
});

const rows: string[] = [];
for (const [name, make] of statements) {
  const before = await measure(theirs, make, 5000);
  const after = await measure(ours, make, 5000);
  rows.push(
    `${name.padEnd(40)} @libsql/client ${before.toFixed(1).padStart(6)} µs   Quire's client ${after.toFixed(1).padStart(6)} µs   (${(before / after).toFixed(1)}×)`,
  );
}
theirs.close();
ours.close();
console.log(
  `CPU per statement, ${FULL.posts.toLocaleString("en")} posts and ${FULL.comments.toLocaleString("en")} comments:\n${rows.join("\n")}`,
);
