// What `npm run backup` and `npm run restore` do, apart from reading their arguments: the
// configuration they act on (the environment's, with the command's overrides) and what they
// say when done.
import { loadConfig } from "../config.ts";
import { createMediaStore } from "../media/storage.ts";
import { backupSite } from "./backup.ts";
import { restoreBackup } from "./restore.ts";

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export async function backupFromShell(out: string, log: (line: string) => void): Promise<void> {
  const manifest = await backupSite(loadConfig(), out);
  const parts = [
    manifest.database ? `the database (${size(manifest.counts.databaseBytes)})` : null,
    manifest.media ? `${manifest.counts.mediaFiles} media files` : null,
  ].filter(Boolean);
  log(`Backed up ${parts.join(" and ")} to ${out}.`);
  for (const note of manifest.notes) log(`  note: ${note}`);
}

export async function restoreFromShell(
  from: string,
  options: { databaseUrl?: string; mediaDir?: string; force: boolean },
  log: (line: string) => void,
): Promise<void> {
  const config = loadConfig({
    ...process.env,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.mediaDir ? { MEDIA_DIR: options.mediaDir } : {}),
  });
  const report = await restoreBackup(from, {
    databasePath: config.database.localPath,
    media: await createMediaStore(config.media),
    force: options.force,
  });
  if (report.database) log(`Restored the database to ${report.database}.`);
  log(
    `Restored ${report.media.restored} media files to ${config.media.s3 ? `the bucket ${config.media.s3.bucket}` : config.media.dir}${report.media.present ? ` (${report.media.present} were there already)` : ""}.`,
  );
  for (const note of report.notes) log(`  note: ${note}`);
}
