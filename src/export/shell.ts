// What `npm run export` does, apart from reading its arguments: the export written beside its
// final name and moved there only when complete, so a failed run leaves no archive that looks
// whole; then what it holds.
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { createMediaStore } from "../media/storage.ts";
import type { Runtime } from "../runtime.ts";
import { exportSite } from "./site.ts";

const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export async function runExportFromShell(runtime: Runtime, out: string, log: (line: string) => void): Promise<void> {
  const { config, db } = runtime;
  const partial = `${out}.partial`;
  try {
    const manifest = await exportSite(
      { db: db.db, media: await createMediaStore(config.media), siteUrl: config.siteUrl, siteTitle: config.siteTitle },
      createWriteStream(partial, { flags: "wx" }),
    );
    await rename(partial, out);
    const c = manifest.counts;
    log(
      `Exported ${n(c.posts, "post")}, ${n(c.pages, "page")}, ${n(c.comments, "comment")}, ${n(c.people, "person").replace("persons", "people")}, ${n(c.media, "image")} and ${n(c.redirects, "redirect")} to ${out}.`,
    );
    for (const name of manifest.missingMedia) log(`  image not in the media store: ${name}`);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
}
