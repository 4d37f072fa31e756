// npm run export -- --out quire-export.tar.gz
// Writes everything the site holds (posts and pages as Markdown, their images, people,
// comments, settings, redirects) into one .tar.gz, as the admin's "Export everything" does.
// `npm run import` reads it back into another Quire.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../src/config.ts";

const USAGE = "Usage: npm run export -- --out <file.tar.gz>";

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
  const { prepareDatabase } = await import("../src/prepare.ts");
  const { MIGRATIONS } = await import("./build.js");
  const { runExportFromShell } = await import("../src/export/shell.ts");
  const { runtime } = await prepareDatabase({ migrations: MIGRATIONS, seed: false });
  try {
    await runExportFromShell(runtime, out, (line) => console.log(line));
  } finally {
    await runtime.invalidation.stop();
    runtime.db.close();
  }
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `The export failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
