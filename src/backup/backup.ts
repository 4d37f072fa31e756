// A backup of a running site in one .tar.gz: a consistent snapshot of the database (taken with
// VACUUM INTO while the server goes on serving and writing) and the media folder, with a
// manifest. `restore.ts` puts both back. The database comes first: images are never rewritten
// and only unused ones are ever deleted, so walking the folder after the snapshot finds every
// image the snapshot names, unless one is edited out of its post and deleted in between.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import Database from "libsql";
import type { Config } from "../config.ts";
import { writeTarGz, type TarEntries } from "../export/tar-gz.ts";
import { MEDIA_KEY } from "../media/storage.ts";

export const BACKUP_FORMAT = "quire-backup";
export const BACKUP_VERSION = 1;
export const BACKUP_FILES = { manifest: "manifest.json", database: "quire.db", media: "media" } as const;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** The database file in the archive, or null when the database is not a local file (Turso). */
  database: string | null;
  /** The media folder in the archive, or null when images live in a bucket. */
  media: string | null;
  counts: { databaseBytes: number; mediaFiles: number };
  /** What the backup leaves to others, in words. */
  notes: string[];
}

/** Nothing this command could copy: every part lives with a service that keeps its own copies. */
export class BackupRefused extends Error {
  override name = "BackupRefused";
}

export type BackupSource = Pick<Config, "database" | "media">;

/** How long the snapshot waits for a lock before giving up (a checkpoint resetting the log, say). */
const LOCK_WAIT_MS = 10_000;

/**
 * Copies the live database at `path` into `into`, whole and consistent, and checks the copy.
 *
 * VACUUM INTO reads the database inside one read transaction and writes a compacted copy of
 * what that transaction sees: every row committed before it began, none after. In WAL mode
 * (Quire's, db/client.ts) a reader takes no lock that writers or other readers wait on, so the
 * server keeps answering and writing throughout; readers are held up, if at all, for the
 * moment it takes to open the transaction (a shared lock on the WAL index). What the read
 * does cost: checkpoints cannot fold the WAL past its snapshot while it runs, so the -wal file
 * grows for as long as the copy takes, and shrinks at the next checkpoint after. The libSQL
 * driver runs it synchronously, so it runs here, in the backup command's own process, never
 * on the server's event loop.
 */
export function snapshotDatabase(path: string, into: string): void {
  const db = new Database(path, { timeout: LOCK_WAIT_MS });
  try {
    db.exec(`VACUUM INTO '${into.replaceAll("'", "''")}'`);
  } finally {
    db.close();
  }
  // The copy comes out in rollback-journal mode; WAL is what Quire and `turso db import` expect.
  const copy = new Database(into);
  try {
    copy.exec("PRAGMA journal_mode = WAL");
  } finally {
    copy.close();
  }
  const problems = integrityProblems(into);
  if (problems) throw new Error(`The snapshot failed its integrity check: ${problems}`);
}

/** What `PRAGMA integrity_check` finds wrong with the database file at `path`, or null when it says ok. */
export function integrityProblems(path: string): string | null {
  const db = new Database(path, { readonly: true });
  try {
    const result = (db.prepare("PRAGMA integrity_check").raw(true).all() as unknown[][]).map((row) => String(row[0]));
    return result.length === 1 && result[0] === "ok" ? null : result.slice(0, 5).join("; ");
  } finally {
    db.close();
  }
}

/**
 * Backs up the site `source` configures into `out` (written beside it and renamed once whole,
 * so a failed backup leaves nothing that looks like one).
 */
export async function backupSite(source: BackupSource, out: string): Promise<BackupManifest> {
  const notes: string[] = [];
  const local = source.database.localPath;
  if (!local) {
    notes.push(
      `The database is not a local file (${new URL(source.database.url).host}): Turso's point-in-time restore keeps it, so this backup holds no database.`,
    );
  } else if (source.database.syncUrl) {
    notes.push("The database is an embedded replica: this is its local copy as of its last sync.");
  }
  if (source.media.s3) {
    notes.push(
      `Images are in the bucket ${source.media.s3.bucket}: keep them with the bucket's own versioning or replication; this backup holds none.`,
    );
  }
  if (!local && source.media.s3) throw new BackupRefused(`Nothing here to back up.\n${notes.join("\n")}`);

  const partial = `${out}.partial`;
  const snapshot = join(dirname(out), `.quire-snapshot-${randomUUID()}.db`);
  try {
    let databaseBytes = 0;
    if (local) {
      snapshotDatabase(local, snapshot);
      databaseBytes = (await stat(snapshot)).size;
    }
    let manifest!: BackupManifest;
    await writeTarGz(createWriteStream(partial, { flags: "wx" }), async (tar) => {
      if (local) {
        const file = await open(snapshot, "r");
        await tar.stream(BACKUP_FILES.database, databaseBytes, file.createReadStream());
      }
      const mediaFiles = source.media.s3 ? 0 : await addMedia(tar, source.media.dir);
      manifest = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        database: local ? BACKUP_FILES.database : null,
        media: source.media.s3 ? null : BACKUP_FILES.media,
        counts: { databaseBytes, mediaFiles },
        notes,
      };
      await tar.file(BACKUP_FILES.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    });
    await rename(partial, out);
    return manifest;
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    await rm(snapshot, { force: true });
  }
}

/** Every image file under `dir`, streamed in; files half-written (dot-files) or gone meanwhile are left out. */
async function addMedia(tar: TarEntries, dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [];
    throw e;
  });
  let added = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const key = relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/");
    if (!MEDIA_KEY.test(key)) continue;
    const file = await open(join(dir, key), "r").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return null;
      throw e;
    });
    if (!file) continue;
    const { size } = await file.stat();
    await tar.stream(`${BACKUP_FILES.media}/${key}`, size, file.createReadStream());
    added++;
  }
  return added;
}
