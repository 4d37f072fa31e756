// Faults: the server killed mid-write, stopped with SIGTERM mid-request, and a database
// another process keeps locked. Each test runs Quire processes of its own (the built
// site, production mode) on a fresh database file, so it can kill them.
import { spawn } from "node:child_process";
import { request as http } from "node:http";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import { expect, test, type APIRequestContext } from "@playwright/test";
import superjson from "superjson";
import { apiAuthor, apiSignUp, PASSWORD, trpcMutation } from "./helpers.ts";
import { startQuire, type QuireProcess } from "./servers/quire.ts";
import { freePort } from "../../scripts/free-port.js";

test.skip(!!process.env.E2E_BASE_URL, "kills and locks servers of its own, which a deployed site does not allow");

type Post = { id: string; slug: string; title: string };
type Comment = { id: string; body: string };

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A fresh folder and database file for one test's servers; removed after it. */
function freshDatabase() {
  const dir = mkdtempSync(join(tmpdir(), "quire-faults-"));
  return { dbFile: join(dir, "faults.db"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What another program sees in the file: SQLite's own verdict, and a query. */
function inspect<T>(dbFile: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(dbFile, { timeout: 5000 });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
const integrity = (db: DatabaseSync) =>
  db
    .prepare("PRAGMA integrity_check")
    .all()
    .map((r) => r.integrity_check);

/** The first account on a fresh database is its admin: it publishes one post to write on. */
async function publishedPost(api: APIRequestContext, origin: string): Promise<Post> {
  await apiAuthor(api, origin, "Faye Faults");
  return publish(api, origin, `Under fire ${unique()}`);
}

/** A post published by the author signed in on `api`, through `origin`. */
async function publish(api: APIRequestContext, origin: string, title: string): Promise<Post> {
  const call = async (path: string, input: unknown) => {
    const response = await trpcMutation(api, origin, path, input);
    expect(response.status(), await response.text()).toBe(200);
    return superjson.deserialize<Post>((await response.json()).result.data);
  };
  const draft = await call("post.create", { title, body: "Still *standing*." });
  return { ...(await call("post.publish", { id: draft.id })), title };
}

test("SIGKILL in the middle of sustained writes loses no acknowledged write and the site comes back", async ({ playwright }) => {
  test.setTimeout(90_000);
  const { dbFile, remove } = freshDatabase();
  const servers: QuireProcess[] = [];
  const contexts: APIRequestContext[] = [];
  try {
    const first = await startQuire({ dbFile });
    servers.push(first);
    const api = await playwright.request.newContext();
    contexts.push(api);
    const post = await publishedPost(api, first.url);

    // Several signed-in readers comment as fast as the server answers, each on its own connection.
    const writers = await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        const context = await playwright.request.newContext();
        contexts.push(context);
        await apiSignUp(context, first.url, `Writer${w} Faults`);
        return context;
      }),
    );
    const acknowledged: Comment[] = [];
    let killed = false;
    const loops = writers.map(async (context, w) => {
      for (let n = 0; !killed; n++) {
        const body = `writer ${w} comment ${n} ${unique()}`;
        try {
          const response = await trpcMutation(context, first.url, "comment.create", { postId: post.id, body }, { timeout: 15_000 });
          if (response.status() !== 200) throw new Error(`comment.create answered ${response.status()}: ${await response.text()}`);
          const comment = superjson.deserialize<Comment>((await response.json()).result.data);
          acknowledged.push({ id: comment.id, body });
        } catch (e) {
          // Once the server is killed, requests in flight fail: those were never acknowledged.
          if (killed) return;
          throw e;
        }
      }
    });
    // Kill it while the writers are busy, well into the run.
    await expect.poll(() => acknowledged.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(60);
    killed = true;
    expect(await first.kill()).toBeNull();
    await Promise.all(loops);
    const before = acknowledged.length;

    // A new process on the same file, as a supervisor would restart it.
    const second = await startQuire({ dbFile });
    servers.push(second);
    expect(inspect(dbFile, integrity)).toEqual(["ok"]);
    const stored = new Set(
      inspect(dbFile, (db) =>
        db
          .prepare("SELECT id FROM comment")
          .all()
          .map((r) => String(r.id)),
      ),
    );
    const lost = acknowledged.filter((c) => !stored.has(c.id));
    expect(lost, `${lost.length} of ${before} acknowledged comments are missing`).toEqual([]);

    // The site serves as before: home page, the post with its comments, and a new write.
    const reader = await playwright.request.newContext({ baseURL: second.url });
    contexts.push(reader);
    const home = await reader.get("/");
    expect(home.status()).toBe(200);
    expect(await home.text()).toContain(post.title);
    const page = await reader.get(`/posts/${post.slug}`);
    expect(page.status()).toBe(200);
    expect(await page.text()).toContain(acknowledged[0]!.body);
    // New writes: a comment from a writer whose session survived the kill, and a post.
    const after = `after the restart ${unique()}`;
    const created = await trpcMutation(writers[0]!, second.url, "comment.create", { postId: post.id, body: after });
    expect(created.status(), await created.text()).toBe(200);
    const { id } = superjson.deserialize<Comment>((await created.json()).result.data);
    expect(inspect(dbFile, (db) => db.prepare("SELECT body FROM comment WHERE id = ?").get(id)?.body)).toBe(after);
    const next = await publish(api, second.url, `After the restart ${unique()}`);
    expect(await (await reader.get("/")).text()).toContain(next.title);
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
    const codes = await Promise.all(servers.map((s) => s.stop()));
    remove();
    // The restarted server still stops cleanly.
    if (codes.length === 2) expect(codes[1]).toBe(0);
  }
});

test("SIGTERM lets the request in flight finish, refuses new connections, and closes the database cleanly", async ({ playwright }) => {
  const { dbFile, remove } = freshDatabase();
  let server: QuireProcess | undefined;
  try {
    server = await startQuire({ dbFile });
    const origin = server.url;
    const api = await playwright.request.newContext();
    await apiAuthor(api, origin, "Terry Term");
    const { cookies } = await api.storageState();
    await api.dispose();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");

    // A post created by a request whose body is still arriving when the signal comes.
    const title = `Finished after SIGTERM ${unique()}`;
    const body = JSON.stringify(superjson.serialize({ title, body: "Saved *anyway*." }));
    const inFlight = http(`${origin}/api/trpc/post.create`, {
      method: "POST",
      headers: { origin, cookie, "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
    });
    const answered = new Promise<{ status: number; text: string }>((ok, fail) => {
      inFlight.once("response", (res) => {
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => (text += c))
          .once("end", () => ok({ status: res.statusCode!, text }));
      });
      inFlight.once("error", fail);
    });
    // "100 Continue" comes back once the server has read the request's head: it is in flight.
    await new Promise<void>((ok) => inFlight.once("continue", ok));
    const half = Math.floor(body.length / 2);
    inFlight.write(body.slice(0, half));

    const exited = server.stop();
    await server.printed("SIGTERM: finishing requests in flight");
    // No new connections from now on.
    await expect(fetch(`${origin}/`)).rejects.toThrow();

    inFlight.end(body.slice(half));
    const response = await answered;
    expect(response.status, response.text).toBe(200);
    expect(response.text).toContain(title);
    expect(await exited).toBe(0);

    // Closed cleanly: the write-ahead log was folded into the file and removed (or emptied).
    const wal = `${dbFile}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    expect(inspect(dbFile, integrity)).toEqual(["ok"]);
    expect(inspect(dbFile, (db) => db.prepare("SELECT count(*) AS n FROM post WHERE title = ?").get(title)?.n)).toBe(1);
  } finally {
    await server?.stop();
    remove();
  }
});

test("a database locked by another process answers writes with 503 and a reason, and recovers when released", async ({ playwright }) => {
  const { dbFile, remove } = freshDatabase();
  let server: QuireProcess | undefined;
  let lock: DatabaseSync | undefined;
  try {
    server = await startQuire({ dbFile });
    const origin = server.url;
    const api = await playwright.request.newContext();
    const post = await publishedPost(api, origin);
    const reader = await playwright.request.newContext({ baseURL: origin });
    expect((await reader.get("/")).status()).toBe(200);
    const person = await playwright.request.newContext();
    const { email } = await apiSignUp(person, origin, "Lou Locked");

    // Another program (a backup, a migration, a stuck script) takes the write lock and keeps it.
    lock = new DatabaseSync(dbFile, { timeout: 5000 });
    lock.exec("BEGIN EXCLUSIVE");

    // A write waits the busy timeout, then is told why it failed: no hang, no 500, no stack.
    const body = `while locked ${unique()}`;
    const refused = await trpcMutation(api, origin, "comment.create", { postId: post.id, body }, { timeout: 15_000 });
    expect(refused.status()).toBe(503);
    expect(refused.headers()["retry-after"]).toMatch(/^\d+$/);
    const error = (await refused.json()).error.json;
    expect(error.message).toBe("The database is busy; try again in a moment.");
    expect(error.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(JSON.stringify(error)).not.toMatch(/insert into|SQLITE|\bat \w+ \(/i);

    // Signing in writes a session: refused the same way, in the shape the sign-in form reads.
    const signIn = await person.post(`${origin}/api/auth/sign-in/email`, {
      headers: { origin },
      data: { email, password: PASSWORD },
      timeout: 15_000,
    });
    expect(signIn.status()).toBe(503);
    expect(await signIn.json()).toEqual({ code: "SERVICE_UNAVAILABLE", message: "The database is busy; try again in a moment." });

    // Readers are not blocked by a writer's lock (WAL): a page that misses the cache renders.
    const miss = await reader.get(`/posts/${post.slug}?fresh=${unique()}`, { timeout: 15_000 });
    expect(miss.status()).toBe(200);
    expect(miss.headers()["x-astro-cache"]).toBe("MISS");
    expect(await miss.text()).toContain(post.title);

    lock.exec("ROLLBACK");
    lock.close();
    lock = undefined;

    // Back to normal: the same write succeeds and shows on the post's page.
    const accepted = await trpcMutation(api, origin, "comment.create", { postId: post.id, body });
    expect(accepted.status(), await accepted.text()).toBe(200);
    const page = await reader.get(`/posts/${post.slug}`);
    expect(page.status()).toBe(200);
    expect(await page.text()).toContain(body);
    const again = await person.post(`${origin}/api/auth/sign-in/email`, { headers: { origin }, data: { email, password: PASSWORD } });
    expect(again.status(), await again.text()).toBe(200);
    await Promise.all([api.dispose(), reader.dispose(), person.dispose()]);
  } finally {
    lock?.close();
    expect(await server?.stop()).toBe(0);
    remove();
  }
});

const OUTAGE = fileURLToPath(new URL("./servers/outage.ts", import.meta.url));
const START = fileURLToPath(new URL("../../scripts/start.js", import.meta.url));

test("a remote database that goes away gives pages and the API a 503 with a reason, and the site recovers when it is back", async ({
  playwright,
}) => {
  const { dbFile, remove } = freshDatabase();
  let server: QuireProcess | undefined;
  try {
    server = await startQuire({ dbFile, script: OUTAGE });
    const origin = server.url;
    const api = await playwright.request.newContext();
    const post = await publishedPost(api, origin);
    const reader = await playwright.request.newContext({ baseURL: origin });
    expect((await reader.get("/")).status()).toBe(200); // now cached

    server.signal("SIGUSR2");
    await server.printed("Database unreachable.");

    // A page that must be rendered: a readable page saying what happened, kept by no cache.
    const page = await reader.get(`/posts/${post.slug}`, { timeout: 15_000 });
    expect(page.status()).toBe(503);
    expect(page.headers()["content-type"]).toMatch(/^text\/html/);
    expect(page.headers()["cache-control"]).toBe("no-store");
    expect(page.headers()["retry-after"]).toMatch(/^\d+$/);
    const html = await page.text();
    expect(html).toContain("The database cannot be reached right now; try again in a moment.");
    expect(html).not.toMatch(/ECONNREFUSED|fetch failed|select |\.ts:\d+|\bat \S+ \(/);
    // A page already in the cache is still served.
    const cached = await reader.get("/");
    expect(cached.status()).toBe(200);
    expect(await cached.text()).toContain(post.title);
    // The API: JSON with the reason, for a signed-in mutation and for a query.
    const refused = await trpcMutation(api, origin, "comment.create", { postId: post.id, body: "Anyone there?" }, { timeout: 15_000 });
    expect(refused.status()).toBe(503);
    expect((await refused.json()).error.json.message).toBe("The database cannot be reached right now; try again in a moment.");

    server.signal("SIGUSR2");
    await server.printed("Database back.");

    // The 503 was not kept: the page renders, and writes go through again.
    const back = await reader.get(`/posts/${post.slug}`);
    expect(back.status()).toBe(200);
    expect(await back.text()).toContain(post.title);
    const accepted = await trpcMutation(api, origin, "comment.create", { postId: post.id, body: "Back again." });
    expect(accepted.status(), await accepted.text()).toBe(200);
    await Promise.all([api.dispose(), reader.dispose()]);
  } finally {
    expect(await server?.stop()).toBe(0);
    remove();
  }
});

test("a database that cannot be reached at start stops the server with a message, not a stack trace", async () => {
  const url = `libsql://127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [START, "--no-build"], {
    env: {
      ...process.env,
      PORT: String(await freePort()),
      DATABASE_URL: url,
      BETTER_AUTH_SECRET: "faults-spec-secret-faults-spec-secret-0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c));
  child.stderr.on("data", (c: Buffer) => (output += c));
  const code = await new Promise<number | null>((ok) => child.once("exit", ok));
  expect(code, output).toBe(1);
  expect(output).toContain(`Quire cannot start: its database (${url}) cannot be reached or opened.`);
  expect(output).toContain("ECONNREFUSED");
  expect(output).not.toMatch(/\n\s+at \S+/);
});
