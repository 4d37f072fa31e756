// Prints what each island costs a reader: its module and every module it imports, and the
// Svelte renderer module Astro loads to hydrate it with everything that imports, gzipped.
// Run after `astro build`; the goal for the comment island, the only one on reader pages,
// is 20 KB. tests/e2e/reader.spec.ts checks that a browser loads exactly these files.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import islandScript from "astro/runtime/server/astro-island.prebuilt.js";
import visibleScript from "astro/runtime/client/visible.prebuilt.js";

const dir = resolve(import.meta.dirname, "../dist/client/_astro");
export const GOAL_KB = 20;

/** Static imports (`import "./x.js"`, `from "./x.js"`) and dynamic ones (`import("./x.js")`). */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !existsSync(join(dir, file))) return seen;
  seen.add(file);
  const code = readFileSync(join(dir, file), "utf8");
  for (const [, dep] of code.matchAll(/\b(?:from|import)\s*\(?\s*["']\.\/([^"']+\.js)["']/g)) closure(dep!, seen);
  return seen;
}

const gzipped = (text: string | Buffer) => gzipSync(text).length;

export function islandSizes() {
  const files = readdirSync(dir);
  // Astro hydrates every Svelte island through the Svelte renderer's client module
  // (@astrojs/svelte's client.svelte.js), fetched alongside the component.
  const renderer = files.filter((f) => /^client\.svelte\.[\w-]+\.js$/.test(f));
  if (renderer.length !== 1) throw new Error(`expected one Svelte renderer module in ${dir}, found ${renderer.length}`);
  return files
    .filter((f) => /^[A-Z]\w*\.[\w-]+\.js$/.test(f))
    .map((f) => {
      const modules = closure(f);
      closure(renderer[0]!, modules);
      const gz = [...modules].reduce((n, m) => n + gzipped(readFileSync(join(dir, m))), 0);
      return { island: f.split(".")[0]!, kb: gz / 1024, files: [...modules].sort() };
    })
    .sort((a, b) => a.island.localeCompare(b.island));
}

/**
 * Astro also inlines its island element and the `client:visible` directive into the HTML of
 * any page with such an island. That is part of the page, loaded before any scrolling, so
 * it is reported on its own line rather than in the island's figure.
 */
export const inlineBootstrapKb = () => gzipped(islandScript + visibleScript) / 1024;

if (import.meta.main) {
  const sizes = islandSizes();
  console.log("\nIsland JavaScript, gzipped (module, everything it imports, and the Svelte renderer):");
  for (const s of sizes) {
    const over = s.kb > GOAL_KB ? " — OVER THE GOAL" : "";
    const note = s.island === "Comments" ? `  <- the only island on reader pages (goal ≤ ${GOAL_KB} KB)${over}` : "";
    console.log(`  ${s.island.padEnd(20)} ${s.kb.toFixed(1).padStart(6)} KB in ${s.files.length} files${note}`);
  }
  console.log(`  Plus Astro's island bootstrap inlined in each page with an island: ${inlineBootstrapKb().toFixed(1)} KB`);
}
