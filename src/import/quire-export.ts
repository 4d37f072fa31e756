// Quire's own export (src/export/site.ts) read back in full: its Markdown through the folder
// reader, then what only Quire's export carries: everyone with their role, each post's
// comments with their replies and states, the settings and menus, and the redirects. Known by
// its manifest, at the archive's top or in the one folder the archive holds.
import { readFile, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import type { z } from "zod";
import { Comments, EXPORT_FILES, EXPORT_FORMAT, EXPORT_VERSION, ExportedSettings, Manifest, People, Redirects } from "../export/format.ts";
import { IMAGE_SETTINGS, MENU_SETTINGS } from "../lib/settings.ts";
import { ARCHIVE_URL, parseMarkdownFolder, type FolderSource } from "./markdown-folder.ts";
import { ImportRefused, type ImportBundle, type ImportComment, type ImportPerson } from "./model.ts";
import { inMemory, type ItemKeeper } from "./spool.ts";

/** The most one of the export's JSON files may be: each is parsed whole. */
const JSON_MAX = 256 * 1024 * 1024;

/** The folder (inside `folder.root`, "" for its top) that holds a Quire export, or null. */
export async function quireExportIn(folder: FolderSource): Promise<string | null> {
  for (const file of folder.files) {
    const parts = file.split("/");
    if (parts.length > 2 || parts.at(-1) !== EXPORT_FILES.manifest) continue;
    const text = await readFile(join(folder.root, file), "utf8").catch(() => "");
    if (!text.includes(EXPORT_FORMAT)) continue;
    try {
      if ((JSON.parse(text) as { format?: unknown }).format === EXPORT_FORMAT) return parts.length === 2 ? parts[0]! : "";
    } catch {
      // Some other manifest.json.
    }
  }
  return null;
}

async function readJson<T extends z.ZodType>(root: string, file: string, schema: T, fallback?: z.output<T>): Promise<z.output<T>> {
  const path = join(root, file);
  const size = await stat(path).then(
    (s) => s.size,
    () => null,
  );
  if (size === null) {
    if (fallback !== undefined) return fallback;
    throw new ImportRefused(`The export has no ${file}`);
  }
  if (size > JSON_MAX) throw new ImportRefused(`${file} is over ${JSON_MAX / 1024 / 1024} MiB`);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new ImportRefused(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImportRefused(`${file}: ${issue.path.join(".") || "the file"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads the export in `folder.root`/`base` (as `quireExportIn` found it). */
export async function parseQuireExport(
  folder: FolderSource,
  base: string,
  keeper: ItemKeeper = inMemory,
): Promise<{ bundle: ImportBundle; root: string }> {
  const root = base ? join(folder.root, base) : folder.root;
  const files = base ? folder.files.filter((f) => f.startsWith(`${base}/`)).map((f) => f.slice(base.length + 1)) : folder.files;
  const manifest = await readJson(root, EXPORT_FILES.manifest, Manifest);
  if (manifest.version > EXPORT_VERSION) {
    throw new ImportRefused(
      `This export is version ${manifest.version} of Quire's format, made by a newer Quire; this one reads version ${EXPORT_VERSION}. Update Quire, then import it.`,
    );
  }
  const items = files.filter((f) => f.startsWith(`${EXPORT_FILES.posts}/`) || f.startsWith(`${EXPORT_FILES.pages}/`));
  // Media files come along so the Markdown's relative image paths resolve to them.
  const media = files.filter((f) => f.startsWith(`${EXPORT_FILES.media}/`));
  const bundle =
    items.length > 0
      ? await parseMarkdownFolder({ root, files: [...items, ...media] }, keeper)
      : ({ source: "quire", site: {}, people: [], items: [], skipped: [], warnings: [] } satisfies ImportBundle);
  bundle.source = "quire";
  bundle.site = { url: manifest.site.url, title: manifest.site.title };

  // Quire's addresses are the slugs themselves; the old ones are all in redirects.json.
  for (const item of bundle.items) item.oldPaths = [];
  bundle.redirects = await readJson(root, EXPORT_FILES.redirects, Redirects, []);

  const people = new Map<string, ImportPerson>(bundle.people.map((p) => [p.ref, p]));
  for (const p of await readJson(root, EXPORT_FILES.people, People, [])) {
    const email = p.email.toLowerCase();
    people.set(email, { ref: email, name: p.name, email, bio: p.bio, role: p.role });
    if (p.role === "admin") {
      bundle.warnings.push({
        where: p.name || email,
        message: `Comes in as an admin, as in the export, unless ${email} has an account here already`,
      });
    }
  }
  bundle.people = [...people.values()];

  const byFile = new Map(bundle.items.map((i) => [i.ref, i]));
  for (const { post, comments } of await readJson(root, EXPORT_FILES.comments, Comments, [])) {
    const ref = `file:${post.replace(/\.\w+$/, "")}`;
    const item = byFile.get(ref);
    if (!item) {
      bundle.warnings.push({ where: post, message: `${comments.length} comments are for a post the export does not hold` });
      continue;
    }
    item.comments = comments.map((c): ImportComment => ({
      ref: `${ref}#${c.id}`,
      parentRef: c.parent ? `${ref}#${c.parent}` : undefined,
      authorName: c.author.name,
      authorEmail: c.author.email.toLowerCase(),
      body: c.body,
      createdAt: new Date(c.createdAt),
      editedAt: c.editedAt ? new Date(c.editedAt) : undefined,
      status: c.status,
    }));
  }

  const settings = await readJson(root, EXPORT_FILES.settings, ExportedSettings, {});
  for (const key of IMAGE_SETTINGS) {
    const path = settings[key];
    if (typeof path !== "string" || !path) continue;
    const inArchive = posix.normalize(path);
    settings[key] = !inArchive.startsWith("..") && files.includes(inArchive) ? `${ARCHIVE_URL}${inArchive}` : null;
  }
  for (const key of MENU_SETTINGS) {
    const menu = settings[key];
    if (!Array.isArray(menu)) continue;
    settings[key] = menu.map((link: unknown) => {
      if (!link || typeof link !== "object" || typeof (link as { file?: unknown }).file !== "string") return link;
      const { file, ...rest } = link as { file: string };
      return { ...rest, item: `file:${file.replace(/\.\w+$/, "")}` };
    });
  }
  bundle.settings = settings;
  return { bundle, root };
}
