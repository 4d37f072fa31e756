// Prints what each island costs a reader: its module and every module it imports (and the
// Svelte client that hydrates it), gzipped. Run after `astro build`; the goal for the
// comment island, the only one on reader pages, is 20 KB.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const dir = resolve(import.meta.dirname, "../dist/client/_astro");
const GOAL_KB = 20;

function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !existsSync(join(dir, file))) return seen;
  seen.add(file);
  const code = readFileSync(join(dir, file), "utf8");
  for (const [, dep] of code.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g)) closure(dep!, seen);
  return seen;
}

export function islandSizes() {
  const files = readdirSync(dir);
  // Astro hydrates every Svelte island through its renderer's client module.
  const renderer = files.filter((f) => /^client\.[\w-]+\.js$/.test(f));
  return files
    .filter((f) => /^[A-Z]\w*\.[\w-]+\.js$/.test(f))
    .map((f) => {
      const modules = closure(f);
      for (const r of renderer) closure(r, modules);
      const gz = [...modules].reduce((n, m) => n + gzipSync(readFileSync(join(dir, m))).length, 0);
      return { island: f.split(".")[0]!, kb: gz / 1024, modules: modules.size };
    })
    .sort((a, b) => a.island.localeCompare(b.island));
}

if (import.meta.main) {
  const sizes = islandSizes();
  console.log("\nIsland JavaScript, gzipped (module and everything it imports):");
  for (const s of sizes) {
    const note = s.island === "Comments" ? `  <- the only island on reader pages (goal ≤ ${GOAL_KB} KB)` : "";
    console.log(`  ${s.island.padEnd(20)} ${s.kb.toFixed(1).padStart(6)} KB in ${s.modules} files${note}`);
  }
}
