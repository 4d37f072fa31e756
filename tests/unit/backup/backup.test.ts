// A backup taken while a server's writes go on in another process, restored into a fresh
// folder: the copy is whole (integrity check), holds every row committed before it began and
// no half of any write, and a server started on it serves a post and its image.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { count, max } from "drizzle-orm";
import Database from "libsql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../../db/client.ts";
import { MailOutbox } from "../../../db/schema.ts";
import { initAuth } from "../../../src/auth.ts";
import { backupSite, BackupRefused } from "../../../src/backup/backup.ts";
import { restoreBackup, RestoreRefused } from "../../../src/backup/restore.ts";
import { createStore } from "../../../src/cache/store.ts";
import { loadConfig } from "../../../src/config.ts";
import { createServer } from "../../../src/http/server.ts";
import { processImage } from "../../../src/media/pipeline.ts";
import { localStore, originalKey, storeMedia } from "../../../src/media/storage.ts";
import { fallbackSrc } from "../../../src/media/urls.ts";
import { recordUpload } from "../../../src/server/queries/media.ts";
import { siteInvalidation } from "../../../src/runtime.ts";
import { createBackend, type Backend } from "../harness.ts";
import { LIMITS, photo } from "../media-fixtures.ts";
import { untar } from "../export/untar.ts";

const work = mkdtempSync(join(tmpdir(), "quire-backup-"));
const archive = join(work, "backup.tar.gz");
const fresh = join(work, "restored");
let b: Backend;
let writer: ChildProcess;
let cover: { hash: string; key: string };
const rows = async (db: Db) => (await db.db.select({ n: count(), last: max(MailOutbox.id) }).from(MailOutbox))[0]!;
let before: number;
let after: number;

beforeAll(async () => {
  b = await createBackend({ file: true });
  const author = await b.signUp("Bea Backup", "author");
  const image = await processImage(await photo(600, 400), LIMITS);
  await storeMedia(b.media, image);
  const info = await recordUpload(b.db.write, image, { userId: author.userId, fileName: "pier.jpg", bytes: 1000 });
  cover = { hash: info.hash, key: originalKey(info.hash, image.original) };
  const post = await author.caller.post.create({ title: "Kept safe", body: `Worth keeping.\n\n![The pier](${fallbackSrc(info)})` });
  await author.caller.post.update({ id: post.id, version: 1, cover: { hash: info.hash, alt: "The pier" } });
  await author.caller.post.publish({ id: post.id });

  writer = spawn(process.execPath, [resolve(import.meta.dirname, "writer-process.ts")], {
    env: { ...process.env, QUIRE_WRITER_DB: b.config.database.localPath! },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((ready, fail) => {
    writer.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && ready());
    writer.once("exit", (code) => fail(new Error(`the writer stopped (${code})`)));
  });
  await new Promise((r) => setTimeout(r, 300));
  before = (await rows(b.db)).n;
  await backupSite(b.config, archive);
  after = (await rows(b.db)).n;
  const stopped = new Promise((r) => writer.once("exit", r));
  writer.kill("SIGTERM");
  await stopped;
}, 60_000);

afterAll(() => {
  if (writer.exitCode === null) writer.kill("SIGKILL");
  b.close();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run backup", () => {
  it("goes on while the server writes, and packs the database, its images and a manifest", async () => {
    expect(after).toBeGreaterThan(before);
    const files = await untar(archive);
    expect(files.has("quire.db")).toBe(true);
    expect(files.has(`media/${cover.key}`)).toBe(true);
    expect(JSON.parse(files.get("manifest.json")!.toString())).toMatchObject({
      format: "quire-backup",
      version: 1,
      database: "quire.db",
      media: "media",
      counts: { mediaFiles: expect.any(Number) },
    });
    // Nothing of the snapshot is left beside the backup.
    expect(existsSync(`${archive}.partial`)).toBe(false);
  });

  it("says there is nothing to copy when the database is on Turso and the images in a bucket", async () => {
    const remote = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: "libsql://quire-example.turso.io",
      DATABASE_AUTH_TOKEN: "token",
      BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
      MEDIA_S3_ENDPOINT: "https://s3.example.com",
      MEDIA_S3_BUCKET: "quire-media",
      MEDIA_S3_REGION: "auto",
      MEDIA_S3_ACCESS_KEY_ID: "id",
      MEDIA_S3_SECRET_ACCESS_KEY: "secret",
    });
    await expect(backupSite(remote, join(work, "nothing.tar.gz"))).rejects.toThrow(BackupRefused);
    await expect(backupSite(remote, join(work, "nothing.tar.gz"))).rejects.toThrow(/point-in-time restore[\s\S]*versioning or replication/);
  });
});

describe("npm run restore", () => {
  let restored: Db;
  beforeAll(async () => {
    const report = await restoreBackup(archive, { databasePath: join(fresh, "quire.db"), media: localStore(join(fresh, "media")) });
    expect(report.database).toBe(join(fresh, "quire.db"));
    expect(report.media.restored).toBeGreaterThan(0);
    // In WAL mode already, as the server and `turso db import` want it.
    const file = new Database(join(fresh, "quire.db"), { readonly: true });
    expect(file.prepare("PRAGMA journal_mode").raw(true).get()).toEqual(["wal"]);
    file.close();
    restored = await createDb({ url: `file:${join(fresh, "quire.db")}`, localPath: join(fresh, "quire.db") });
  });
  afterAll(() => restored.close());

  it("puts back a whole database with every row committed before the backup began, and none half-written", async () => {
    expect((await restored.client.execute("PRAGMA integrity_check")).rows[0]![0]).toBe("ok");
    const { n, last } = await rows(restored);
    expect(n).toBeGreaterThanOrEqual(before);
    expect(n).toBeLessThanOrEqual(after);
    // Row ids only grow: a snapshot of one moment has no gaps below its last row.
    expect(last).toBe(n);
  });

  it("gives a server that serves the post and its image from the restored copy", async () => {
    const config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: `file:${join(fresh, "quire.db")}`,
      MEDIA_DIR: join(fresh, "media"),
      BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
      SITE_URL: "http://quire.test",
      LOG_LEVEL: "error",
    });
    const runtime = { config, db: restored, auth: initAuth(config, restored.db), invalidation: siteInvalidation(restored, createStore()) };
    const astro: RequestListener = (_req, res) => res.writeHead(404).end();
    const quire = createServer(runtime, astro, { store: createStore(), media: localStore(config.media.dir) });
    await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
    const base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
    try {
      const input = encodeURIComponent(JSON.stringify({ json: { slug: "kept-safe" } }));
      const answer = await fetch(`${base}/api/trpc/post.bySlug?input=${input}`);
      expect(answer.status).toBe(200);
      const { result } = (await answer.json()) as { result: { data: { json: { title: string; html: string } } } };
      expect(result.data.json.title).toBe("Kept safe");
      expect(result.data.json.html).toContain(`/media/${cover.hash}/`);
      const image = await fetch(`${base}/media/${cover.key}`);
      expect(image.status).toBe(200);
      expect(Buffer.from(await image.arrayBuffer())).toEqual(readFileSync(join(b.mediaDir, cover.key)));
    } finally {
      await quire.stop(1000);
      await runtime.invalidation.stop();
    }
  });

  it("replaces an existing database only when asked, and refuses what is not a backup", async () => {
    const target = join(work, "taken", "quire.db");
    await restoreBackup(archive, { databasePath: target, media: localStore(join(work, "taken", "media")) });
    writeFileSync(`${target}-wal`, "a log that belongs to the old file");
    await expect(restoreBackup(archive, { databasePath: target, media: localStore(join(work, "taken", "media")) })).rejects.toThrow(
      /exists\. Stop the server, then run again with --force/,
    );
    const forced = await restoreBackup(archive, { databasePath: target, media: localStore(join(work, "taken", "media")), force: true });
    expect(forced.media.present).toBeGreaterThan(0);
    expect(existsSync(`${target}-wal`)).toBe(false);
    const notOne = join(work, "not-a-backup.tar.gz");
    writeFileSync(notOne, "plain text");
    await expect(restoreBackup(notOne, { databasePath: join(work, "other.db"), media: localStore(join(work, "m")) })).rejects.toThrow(
      RestoreRefused,
    );
    expect(existsSync(join(work, "other.db"))).toBe(false);
  });
});
