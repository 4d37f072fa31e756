// What `npm run import` does, apart from reading its arguments: the admin it acts as, the
// preview printed, the import run with its progress on one line, the report.
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { user } from "../../db/schema.ts";
import { managesPeople } from "../lib/permissions.ts";
import { createMediaStore } from "../media/storage.ts";
import type { Runtime } from "../runtime.ts";
import { ImportRefused, type ImportBundle } from "./model.ts";
import { previewOf, readImportPath } from "./read.ts";
import { writeBundle } from "./write.ts";

const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** The admin named by email, or the site's only admin. */
export async function adminFor(db: Database, email: string | undefined): Promise<{ id: string; email: string }> {
  const people = email
    ? await db.select({ id: user.id, email: user.email, role: user.role }).from(user).where(eq(user.email, email.toLowerCase()))
    : (await db.select({ id: user.id, email: user.email, role: user.role }).from(user)).filter((u) => managesPeople(u.role));
  if (email && !people[0]) throw new ImportRefused(`No account has the address ${email}`);
  if (email && !managesPeople(people[0]!.role)) throw new ImportRefused(`${email} is not an admin; imports are made as an admin`);
  if (!email && people.length !== 1) {
    throw new ImportRefused(
      people.length === 0
        ? "The site has no admin yet: make one with npm run user:create -- --email … --role admin"
        : "The site has several admins: say which with --as <email>",
    );
  }
  return people[0]!;
}

export async function runImportFromShell(
  runtime: Runtime,
  path: string,
  work: string,
  options: { actorId: string; fetchImages: boolean; dryRun: boolean; log: (line: string) => void },
): Promise<void> {
  const { bundle, archiveRoot, close } = await readImportPath(path, work, { maxBytes: runtime.config.import.maxBytes });
  try {
    await importRead(runtime, bundle, archiveRoot, options);
  } finally {
    close();
  }
}

async function importRead(
  { config, db, invalidation }: Runtime,
  bundle: ImportBundle,
  archiveRoot: string | undefined,
  options: { actorId: string; fetchImages: boolean; dryRun: boolean; log: (line: string) => void },
): Promise<void> {
  const p = previewOf(bundle);
  options.log(
    `${bundle.source} export${p.site.title ? ` of “${p.site.title}”` : ""}: ${n(p.posts, "post")}, ${n(p.pages, "page")} (${n(p.drafts, "draft")}, ${p.scheduled} scheduled), ${n(p.tags, "tag")}, ${n(p.comments, "comment")}, ${n(p.people, "author")}, ${n(p.images, "image")}.`,
  );
  for (const s of p.skipped) options.log(`  left out: ${s.where}: ${s.message}`);
  for (const w of p.warnings) options.log(`  note: ${w.where}: ${w.message}`);
  if (options.dryRun) return options.log("Dry run: nothing was imported.");
  let lastPhase = "";
  const report = await writeBundle(
    { db, media: await createMediaStore(config.media), mediaLimits: config.media, purge: (tags) => invalidation.purge(tags) },
    bundle,
    {
      actorId: options.actorId,
      archiveRoot,
      fetchImages: options.fetchImages,
      remote: { allowLoopback: config.import.allowLoopback },
      progress: ({ phase, done, total }) => {
        // One line redrawn on a terminal; a line a phase in a log.
        if (process.stdout.isTTY) process.stdout.write(`\r${phase}: ${done}/${total}   ${phase === "done" ? "\n" : ""}`);
        else if (phase !== lastPhase && phase !== "done") options.log(`${phase}: ${total} to go`);
        lastPhase = phase;
      },
    },
  );
  options.log(
    `Imported ${n(report.posts, "post")}, ${n(report.pages, "page")}, ${n(report.comments, "comment")}, ${n(report.images.imported, "image")}; ${n(report.people.created, "account")} made, ${report.people.matched} matched; ${n(report.redirects, "redirect")}.${report.alreadyImported ? ` ${report.alreadyImported} items were already imported and left as they are.` : ""}`,
  );
  for (const m of report.images.missing) options.log(`  image not imported: ${m.url} (${m.where}): ${m.why}`);
}
