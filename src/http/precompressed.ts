// Built files stored compressed beside themselves (`app.js.br`, `app.js.gz`): made once by the
// build (astro.config.mjs), chosen here by Accept-Encoding, so no request compresses anything.
import { readdirSync } from "node:fs";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";
import type { Encoding } from "../lib/accept-encoding.ts";

const COMPRESSIBLE = /\.(js|mjs|css|svg|html|txt|xml|json|webmanifest|map)$/i;
const MIN_BYTES = 512;
const SUFFIX: Record<Exclude<Encoding, "identity">, string> = { br: ".br", gzip: ".gz" };
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Writes a Brotli (quality 11: paid once, at build time) and a gzip copy of every text file
 * under `dir` that is worth it, keeping a copy only if it is smaller. Returns bytes before/after.
 */
export async function precompressDir(dir: string): Promise<{ files: number; bytes: number; brotli: number }> {
  const totals = { files: 0, bytes: 0, brotli: 0 };
  for await (const path of files(dir)) {
    if (!COMPRESSIBLE.test(path) || (await stat(path)).size < MIN_BYTES) continue;
    const body = await readFile(path);
    const [br, gz] = await Promise.all([
      brotli(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.byteLength } }),
      gzipped(body, { level: 9 }),
    ]);
    if (br.byteLength < body.byteLength) await writeFile(path + SUFFIX.br, br);
    if (gz.byteLength < body.byteLength) await writeFile(path + SUFFIX.gzip, gz);
    totals.files++;
    totals.bytes += body.byteLength;
    totals.brotli += Math.min(br.byteLength, body.byteLength);
  }
  return totals;
}

/** The compressed copies a build left under `dir`, as URL paths (`/_astro/app.js.br`); read once at start. */
export function listPrecompressed(dir: string): Set<string> {
  try {
    const names = readdirSync(dir, { recursive: true, encoding: "utf8" });
    return new Set(names.filter((n) => n.endsWith(SUFFIX.br) || n.endsWith(SUFFIX.gzip)).map((n) => "/" + n.split(sep).join("/")));
  } catch {
    // No build output yet: nothing is precompressed.
    return new Set();
  }
}

/** The URL path of the copy to send for `path` in `encoding`, if the build made one. */
export function precompressedPath(available: Set<string>, path: string, encoding: Encoding): string | undefined {
  if (encoding === "identity") return undefined;
  const candidate = path + SUFFIX[encoding];
  return available.has(candidate) ? candidate : undefined;
}
