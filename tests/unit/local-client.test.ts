// Quire's local libSQL client (db/local-client.ts) keeps prepared statements. It must answer
// exactly as @libsql/client's local client does, and a kept statement must never show stale
// data or outlive a change of schema. Each case runs on both clients and compares.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createClient, LibsqlBatchError, LibsqlError, type Client } from "@libsql/client";
import { LocalClient, STATEMENT_CACHE } from "../../db/local-client.ts";

const dir = mkdtempSync(join(tmpdir(), "quire-local-client-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Two new database files, one opened by @libsql/client's client, one by ours. */
function both(): { theirs: Client; ours: LocalClient; path: string } {
  const n = files++;
  const theirs = createClient({ url: `file:${join(dir, `theirs${n}.db`)}`, concurrency: 1 });
  const path = join(dir, `ours${n}.db`);
  return { theirs, ours: new LocalClient({ path }), path };
}

/** What a call answered, as data: its result as JSON and its rows by name, or its error. */
async function outcome(run: () => Promise<unknown>) {
  try {
    const result = await run();
    const sets = Array.isArray(result) ? result : [result];
    return {
      ok: sets.map((r) => {
        const set = r as { toJSON(): unknown; rows: Record<string, unknown>[] };
        return { json: set.toJSON(), named: set.rows.map((row) => ({ ...row })), length: set.rows.map((row) => row.length) };
      }),
    };
  } catch (e) {
    const error = e as LibsqlError & { statementIndex?: number };
    return {
      error: {
        type: error.constructor.name,
        code: error.code,
        extendedCode: error.extendedCode,
        rawCode: error.rawCode,
        message: error.message,
        index: error.statementIndex,
      },
    };
  }
}

const SETUP = `
  create table t (id integer primary key, name text not null unique, score real, data blob, flag integer, parent integer references t(id));
  insert into t (id, name, score, data, flag) values (1, 'one', 1.5, x'00ff', 1), (2, 'two', null, null, 0);
`;

const CASES: [string, (c: Client) => Promise<unknown>][] = [
  ["a select with values of every type", (c) => c.execute("select id, name, score, data, flag, parent from t order by id")],
  ["a select with duplicate column names", (c) => c.execute("select id, name, id as name, 7 as id from t order by id")],
  [
    "positional and named arguments",
    (c) =>
      c
        .execute({ sql: "select * from t where id = ? or name = ?", args: [1, "two"] })
        .then(() => c.execute({ sql: "select * from t where name = :name", args: { ":name": "one" } })),
  ],
  [
    "booleans and dates as arguments",
    (c) => c.execute({ sql: "select ? as yes, ? as no, ? as at", args: [true, false, new Date(1_700_000_000_000)] }),
  ],
  ["an insert", (c) => c.execute({ sql: "insert into t (name, score) values (?, ?)", args: ["three", 3] })],
  ["an insert with RETURNING", (c) => c.execute({ sql: "insert into t (name) values (?) returning id, name", args: ["four"] })],
  ["an update of many rows", (c) => c.execute("update t set score = 0")],
  ["a unique violation", (c) => c.execute({ sql: "insert into t (name) values (?)", args: ["one"] })],
  [
    "a foreign key violation",
    (c) => c.execute("pragma foreign_keys = on").then(() => c.execute("insert into t (name, parent) values ('orphan', 99)")),
  ],
  ["a syntax error", (c) => c.execute("selec 1")],
  ["a missing table", (c) => c.execute("select * from nowhere")],
  ["undefined as an argument", (c) => c.execute({ sql: "select ?", args: [undefined as unknown as null] })],
  ["an integer too large for a number", (c) => c.execute("select 9007199254740993 as big")],
  ["a batch", (c) => c.batch([{ sql: "insert into t (name) values (?)", args: ["five"] }, "select count(*) as n from t"], "write")],
  [
    "a batch that fails halfway, and what it left",
    (c) =>
      c
        .batch(["insert into t (name) values ('six')", "insert into t (name) values ('one')"], "write")
        .catch((e) =>
          c
            .execute("select count(*) as n from t")
            .then((r) => Promise.reject(Object.assign(e, { message: `${e.message} / rows: ${r.rows[0]!.n}` }))),
        ),
  ],
  ["a read-only batch asked to write", (c) => c.batch(["insert into t (name) values ('seven')"], "read")],
];

describe("the local client answers as @libsql/client does", () => {
  for (const [name, run] of CASES) {
    it(name, async () => {
      const { theirs, ours } = both();
      await theirs.executeMultiple(SETUP);
      await ours.executeMultiple(SETUP);
      // Twice: the second run uses the kept statements.
      for (let round = 0; round < 2; round++) expect(await outcome(() => run(ours))).toEqual(await outcome(() => run(theirs)));
      theirs.close();
      ours.close();
    });
  }

  it("maps errors to LibsqlError and LibsqlBatchError with SQLite's codes", async () => {
    const { ours } = both();
    await ours.executeMultiple(SETUP);
    const single = await ours.execute("insert into t (name) values ('one')").catch((e: unknown) => e);
    expect(single).toBeInstanceOf(LibsqlError);
    expect(single).toMatchObject({ code: "SQLITE_CONSTRAINT", extendedCode: "SQLITE_CONSTRAINT_UNIQUE" });
    const batch = await ours.batch(["select 1", "insert into t (name) values ('one')"]).catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(LibsqlBatchError);
    expect(batch).toMatchObject({ code: "SQLITE_CONSTRAINT", statementIndex: 1 });
    ours.close();
  });
});

describe("kept statements", () => {
  it("see what another connection wrote since (no stale read)", async () => {
    const { ours, path } = both();
    await ours.executeMultiple(SETUP);
    const other = new LocalClient({ path });
    const count = async () => (await ours.execute("select count(*) as n from t")).rows[0]!.n;
    const name = async (id: number) => (await ours.execute({ sql: "select name from t where id = ?", args: [id] })).rows[0]?.name;
    expect(await count()).toBe(2);
    expect(await name(1)).toBe("one");
    await other.execute("insert into t (name) values ('from elsewhere')");
    await other.execute("update t set name = 'changed' where id = 1");
    expect(await count()).toBe(3);
    expect(await name(1)).toBe("changed");
    other.close();
    ours.close();
  });

  it("hold no read transaction open: another connection can checkpoint the whole log", async () => {
    const { ours, path } = both();
    await ours.execute("pragma journal_mode = wal");
    await ours.executeMultiple(SETUP);
    // Reads that stop early or return more rows than libSQL fetches at once (100): each
    // statement must be done and reset afterwards.
    await ours.batch(Array.from({ length: 300 }, (_, i) => ({ sql: "insert into t (name) values (?)", args: [`n${i}`] })));
    await ours.execute("select name from t order by id limit 1");
    expect((await ours.execute("select name from t order by id")).rows).toHaveLength(302);
    const other = new LocalClient({ path });
    await other.execute("insert into t (name) values ('last')");
    const [row] = (await other.execute("pragma wal_checkpoint(truncate)")).rows;
    // busy = 0: no reader held an old snapshot, so every frame was copied back.
    expect(row![0]).toBe(0);
    other.close();
    ours.close();
  });

  it("are dropped by a schema change, even one that opens with a comment", async () => {
    const { ours } = both();
    await ours.executeMultiple(SETUP);
    await ours.execute("select * from t where id = 1");
    await ours.execute("select name from t where id = 1");
    expect(ours.statementsKept).toBeGreaterThanOrEqual(2);
    await ours.execute("-- a migration's note\n/* and another */ create index t_score on t (score)");
    expect(ours.statementsKept).toBe(0);
    ours.close();
  });

  it("follow a change of schema, in this connection or another", async () => {
    const { ours, path } = both();
    await ours.executeMultiple(SETUP);
    expect((await ours.execute("select * from t where id = 1")).columns).toEqual(["id", "name", "score", "data", "flag", "parent"]);
    await ours.execute("alter table t add column note text default 'hi'");
    const mine = await ours.execute("select * from t where id = 1");
    expect(mine.columns).toContain("note");
    expect(mine.rows[0]!.note).toBe("hi");
    const other = new LocalClient({ path });
    await other.execute("alter table t add column extra integer default 5");
    other.close();
    const theirs = await ours.execute("select * from t where id = 1");
    expect(theirs.rows[0]!.extra).toBe(5);
    expect(theirs.columns.at(-1)).toBe("extra");
    ours.close();
  });

  it(`stay at most ${STATEMENT_CACHE}, and statements beyond that still run`, async () => {
    const { ours } = both();
    await ours.executeMultiple(SETUP);
    for (let i = 0; i < STATEMENT_CACHE + 50; i++) {
      const r = await ours.execute(`select ${i} as n, name from t where id = 1`);
      expect(r.rows[0]).toMatchObject({ n: i, name: "one" });
    }
    expect(ours.statementsKept).toBe(STATEMENT_CACHE);
    // The first ones were dropped, and are prepared again.
    expect((await ours.execute("select 0 as n, name from t where id = 1")).rows[0]!.n).toBe(0);
    ours.close();
  });
});

describe("transactions", () => {
  it("make other calls wait until they commit, and roll back on request", async () => {
    const { ours } = both();
    await ours.executeMultiple(SETUP);
    const tx = await ours.transaction("write");
    await tx.execute("insert into t (name) values ('in tx')");
    let outsideDone = false;
    const outside = ours.execute("select count(*) as n from t").then((r) => ((outsideDone = true), r.rows[0]!.n));
    await new Promise((r) => setTimeout(r, 20));
    expect(outsideDone).toBe(false);
    await tx.rollback();
    expect(await outside).toBe(2);
    expect(tx.closed).toBe(true);
    await expect(tx.execute("select 1")).rejects.toMatchObject({ code: "TRANSACTION_CLOSED" });
    const committed = await ours.transaction("write");
    await committed.execute("insert into t (name) values ('kept')");
    await committed.commit();
    expect((await ours.execute("select count(*) as n from t")).rows[0]!.n).toBe(3);
    ours.close();
  });

  it("let no call waiting for one transaction slip into the next", async () => {
    const { ours } = both();
    await ours.executeMultiple(SETUP);
    const first = await ours.transaction("write");
    // Queued behind the first: a second transaction, then a plain insert.
    const second = ours.transaction("write");
    const outside = ours.execute("insert into t (name) values ('outside')");
    await first.commit();
    const tx = await second;
    await tx.execute("insert into t (name) values ('inside')");
    await tx.rollback();
    await outside;
    const names = (await ours.execute("select name from t order by id")).rows.map((r) => r.name);
    // The insert ran on its own, not inside the transaction that was rolled back.
    expect(names).toEqual(["one", "two", "outside"]);
    // Two transactions asked for at once run one after the other.
    const [a, b] = [ours.transaction("write"), ours.transaction("write")];
    await (await a).commit();
    await (await b).commit();
    ours.close();
  });

  it("wake the calls waiting for a transaction when the client closes, with CLIENT_CLOSED", async () => {
    const { ours } = both();
    await ours.executeMultiple(SETUP);
    const tx = await ours.transaction("write");
    const waiting = ours.execute("select 1");
    ours.close();
    await expect(waiting).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    await expect(tx.execute("select 1")).rejects.toMatchObject({ code: "TRANSACTION_CLOSED" });
  });

  it("refuse calls once the client is closed, and open a missing directory as @libsql/client does", async () => {
    const { ours } = both();
    ours.close();
    await expect(ours.execute("select 1")).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    const opened = (make: () => unknown) => {
      try {
        make();
        return null;
      } catch (e) {
        return { type: (e as Error).constructor.name, code: (e as LibsqlError).code };
      }
    };
    const missing = join(dir, "no-such-dir", "x.db");
    const theirs = opened(() => createClient({ url: `file:${missing}` }));
    expect(theirs).not.toBeNull();
    expect(opened(() => new LocalClient({ path: missing }))).toEqual(theirs);
  });
});
