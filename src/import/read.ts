// An uploaded import file, whatever it is: a WordPress WXR, a Ghost JSON export, or an archive
// (zip or tar.gz) holding one of those with its images, Quire's own export, or a folder of
// Markdown. Told apart by content, not by name; read into an ImportBundle; summed up for the
// admin's preview.
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, readdir, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { ARCHIVE_LIMITS, archiveKind, unpackArchive, type ArchiveLimits } from "./archive.ts";
import { parseGhost } from "./ghost.ts";
import { head } from "./head.ts";
import { parseMarkdownFolder, type FolderSource } from "./markdown-folder.ts";
import { ImportRefused, type ImportBundle } from "./model.ts";
import { parseQuireExport, quireExportIn } from "./quire-export.ts";
import { ItemSpool, type ItemKeeper } from "./spool.ts";
import { parseWxr } from "./wxr.ts";
import { XML_LIMITS } from "./xml-stream.ts";

/** The most a Ghost JSON export may be: it is parsed whole. */
const JSON_MAX = 256 * 1024 * 1024;

export interface ReadImport {
  bundle: ImportBundle;
  /** The unpacked archive, where its images are. */
  archiveRoot?: string;
  /** Closes the file the items' text is kept in (in the work folder): the bundle is done with. */
  close(): void;
}

async function readLoose(file: string, maxBytes: number, keeper: ItemKeeper): Promise<ImportBundle | null> {
  const start = (await head(file)).trimStart();
  if (start.startsWith("<")) {
    return parseWxr(createReadStream(file, { highWaterMark: 256 * 1024 }), { ...XML_LIMITS, maxBytes }, keeper);
  }
  if (start.startsWith("{")) {
    const size = (await stat(file)).size;
    if (size > Math.min(JSON_MAX, maxBytes))
      throw new ImportRefused(`The JSON file is over ${Math.min(JSON_MAX, maxBytes) / 1024 / 1024} MiB`);
    return parseGhost(await readFile(file, "utf8"), keeper);
  }
  return null;
}

type Read = Omit<ReadImport, "close">;

/** Reads with the items' text kept in a file of `workDir`; the answer's `close` ends it. */
async function spooled(workDir: string, read: (keeper: ItemKeeper) => Promise<Read>): Promise<ReadImport> {
  await mkdir(workDir, { recursive: true });
  const spool = new ItemSpool(join(workDir, `items-${randomUUID()}.spool`));
  try {
    return { ...(await read(spool)), close: () => spool.close() };
  } catch (e) {
    spool.close();
    throw e;
  }
}

/**
 * Reads `file` (unpacking an archive into `workDir`) into a bundle, or refuses it saying why.
 * The items' bodies and comments are kept in `workDir` until `close`.
 */
export async function readImport(
  file: string,
  workDir: string,
  limits: { maxBytes: number; archive?: ArchiveLimits },
): Promise<ReadImport> {
  const size = (await stat(file)).size;
  if (size > limits.maxBytes)
    throw new ImportRefused(`The file is over ${Math.round(limits.maxBytes / 1024 / 1024)} MiB, the most an import takes`);
  if (size === 0) throw new ImportRefused("The file is empty");
  return spooled(workDir, (keeper) => readFromFile(file, workDir, limits, keeper));
}

async function readFromFile(
  file: string,
  workDir: string,
  limits: { maxBytes: number; archive?: ArchiveLimits },
  keeper: ItemKeeper,
): Promise<Read> {
  if (!(await archiveKind(file))) {
    const bundle = await readLoose(file, limits.maxBytes, keeper);
    if (!bundle)
      throw new ImportRefused(
        "This is not a file Quire imports: a WordPress export (.xml), a Ghost export (.json), or a zip or tar.gz of either or of Markdown files",
      );
    return { bundle };
  }
  const root = join(workDir, "unpacked");
  const files = await unpackArchive(file, root, { ...ARCHIVE_LIMITS, maxTotalBytes: limits.maxBytes * 4, ...limits.archive });
  const quire = await readQuire({ root, files }, keeper);
  if (quire) return quire;
  // An export inside the archive (a Ghost zip's JSON, a WXR beside wp-content/uploads).
  for (const candidate of files.filter((f) => /\.(xml|json)$/i.test(f) && !/(^|\/)(package|tsconfig|manifest)\.json$/i.test(f))) {
    const bundle = await readLoose(join(root, candidate), limits.maxBytes, keeper).catch((e: unknown) => {
      // A JSON or XML file that is not an export is just a file of a Markdown site.
      if (e instanceof ImportRefused && /not a (WordPress|Ghost) export/.test(e.message)) return null;
      throw e;
    });
    if (bundle) return { bundle, archiveRoot: join(root, dirname(candidate)) };
  }
  return { bundle: await parseMarkdownFolder({ root, files }, keeper), archiveRoot: root };
}

export interface ImportPreview {
  source: ImportBundle["source"];
  site: ImportBundle["site"];
  posts: number;
  pages: number;
  drafts: number;
  scheduled: number;
  tags: number;
  comments: number;
  people: number;
  images: number;
  skipped: ImportBundle["skipped"];
  warnings: ImportBundle["warnings"];
}

/** What an import would bring, for the admin to confirm. */
export function previewOf(bundle: ImportBundle): ImportPreview {
  const images = new Set<string>();
  for (const item of bundle.items) {
    for (const m of item.body.matchAll(/!\[[^\]]*\]\(\s*([^)\s]+)/g)) images.add(m[1]!);
    if (item.cover) images.add(item.cover.url);
  }
  return {
    source: bundle.source,
    site: bundle.site,
    posts: bundle.items.filter((i) => i.kind === "post").length,
    pages: bundle.items.filter((i) => i.kind === "page").length,
    drafts: bundle.items.filter((i) => i.status === "draft").length,
    scheduled: bundle.items.filter((i) => i.status === "scheduled").length,
    tags: new Set(bundle.items.flatMap((i) => i.tags.map((t) => t.toLowerCase()))).size,
    comments: bundle.items.reduce((n, i) => n + i.comments.length, 0),
    people: new Set(bundle.items.map((i) => i.authorRef).filter(Boolean)).size,
    images: images.size,
    skipped: bundle.skipped,
    warnings: bundle.warnings,
  };
}

/** Every file under `dir`, relative and "/"-separated (a folder given on the command line). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"));
}

/** A file or, on the command line, a folder (Quire's export unpacked, or Markdown): read like an upload. */
export async function readImportPath(path: string, workDir: string, limits: { maxBytes: number }): Promise<ReadImport> {
  if ((await stat(path)).isDirectory()) {
    const folder = { root: path, files: await filesUnder(path) };
    return spooled(
      workDir,
      async (keeper) => (await readQuire(folder, keeper)) ?? { bundle: await parseMarkdownFolder(folder, keeper), archiveRoot: path },
    );
  }
  return readImport(path, workDir, limits);
}

async function readQuire(folder: FolderSource, keeper: ItemKeeper): Promise<Read | null> {
  const base = await quireExportIn(folder);
  if (base === null) return null;
  const { bundle, root } = await parseQuireExport(folder, base, keeper);
  return { bundle, archiveRoot: root };
}
