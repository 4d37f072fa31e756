// npm run restore -- --from quire-backup.tar.gz [--database-url file:/var/lib/quire/quire.db] [--media-dir …] [--force]
// Puts a backup's database file and images back where the configuration (or the flags) say.
// Stop the server first; --force replaces a database file that is there.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../src/config.ts";

const USAGE = "Usage: npm run restore -- --from <backup.tar.gz> [--database-url file:…] [--media-dir <folder>] [--force]";

async function main() {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      "database-url": { type: "string" },
      "media-dir": { type: "string" },
      force: { type: "boolean" },
    },
  });
  if (!values.from) {
    console.error(USAGE);
    process.exit(2);
  }
  const { restoreFromShell } = await import("../src/backup/shell.ts");
  await restoreFromShell(
    resolve(values.from),
    { databaseUrl: values["database-url"], mediaDir: values["media-dir"], force: Boolean(values.force) },
    (line) => console.log(line),
  );
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `Nothing was restored: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
