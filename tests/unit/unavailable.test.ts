// A database out of reach (a remote libSQL URL where nothing listens: Turso or sqld gone)
// is a 503 that says so, from the API and from pages, never a 500, a 404 or a hang.
// A local file locked by another process is proved end to end in tests/e2e/faults.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIContext } from "astro";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import superjson from "superjson";
import * as schema from "../../db/schema.ts";
import type { Database, Db } from "../../db/client.ts";
import { databaseUnavailable } from "../../db/unavailable.ts";
import { freePort } from "../../scripts/free-port.js";
import { ALL as authRoute } from "../../src/pages/api/auth/[...all].ts";
import { ALL as trpcRoute } from "../../src/pages/api/trpc/[trpc].ts";
import { homePage, postPage, tagPage } from "../../src/server/reader.ts";
import { createCaller } from "../../src/server/root.ts";
import { createTRPCContext } from "../../src/server/trpc.ts";
import { UNAVAILABLE_MESSAGES, unavailableResponse } from "../../src/http/unavailable.ts";
import { createBackend, type Backend } from "./harness.ts";

const SITE = "http://quire.test";
const UNREACHABLE = UNAVAILABLE_MESSAGES.unreachable;

let b: Backend;
let gone: Db;
let cookie: string;

/**
 * The real libSQL client for a remote database on a port where nothing listens. Built
 * here rather than by createDb, which would fail at its first PRAGMA: the server met this
 * database while it was up.
 */
async function unreachableDb(): Promise<Db> {
  const client = createClient({ url: `libsql://127.0.0.1:${await freePort()}` });
  const db = drizzle(client, { schema }) as Database;
  return { db, client, write: (fn) => fn(db), close: () => client.close() };
}

const context = (request: Request) =>
  ({ request, clientAddress: "192.0.2.60", cache: { enabled: false, invalidate: async () => {} } }) as unknown as APIContext;

beforeAll(async () => {
  b = await createBackend();
  ({ cookie } = await b.signUp("Una Unreachable"));
  gone = await unreachableDb();
  b.mount(gone);
});
afterAll(() => {
  gone.close();
  b.close();
});

async function expectUnavailable(response: Response) {
  const text = await response.text();
  expect(response.status, text).toBe(503);
  expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  const error = JSON.parse(text).error.json;
  expect(error.message).toBe(UNREACHABLE);
  expect(error.data.code).toBe("SERVICE_UNAVAILABLE");
  // Nothing about the query, the driver or the code leaves the server.
  expect(text).not.toMatch(/select|insert|ECONNREFUSED|fetch failed|\bat \S+ \(|\.ts:\d+/i);
}

describe("a remote database that cannot be reached", () => {
  it("answers a query over HTTP with 503 and a reason", async () => {
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ limit: 5 })));
    await expectUnavailable(await trpcRoute(context(new Request(`${SITE}/api/trpc/post.list?input=${input}`))));
  });

  it("answers a signed-in mutation with 503, not 'Sign in first', when the session cannot be read", async () => {
    const request = new Request(`${SITE}/api/trpc/comment.create`, {
      method: "POST",
      headers: { cookie, origin: SITE, "content-type": "application/json" },
      body: JSON.stringify(superjson.serialize({ postId: "00000000-0000-4000-8000-000000000000", body: "Hello?" })),
    });
    await expectUnavailable(await trpcRoute(context(request)));
  });

  it("turns better-auth's own 500 into a 503 its client shows: the session lookup", async () => {
    const response = await authRoute(context(new Request(`${SITE}/api/auth/get-session`, { headers: { cookie } })));
    const text = await response.text();
    expect(response.status, text).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(JSON.parse(text)).toEqual({ code: "SERVICE_UNAVAILABLE", message: UNREACHABLE });
  });

  it("gives the pages' callers a SERVICE_UNAVAILABLE error", async () => {
    const caller = createCaller(
      await createTRPCContext({ headers: new Headers(), db: gone, auth: b.auth, purge: async () => {}, anonymous: true, log: () => {} }),
    );
    await expect(caller.post.list({ limit: 5 })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE", message: UNREACHABLE });
  });

  it("makes reader pages fail with 503 instead of passing for 'not found' or an empty list", async () => {
    const api = createCaller(
      await createTRPCContext({ headers: new Headers(), db: gone, auth: b.auth, purge: async () => {}, anonymous: true, log: () => {} }),
    );
    for (const render of [() => homePage(undefined, api), () => postPage("some-post", api), () => tagPage("some-tag", undefined, api)]) {
      const error = await render().then(
        () => null,
        (e: unknown) => e,
      );
      expect(databaseUnavailable(error)).toBe("unreachable");
      // What src/middleware.ts answers with it: a page for people, never kept by a cache.
      const response = unavailableResponse(error, new Request(`${SITE}/posts/some-post`))!;
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
      const html = await response.text();
      expect(html).toContain("<h1>Try again in a moment</h1>");
      expect(html).toContain(UNREACHABLE);
    }
  });
});

describe("any other failure", () => {
  it("is a 500 whose message keeps the query and its parameters in the log", async () => {
    // A database the migrations never ran on: every query fails, for a reason that is ours.
    const client = createClient({ url: "file::memory:" });
    const empty = drizzle(client, { schema }) as Database;
    b.mount({ db: empty, client, write: (fn) => fn(empty), close: () => client.close() });
    try {
      const input = encodeURIComponent(JSON.stringify(superjson.serialize({ slug: "secret-slug" })));
      const response = await trpcRoute(context(new Request(`${SITE}/api/trpc/post.bySlug?input=${input}`)));
      const text = await response.text();
      expect(response.status, text).toBe(500);
      expect(JSON.parse(text).error.json.message).toBe("Something went wrong on the server; it has been logged. Try again in a moment.");
      expect(text).not.toMatch(/select|no such table|secret-slug/i);
    } finally {
      b.mount(gone);
      client.close();
    }
  });
});

describe("what counts as the database being out of reach", () => {
  it("is a lock, a missing file or a lost connection; a wrong query or a missing row is not", async () => {
    // Real errors from the real driver.
    const local = createClient({ url: "file::memory:" });
    const badQuery = await local.execute("select * from no_such_table").catch((e: unknown) => e);
    local.close();
    const closed = await local.execute("select 1").catch((e: unknown) => e);
    const refused = await gone.client.execute("select 1").catch((e: unknown) => e);
    const missingDir = await Promise.resolve()
      .then(() => createClient({ url: "file:/nonexistent-quire-dir/x.db" }).execute("select 1"))
      .catch((e: unknown) => e);
    expect(databaseUnavailable(refused)).toBe("unreachable");
    expect(databaseUnavailable(missingDir)).toBe("unreachable");
    expect(databaseUnavailable(closed)).toBe("unreachable");
    expect(databaseUnavailable(badQuery)).toBeNull();
    expect(databaseUnavailable(new Error("anything else"))).toBeNull();
    // Wrapped the way tRPC and Drizzle wrap it, a few levels down.
    const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    expect(databaseUnavailable(new Error("Failed query", { cause: new Error("wrapped", { cause: busy }) }))).toBe("busy");
    expect(unavailableResponse(badQuery, new Request(`${SITE}/`))).toBeNull();
  });
});
