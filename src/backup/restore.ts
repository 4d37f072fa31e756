// Puts a backup (backup.ts) back: its database file where the configuration (or
// --database-url) says, and its images into the media store. The archive is unpacked with the
// importer's safe unpacker into a folder beside the database, checked (format, integrity),
// and only then moved into place, so a damaged backup changes nothing. An existing database
// is replaced only when asked (--force), with its write-ahead log, which belongs to it and
// would corrupt the restored file if it stayed. Stop the server first: a running one keeps the
// old file open.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { unpackArchive } from "../import/archive.ts";
import { contentTypeOf, MEDIA_KEY, type MediaStore } from "../media/storage.ts";
import { BACKUP_FILES, BACKUP_FORMAT, BACKUP_VERSION, integrityProblems, type BackupManifest } from "./backup.ts";

export class RestoreRefused extends Error {
  override name = "RestoreRefused";
}

export interface RestoreTarget {
  /** The database file to write, or undefined when the site's database is not a local file. */
  databasePath?: string;
  /** Where the images go (the site's folder or bucket). */
  media: MediaStore;
  /** Replace a database file that is there already. */
  force?: boolean;
}

export interface RestoreReport {
  database: string | null;
  media: { restored: number; present: number };
  notes: string[];
}

/** A backup is the admin's own file: the unpacker's safety rules, with room for a big site. */
const LIMITS = { maxEntries: 10_000_000, maxTotalBytes: Number.MAX_SAFE_INTEGER, maxRatio: 100_000 };

export async function restoreBackup(from: string, target: RestoreTarget): Promise<RestoreReport> {
  if (
    !(await stat(from).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    throw new RestoreRefused(`There is no file ${from}`);
  const workBeside = target.databasePath ? dirname(target.databasePath) : dirname(from);
  await mkdir(workBeside, { recursive: true });
  const work = join(workBeside, `.quire-restore-${randomUUID()}`);
  try {
    const files = await unpackArchive(from, work, LIMITS).catch((e: unknown) => {
      throw new RestoreRefused(`${from} is not a Quire backup: ${(e as Error).message}`);
    });
    const manifest = await readManifest(work, files);
    const report: RestoreReport = { database: null, media: { restored: 0, present: 0 }, notes: [...manifest.notes] };

    if (manifest.database) {
      if (!target.databasePath) {
        throw new RestoreRefused(
          "The site's database is not a local file: restore into one with --database-url file:…, or put the backup's quire.db on Turso with turso db import.",
        );
      }
      const restored = join(work, manifest.database);
      checkIntegrity(restored);
      if (existsSync(target.databasePath) && !target.force) {
        throw new RestoreRefused(`${target.databasePath} exists. Stop the server, then run again with --force to replace it.`);
      }
      await rm(`${target.databasePath}-wal`, { force: true });
      await rm(`${target.databasePath}-shm`, { force: true });
      await rename(restored, target.databasePath);
      report.database = target.databasePath;
    } else report.notes.push("The backup holds no database.");

    if (manifest.media) {
      const prefix = `${manifest.media}/`;
      for (const file of files) {
        if (!file.startsWith(prefix)) continue;
        const key = file.slice(prefix.length);
        if (!MEDIA_KEY.test(key)) continue;
        // Keys name their bytes: one already in the store is the same image.
        if (await target.media.has(key)) {
          report.media.present++;
          continue;
        }
        await target.media.put(key, await readFile(join(work, file)), contentTypeOf(key));
        report.media.restored++;
      }
    }
    return report;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function readManifest(work: string, files: string[]): Promise<BackupManifest> {
  if (!files.includes(BACKUP_FILES.manifest)) throw new RestoreRefused("The archive has no manifest.json: it is not a Quire backup");
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(await readFile(join(work, BACKUP_FILES.manifest), "utf8")) as Partial<BackupManifest>;
  } catch (e) {
    throw new RestoreRefused(`Its manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  if (manifest.format !== BACKUP_FORMAT) {
    throw new RestoreRefused(
      manifest.format === "quire-export"
        ? "This is an export, not a backup: bring it in with npm run import (or Import in the dashboard)"
        : "Its manifest is not a Quire backup's",
    );
  }
  if (typeof manifest.version !== "number" || manifest.version > BACKUP_VERSION) {
    throw new RestoreRefused(`This backup is version ${manifest.version} of the format, made by a newer Quire: update Quire first`);
  }
  for (const part of [manifest.database, manifest.media]) {
    if (part !== null && part !== undefined && (typeof part !== "string" || part.includes("/") || part.startsWith("."))) {
      throw new RestoreRefused("Its manifest names files outside the backup");
    }
  }
  if (manifest.database && !files.includes(manifest.database))
    throw new RestoreRefused(`The backup lacks its database file, ${manifest.database}`);
  return { notes: [], ...manifest } as BackupManifest;
}

function checkIntegrity(path: string): void {
  const problems = integrityProblems(path);
  if (problems) throw new RestoreRefused(`The backup's database is damaged (integrity check: ${problems}); nothing was restored`);
}
