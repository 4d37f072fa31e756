// Two server processes on one database, as two stores, two libSQL clients of one file and
// two invalidation instances: what one purges, the other drops on its next poll.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, migrateDb, type Db } from "../../db/client.ts";
import { CachePurge } from "../../db/schema.ts";
import { createInvalidation, type Invalidation } from "../../src/cache/invalidation.ts";
import { createStore, type Store } from "../../src/cache/store.ts";
import { MIGRATIONS } from "./harness.ts";

interface Proc {
  db: Db;
  store: Store;
  invalidation: Invalidation;
  errors: unknown[];
}

let dir: string;
let procs: Proc[];

async function openProcess(file: string): Promise<Proc> {
  const url = `file:${file}`;
  const db = await createDb({ url, localPath: file });
  const store = createStore();
  const errors: unknown[] = [];
  // No background timer here: the tests call poll() where a server's timer would.
  const invalidation = createInvalidation({ db, store, onError: (_m, e) => errors.push(e) });
  const proc = { db, store, invalidation, errors };
  procs.push(proc);
  return proc;
}

function cachePages(store: Store) {
  const since = store.generation();
  const page = (tags: string[]) => ({ status: 200, body: new Uint8Array([1]), headers: [], tags, maxAgeSeconds: 3600 });
  store.set("/", page(["list"]), since);
  store.set("/posts/a", page(["post:a", "list", "author:1"]), since);
  store.set("/posts/b", page(["post:b", "list", "author:2"]), since);
  store.set("/posts/c", page(["post:c", "author:3"]), since);
}

const keys = (store: Store) => ["/", "/posts/a", "/posts/b", "/posts/c"].filter((k) => store.get(k));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "quire-purge-"));
  procs = [];
});
afterEach(async () => {
  for (const p of procs) {
    await p.invalidation.stop();
    p.db.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("cache invalidation across processes", () => {
  it("a purge drops pages here at once and on the other process at its next poll", async () => {
    const file = join(dir, "shared.db");
    const one = await openProcess(file);
    await migrateDb(one.db.db, MIGRATIONS);
    const two = await openProcess(file);
    // The first poll only finds where the log ends.
    expect(await one.invalidation.poll()).toBe(0);
    expect(await two.invalidation.poll()).toBe(0);
    cachePages(one.store);
    cachePages(two.store);

    await one.invalidation.purge(["post:a", "list", "author:1"]);
    expect(keys(one.store)).toEqual(["/posts/c"]);
    expect(keys(two.store)).toEqual(["/", "/posts/a", "/posts/b", "/posts/c"]);
    const rows = await two.db.db.select().from(CachePurge);
    expect(rows.map((r) => r.tags)).toEqual([["post:a", "list", "author:1"]]);

    expect(await two.invalidation.poll()).toBe(1);
    expect(keys(two.store)).toEqual(["/posts/c"]);
    // Its own purge is not applied twice: pages cached since stay.
    cachePages(one.store);
    expect(await one.invalidation.poll()).toBe(0);
    expect(keys(one.store)).toEqual(["/", "/posts/a", "/posts/b", "/posts/c"]);
    // Nothing new: nothing dropped.
    cachePages(two.store);
    expect(await two.invalidation.poll()).toBe(0);
    expect(keys(two.store)).toHaveLength(4);

    // And the other way round, only the named tags.
    await two.invalidation.purge(["post:c"]);
    expect(await one.invalidation.poll()).toBe(1);
    expect(keys(one.store)).toEqual(["/", "/posts/a", "/posts/b"]);
    expect([...one.errors, ...two.errors]).toEqual([]);
  });

  it("purges made while the log is busy share one row, and each returns once it is logged", async () => {
    const file = join(dir, "shared.db");
    const one = await openProcess(file);
    await migrateDb(one.db.db, MIGRATIONS);
    const two = await openProcess(file);
    expect(await two.invalidation.poll()).toBe(0);
    cachePages(two.store);
    // Another write holds the one write path while three requests purge.
    let release!: () => void;
    const busy = one.db.write(() => new Promise<void>((done) => (release = done)));
    const logged: string[] = [];
    const purges = [["post:a"], ["list", "post:a"], ["author:1"]].map((tags) =>
      one.invalidation.purge(tags).then(() => logged.push(tags.join())),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(logged).toEqual([]);
    release();
    await Promise.all([busy, ...purges]);
    const rows = await two.db.db.select().from(CachePurge);
    expect(rows.map((r) => r.tags)).toEqual([["post:a", "list", "author:1"]]);
    expect(await two.invalidation.poll()).toBe(1);
    expect(keys(two.store)).toEqual(["/posts/c"]);
    // Once written, the next purge makes a row of its own.
    await one.invalidation.purge(["post:c"]);
    expect((await two.db.db.select().from(CachePurge)).map((r) => r.tags)).toEqual([["post:a", "list", "author:1"], ["post:c"]]);
    expect([...one.errors, ...two.errors]).toEqual([]);
  });

  it("purges made in one turn of the event loop share one row, with the write path idle", async () => {
    const file = join(dir, "shared.db");
    const one = await openProcess(file);
    await migrateDb(one.db.db, MIGRATIONS);
    // As requests handled in one turn purge: each after some awaits of its own.
    const purges: Promise<void>[] = [];
    for (const tags of [["post:a"], ["list"], ["author:1"]]) {
      purges.push(one.invalidation.purge(tags));
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    await Promise.all(purges);
    // A purge in a later turn makes a row of its own.
    await new Promise((r) => setTimeout(r, 5));
    await one.invalidation.purge(["post:c"]);
    const rows = await one.db.db.select().from(CachePurge);
    expect(rows.map((r) => r.tags)).toEqual([["post:a", "list", "author:1"], ["post:c"]]);
    expect(one.errors).toEqual([]);
  });

  it("the background poller applies other processes' purges", async () => {
    const file = join(dir, "shared.db");
    const one = await openProcess(file);
    await migrateDb(one.db.db, MIGRATIONS);
    const db = await createDb({ url: `file:${file}`, localPath: file });
    const store = createStore();
    const two = createInvalidation({ db, store, pollMs: 10 });
    procs.push({ db, store, invalidation: two, errors: [] });
    await two.start();
    cachePages(store);
    await one.invalidation.purge(["post:b"]);
    await expect.poll(() => keys(store), { timeout: 5000 }).toEqual(["/", "/posts/a", "/posts/c"]);
  });

  it("prunes log rows older than the retention and keeps recent ones", async () => {
    const file = join(dir, "shared.db");
    const one = await openProcess(file);
    await migrateDb(one.db.db, MIGRATIONS);
    await one.db.db.insert(CachePurge).values({ tags: ["old"], createdAt: new Date(Date.now() - 11 * 60_000) });
    await one.invalidation.purge(["recent"]);
    await one.invalidation.prune();
    const rows = await one.db.db.select().from(CachePurge);
    expect(rows.map((r) => r.tags)).toEqual([["recent"]]);
  });

  it("a purge that cannot be recorded still drops the pages here and does not fail the write", async () => {
    const file = join(dir, "unmigrated.db");
    const one = await openProcess(file);
    cachePages(one.store);
    await one.invalidation.purge(["list"]);
    expect(keys(one.store)).toEqual(["/posts/c"]);
    expect(one.errors).toHaveLength(1);
  });
});
