// npm run key:create -- --type content [--name "…"]  |  --type admin --email <person> [--name "…"] [--drafts-only]
// Prints the new key, once, and nothing else on standard output (messages go to stderr).
import { parseArgs } from "node:util";
import { ConfigError } from "../src/config.ts";
import { createKeyFromShell, KEY_CREATE_USAGE, KeyCreateArgs, KeyCreateRefused } from "../src/server/api/key-shell.ts";

async function main() {
  const { values } = parseArgs({
    options: { type: { type: "string" }, email: { type: "string" }, name: { type: "string" }, "drafts-only": { type: "boolean" } },
  });
  const parsed = KeyCreateArgs.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => i.message).join("\n"));
    console.error(KEY_CREATE_USAGE);
    process.exit(2);
  }
  const { prepareDatabase } = await import("../src/prepare.ts");
  const { MIGRATIONS } = await import("./build.js");
  const { runtime } = await prepareDatabase({ migrations: MIGRATIONS, seed: false });
  const secret = await createKeyFromShell(runtime.db, parsed.data);
  process.stdout.write(`${secret}\n`);
  console.error("Shown once: keep it somewhere safe. Revoke it in Dashboard › API keys.");
  runtime.db.close();
}

main().catch((e) => {
  console.error(
    e instanceof ConfigError || e instanceof KeyCreateRefused
      ? e.message
      : `Could not create the key: ${e instanceof Error ? e.message : e}`,
  );
  process.exit(e instanceof KeyCreateRefused ? 2 : 1);
});
