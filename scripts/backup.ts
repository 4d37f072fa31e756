// npm run backup -- --out quire-backup.tar.gz
// A consistent snapshot of the configured database, taken while the server keeps running, and
// the media folder, in one .tar.gz. `npm run restore` puts it back.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../src/config.ts";

const USAGE = "Usage: npm run backup -- --out <file.tar.gz>";

async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  if (!values.out) {
    console.error(USAGE);
    process.exit(2);
  }
  const out = resolve(values.out);
  if (existsSync(out)) {
    console.error(`${out} exists already; give another name or remove it first.`);
    process.exit(2);
  }
  const { backupFromShell } = await import("../src/backup/shell.ts");
  await backupFromShell(out, (line) => console.log(line));
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `No backup was made: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
