// A libSQL client for a local database file (or `:memory:`) that keeps its prepared
// statements.
//
// @libsql/client's local client prepares every statement afresh and asks the new statement
// for its columns twice. On Quire's hottest statements, such as the signed-in session
// lookup (a join returning many columns), that is most of their cost (`npm run bench:db`
// measures it; tests/unit/local-client.test.ts compares the two clients' answers). This
// client keeps up to STATEMENT_CACHE statements per connection, with their columns, and
// otherwise behaves as @libsql/client's does: the same results (rows readable by index and
// by name), the same errors (LibsqlError, LibsqlBatchError with their SQLite codes), the
// same transactions, with one difference: while an interactive transaction holds the
// connection, other calls wait for it to end, where @libsql/client's single connection
// refuses them at once (TRANSACTION_ACTIVE). A statement that changes the schema drops
// every kept statement; a kept `select *` notices another process's change only by its
// width (Quire's queries name their columns).
//
// One connection: Quire serializes its writes in-process (db/client.ts), and a second
// connection in this process would only contend with the first for the file lock. Every
// call runs synchronously to its end, so a statement is never in use twice at once, and
// every read runs to its last row, so no statement keeps a read transaction open.
import { Buffer } from "node:buffer";
import Database from "libsql";
import {
  LibsqlBatchError,
  LibsqlError,
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  type IntMode,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
  type Value,
} from "@libsql/client";

/** Prepared statements kept per connection; the least recently used is dropped beyond it. */
export const STATEMENT_CACHE = 500;

const SCHEMA_CHANGE = /^\s*(create|alter|drop|pragma|attach|detach|vacuum)\b/i;
const LEADING_COMMENTS = /^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*/;

type Native = InstanceType<typeof Database>;
type NativeStatement = ReturnType<Native["prepare"]>;

interface Prepared {
  statement: NativeStatement;
  /** Returns rows (a select, or a write with RETURNING). */
  reader: boolean;
  columns: string[];
  columnTypes: string[];
}

class Result implements ResultSet {
  readonly columns: string[];
  readonly columnTypes: string[];
  readonly rows: Row[];
  readonly rowsAffected: number;
  readonly lastInsertRowid: bigint | undefined;
  constructor(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined) {
    this.columns = columns;
    this.columnTypes = columnTypes;
    this.rows = rows;
    this.rowsAffected = rowsAffected;
    this.lastInsertRowid = lastInsertRowid;
  }
  toJSON() {
    const json = (v: Value) => (typeof v === "bigint" ? String(v) : v instanceof ArrayBuffer ? Buffer.from(v).toString("base64") : v);
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((row) => Array.prototype.map.call(row, json)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid === undefined ? null : String(this.lastInsertRowid),
    };
  }
}

const SQLITE_CODES: Record<number, string> = {
  1: "SQLITE_ERROR",
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  16: "SQLITE_EMPTY",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  24: "SQLITE_FORMAT",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
  27: "SQLITE_NOTICE",
  28: "SQLITE_WARNING",
};

/** A native SqliteError as the LibsqlError @libsql/client would throw for it. */
function libsqlError(e: unknown): unknown {
  if (!(e instanceof Database.SqliteError)) return e;
  const raw = (e as { rawCode?: number }).rawCode;
  const code = raw === undefined ? "SQLITE_UNKNOWN" : (SQLITE_CODES[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`);
  return new LibsqlError(e.message, code, (e as { code?: string }).code, raw, e);
}

function batchError(e: unknown, index: number): unknown {
  if (e instanceof LibsqlBatchError || !(e instanceof LibsqlError)) return e;
  return new LibsqlBatchError(e.message, index, e.code, e.extendedCode, e.rawCode, e.cause instanceof Error ? e.cause : undefined);
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT64 = -9223372036854775808n;
const MAX_INT64 = 9223372036854775807n;

function toSql(value: InValue, intMode: IntMode): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    return value;
  }
  if (typeof value === "bigint") {
    if (value < MIN_INT64 || value > MAX_INT64)
      throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument");
    return value;
  }
  if (typeof value === "boolean")
    return intMode === "bigint" ? (value ? 1n : 0n) : intMode === "string" ? (value ? "1" : "0") : value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value;
}

function fromSql(value: unknown, intMode: IntMode): Value {
  if (typeof value === "bigint") {
    if (intMode === "number") {
      if (value < MIN_SAFE || value > MAX_SAFE)
        throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
      return Number(value);
    }
    return intMode === "bigint" ? value : String(value);
  }
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  return value as Value;
}

/** A row as @libsql/client makes it: values by index (hidden) and by column name (the first of a name wins). */
function toRow(values: unknown[], columns: string[], intMode: IntMode): Row {
  const row: Record<string | number, Value> = {};
  Object.defineProperty(row, "length", { value: values.length });
  for (let i = 0; i < values.length; i++) {
    const value = fromSql(values[i], intMode);
    Object.defineProperty(row, i, { value });
    const name = columns[i]!;
    if (!Object.hasOwn(row, name)) row[name] = value;
  }
  return row as unknown as Row;
}

function normalize(stmt: InStatement | [string, InArgs?], args?: InArgs): { sql: string; args: InArgs } {
  if (typeof stmt === "string") return { sql: stmt, args: args ?? [] };
  if (Array.isArray(stmt)) return { sql: stmt[0], args: stmt[1] ?? [] };
  return { sql: stmt.sql, args: stmt.args ?? [] };
}

function beginFor(mode: TransactionMode): string {
  if (mode === "write") return "BEGIN IMMEDIATE";
  if (mode === "read") return "BEGIN TRANSACTION READONLY";
  if (mode === "deferred") return "BEGIN DEFERRED";
  throw new RangeError('Unknown transaction mode, supported values are "write", "read" and "deferred"');
}

/** One native connection and its statements. */
class Connection {
  readonly native: Native;
  readonly #statements = new Map<string, Prepared>();

  constructor(path: string, timeout?: number) {
    this.native = new Database(path, timeout === undefined ? {} : { timeout });
  }

  #prepare(sql: string): Prepared {
    const kept = this.#statements.get(sql);
    if (kept) {
      // Most recently used last: the first in the map is the one to drop.
      this.#statements.delete(sql);
      this.#statements.set(sql, kept);
      return kept;
    }
    const statement = this.native.prepare(sql);
    statement.safeIntegers(true);
    const reader = statement.reader;
    const prepared: Prepared = { statement, reader, columns: [], columnTypes: [] };
    if (reader) {
      statement.raw(true);
      this.#readColumns(prepared);
    }
    // A statement that changes the schema runs once, and the kept ones are prepared again
    // after it (SQLite would re-prepare them, but their columns may have changed).
    if (SCHEMA_CHANGE.test(sql.replace(LEADING_COMMENTS, ""))) this.#statements.clear();
    else {
      this.#statements.set(sql, prepared);
      if (this.#statements.size > STATEMENT_CACHE) this.#statements.delete(this.#statements.keys().next().value!);
    }
    return prepared;
  }

  #readColumns(prepared: Prepared) {
    const columns = prepared.statement.columns();
    prepared.columns = columns.map((c) => c.name);
    prepared.columnTypes = columns.map((c) => c.type ?? "");
  }

  execute(sql: string, args: InArgs, intMode: IntMode): ResultSet {
    // A closed native handle must not be used at all: libSQL may abort the process.
    if (!this.native.open) throw new LibsqlError("The connection is closed", "CLIENT_CLOSED");
    const bound = Array.isArray(args)
      ? args.map((v) => toSql(v, intMode))
      : Object.fromEntries(Object.entries(args).map(([k, v]) => [/^[@$:]/.test(k) ? k.slice(1) : k, toSql(v, intMode)]));
    try {
      const prepared = this.#prepare(sql);
      if (prepared.reader) {
        const raw = prepared.statement.all(bound) as unknown[][];
        // A `select *` whose table changed under a kept statement: SQLite re-prepares it,
        // so its columns are read again.
        if (raw.length && raw[0]!.length !== prepared.columns.length) this.#readColumns(prepared);
        const rows = raw.map((values) => toRow(values, prepared.columns, intMode));
        return new Result(prepared.columns, prepared.columnTypes, rows, 0, undefined);
      }
      const info = prepared.statement.run(bound);
      return new Result([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (e) {
      throw libsqlError(e);
    }
  }

  get kept(): number {
    return this.#statements.size;
  }

  executeMultiple(sql: string) {
    this.#statements.clear();
    try {
      this.native.exec(sql);
    } catch (e) {
      throw libsqlError(e);
    }
  }

  get inTransaction(): boolean {
    return this.native.open && this.native.inTransaction;
  }

  close() {
    this.#statements.clear();
    if (this.native.open) this.native.close();
  }
}

export interface LocalClientOptions {
  /** A file path, or `:memory:`. */
  path: string;
  intMode?: IntMode;
  /** Seconds libSQL waits for a lock held by another process. */
  timeout?: number;
}

export class LocalClient implements Client {
  closed = false;
  readonly protocol = "file";
  readonly #path: string;
  readonly #intMode: IntMode;
  readonly #timeout: number | undefined;
  #connection: Connection;
  /** Settles when the open interactive transaction does; other calls wait for it. */
  #transaction: Promise<void> | null = null;
  /** Ends the open interactive transaction (rolling back what it left open). */
  #release: (() => void) | null = null;

  constructor(options: LocalClientOptions) {
    this.#path = options.path;
    this.#intMode = options.intMode ?? "number";
    this.#timeout = options.timeout;
    this.#connection = this.#open();
  }

  /** A connection, checked: a file that cannot be opened fails here, as with @libsql/client. */
  #open(): Connection {
    let connection: Connection;
    try {
      connection = new Connection(this.#path, this.#timeout);
    } catch (e) {
      throw libsqlError(e);
    }
    try {
      connection.execute("SELECT 1 AS checkThatTheDatabaseCanBeOpened", [], this.#intMode);
    } catch (e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /** How many prepared statements are kept now. */
  get statementsKept(): number {
    return this.#connection.kept;
  }

  /**
   * Runs `work` on the connection once no interactive transaction holds it. The check and
   * the work run with no await between them, so a caller woken when a transaction ends
   * can never start inside the next one.
   */
  async #whenFree<T>(work: (connection: Connection) => T): Promise<T> {
    while (this.#transaction) await this.#transaction;
    this.#checkOpen();
    return work(this.#connection);
  }

  #checkOpen() {
    if (this.closed) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
  }

  async execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const { sql, args: bound } = normalize(stmt, args);
    if (this.#transaction) return this.#whenFree((connection) => connection.execute(sql, bound, this.#intMode));
    this.#checkOpen();
    return this.#connection.execute(sql, bound, this.#intMode);
  }

  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    return this.#whenFree((connection) => this.#inTransaction(connection, beginFor(mode), stmts));
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#whenFree((connection) => {
      connection.execute("PRAGMA foreign_keys=off", [], this.#intMode);
      try {
        return this.#inTransaction(connection, "BEGIN DEFERRED", stmts);
      } finally {
        connection.execute("PRAGMA foreign_keys=on", [], this.#intMode);
      }
    });
  }

  #inTransaction(connection: Connection, begin: string, stmts: Array<InStatement | [string, InArgs?]>): ResultSet[] {
    connection.execute(begin, [], this.#intMode);
    try {
      const results = stmts.map((stmt, i) => {
        if (!connection.inTransaction) throw new LibsqlBatchError("The transaction has been rolled back", i, "TRANSACTION_CLOSED");
        const { sql, args } = normalize(stmt);
        try {
          return connection.execute(sql, args, this.#intMode);
        } catch (e) {
          throw batchError(e, i);
        }
      });
      connection.execute("COMMIT", [], this.#intMode);
      return results;
    } finally {
      if (connection.inTransaction) connection.execute("ROLLBACK", [], this.#intMode);
    }
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    return this.#whenFree((connection) => {
      connection.execute(beginFor(mode), [], this.#intMode);
      let settle!: () => void;
      const settled = new Promise<void>((done) => (settle = done));
      const release = () => {
        // A transaction whose COMMIT failed is still open: never handed on to the next caller.
        try {
          if (connection.inTransaction) connection.execute("ROLLBACK", [], this.#intMode);
        } catch {
          // The connection is unusable; the next statement says so.
        }
        if (this.#transaction === settled) {
          this.#transaction = null;
          this.#release = null;
        }
        settle();
      };
      this.#transaction = settled;
      this.#release = release;
      return new LocalTransaction(connection, this.#intMode, release);
    });
  }

  async executeMultiple(sql: string): Promise<void> {
    return this.#whenFree((connection) => {
      try {
        connection.executeMultiple(sql);
      } finally {
        // Like @libsql/client: a transaction the script left open is not left to the next caller.
        if (connection.inTransaction) connection.execute("ROLLBACK", [], this.#intMode);
      }
    });
  }

  async sync(): Promise<never> {
    throw new LibsqlError("sync() is for embedded replicas; this is a local database", "SYNC_NOT_SUPPORTED");
  }

  reconnect(): void {
    this.#connection.close();
    this.#connection = this.#open();
    this.closed = false;
  }

  close(): void {
    this.closed = true;
    // Calls waiting for an open transaction wake, and are told the client is closed.
    this.#release?.();
    this.#connection.close();
  }
}

class LocalTransaction implements Transaction {
  #connection: Connection | null;
  readonly #intMode: IntMode;
  readonly #release: () => void;

  constructor(connection: Connection, intMode: IntMode, release: () => void) {
    this.#connection = connection;
    this.#intMode = intMode;
    this.#release = release;
  }

  get closed(): boolean {
    return !this.#connection || !this.#connection.inTransaction;
  }

  #open(): Connection {
    if (this.closed) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
    return this.#connection!;
  }

  #settle() {
    if (!this.#connection) return;
    this.#connection = null;
    this.#release();
  }

  async execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const { sql, args: bound } = normalize(stmt, args);
    return this.#open().execute(sql, bound, this.#intMode);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return stmts.map((stmt, i) => {
      const { sql, args } = normalize(stmt);
      try {
        return this.#open().execute(sql, args, this.#intMode);
      } catch (e) {
        throw batchError(e, i);
      }
    });
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#open().executeMultiple(sql);
  }

  async rollback(): Promise<void> {
    const connection = this.#connection;
    try {
      if (connection?.inTransaction) connection.execute("ROLLBACK", [], this.#intMode);
    } finally {
      this.#settle();
    }
  }

  async commit(): Promise<void> {
    try {
      this.#open().execute("COMMIT", [], this.#intMode);
    } finally {
      this.#settle();
    }
  }

  close(): void {
    const connection = this.#connection;
    try {
      if (connection?.inTransaction) connection.execute("ROLLBACK", [], this.#intMode);
    } finally {
      this.#settle();
    }
  }
}
