// The people an import brings: authors matched to accounts by email or made (they sign in by
// resetting their password), commenters likewise as readers, and the comment rows they wrote.
import { createHash, randomUUID } from "node:crypto";
import type { Role } from "../lib/constants.ts";
import { renderCommentMarkdown } from "../lib/markdown.ts";
import { createImportedUser, usersByEmail } from "../server/queries/imports.ts";
import { clean, importKey, type ImportBundle, type ImportComment, type ImportItem } from "./model.ts";
import type { ImportOptions, ImportReport, ImportTarget } from "./write.ts";

/** Authors by their ref in the bundle: matched by email, else made as authors. */
export async function people(
  target: ImportTarget,
  bundle: ImportBundle,
  items: ImportItem[],
  report: ImportReport,
  options: ImportOptions,
) {
  // Everyone a source gives a role to comes along (Quire's own export); elsewhere only authors.
  const wanted = new Set([...items.map((i) => i.authorRef), ...bundle.people.filter((p) => p.role).map((p) => p.ref)].filter(Boolean));
  const known = await usersByEmail(
    target.db.db,
    bundle.people.flatMap((p) => (p.email ? [p.email] : [])),
  );
  const ids = new Map<string, string>();
  for (const person of bundle.people) {
    if (!wanted.has(person.ref)) continue;
    if (!person.email) {
      report.warnings.push({ where: person.name, message: "No email address: their posts are yours" });
      ids.set(person.ref, options.actorId);
      continue;
    }
    const existing = known.get(person.email);
    if (existing) {
      report.people.matched++;
      ids.set(person.ref, existing);
      continue;
    }
    ids.set(
      person.ref,
      await createImportedUser(target.db, {
        name: clean(person.name).slice(0, 100) || person.email,
        email: person.email,
        role: person.role ?? ("author" satisfies Role),
        bio: person.bio && clean(person.bio).slice(0, 500),
      }),
    );
    report.people.created++;
  }
  for (const ref of wanted) {
    if (ref && !ids.has(ref)) {
      report.warnings.push({ where: ref, message: "An author the export does not describe: their posts are yours" });
      ids.set(ref, options.actorId);
    }
  }
  return ids;
}

/**
 * Who wrote a comment: their address, or, without one, their name (the same name with an
 * address elsewhere in the import is taken to be the same person).
 */
function commenterKeys(items: ImportItem[]): (c: { authorName: string; authorEmail?: string }) => string {
  const emailOf = new Map<string, string>();
  for (const item of items)
    for (const c of item.comments) if (c.authorEmail && !emailOf.has(c.authorName)) emailOf.set(c.authorName, c.authorEmail);
  return (c) => c.authorEmail ?? emailOf.get(c.authorName) ?? `name:${c.authorName}`;
}

export async function commenters(
  target: ImportTarget,
  bundle: ImportBundle,
  items: ImportItem[],
  authorIds: Map<string, string>,
  report: ImportReport,
) {
  const keyOf = commenterKeys(items);
  const all = new Map<string, { name: string; email?: string }>();
  for (const item of items) {
    for (const c of item.comments) {
      const key = keyOf(c);
      all.set(key, { name: c.authorName, email: key.startsWith("name:") ? undefined : key });
    }
  }
  const known = await usersByEmail(
    target.db.db,
    [...all.values()].flatMap((p) => (p.email ? [p.email] : [])),
  );
  // An author answering in the comments often has no address there, only their name.
  const authorsByName = new Map(bundle.people.flatMap((p) => (authorIds.get(p.ref) ? [[p.name, authorIds.get(p.ref)!] as const] : [])));
  const ids = new Map<string, string>();
  for (const [key, person] of all) {
    const existing = (person.email && known.get(person.email)) || (!person.email && authorsByName.get(person.name));
    if (existing) {
      ids.set(key, existing);
      continue;
    }
    // Without an address nobody can sign in as them: .invalid is reserved for exactly that.
    const email = person.email ?? `commenter-${createHash("sha256").update(person.name).digest("hex").slice(0, 16)}@imported.invalid`;
    ids.set(key, await createImportedUser(target.db, { name: clean(person.name).slice(0, 100) || "Reader", email, role: "reader" }));
    report.people.created++;
  }
  return { ids, keyOf };
}

export async function commentRows(
  item: ImportItem,
  postId: string,
  commenters: { ids: Map<string, string>; keyOf: (c: ImportComment) => string },
  bundle: ImportBundle,
) {
  const ids = new Map(item.comments.map((c) => [c.ref, randomUUID()]));
  const ordered = [...item.comments].sort((a, b) => Number(Boolean(a.parentRef)) - Number(Boolean(b.parentRef)));
  return Promise.all(
    ordered.map(async (c) => {
      const body = c.status === "deleted" ? "" : clean(c.body).slice(0, 10_000);
      return {
        id: ids.get(c.ref)!,
        key: importKey(bundle, c.ref),
        postId,
        authorId: commenters.ids.get(commenters.keyOf(c))!,
        parentId: c.parentRef ? (ids.get(c.parentRef) ?? null) : null,
        body,
        html: await renderCommentMarkdown(body),
        status: c.status,
        createdAt: c.createdAt,
        editedAt: c.editedAt ?? null,
      };
    }),
  );
}
