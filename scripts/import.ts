// npm run import -- <file or folder> [--as admin@example.com] [--fetch-images] [--dry-run]
// Imports a WordPress export, a Ghost export, or an archive or folder of Markdown into the
// configured database, the way the admin page does: a preview, then (unless --dry-run) the
// import, with its report. Running servers see the new content within a second.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../src/config.ts";

const USAGE = "Usage: npm run import -- <file or folder> [--as admin@example.com] [--fetch-images] [--dry-run]";

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { as: { type: "string" }, "fetch-images": { type: "boolean" }, "dry-run": { type: "boolean" } },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    process.exit(2);
  }
  const { prepareDatabase } = await import("../src/prepare.ts");
  const { MIGRATIONS } = await import("./build.js");
  const { adminFor, runImportFromShell } = await import("../src/import/shell.ts");
  const { runtime } = await prepareDatabase({ migrations: MIGRATIONS, seed: false });
  const actor = await adminFor(runtime.db.db, values.as);
  const work = mkdtempSync(join(tmpdir(), "quire-import-"));
  try {
    await runImportFromShell(runtime, resolve(positionals[0]!), work, {
      actorId: actor.id,
      fetchImages: Boolean(values["fetch-images"]),
      dryRun: Boolean(values["dry-run"]),
      log: (line) => console.log(line),
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
    await runtime.invalidation.stop();
    runtime.db.close();
  }
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `Nothing was imported: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
