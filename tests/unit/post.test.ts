import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBackend, type Backend } from "./harness.ts";

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
  return "OK";
}

async function zodFieldsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TRPCError && e.code === "BAD_REQUEST" && e.cause && "issues" in e.cause) {
      return (e.cause as { issues: { path: PropertyKey[]; code: string; keys?: string[] }[] }).issues.flatMap((i) =>
        i.code === "unrecognized_keys" ? (i.keys ?? []).map((k) => `unknown:${k}`) : [i.path.join(".")],
      );
    }
    throw e;
  }
  return [];
}

let b: Backend;
beforeEach(async () => {
  b = await createBackend();
});
afterEach(() => b.close());

describe("post router: the owner", () => {
  it("creates a draft with a slug derived from the title, rendered HTML and an excerpt", async () => {
    const { caller, userId } = await b.signUp("Olive Owner");
    const post = await caller.post.create({ title: "Héllo, Wörld!", body: "First **bold** paragraph.\n\nSecond." });
    expect(post).toMatchObject({
      slug: "hello-world",
      status: "draft",
      authorId: userId,
      version: 1,
      excerpt: "First bold paragraph.",
      publishedAt: null,
    });
    expect(post.html).toContain("<strong>bold</strong>");
  });

  it("gives a second post with the same title a free slug, but refuses an explicit taken slug", async () => {
    const { caller } = await b.signUp("Olive Owner");
    await caller.post.create({ title: "Same title" });
    const second = await caller.post.create({ title: "Same title" });
    expect(second.slug).toBe("same-title-2");
    expect(await codeOf(caller.post.create({ title: "Other", slug: "same-title" }))).toBe("CONFLICT");
    const third = await caller.post.create({ title: "Third" });
    expect(await codeOf(caller.post.update({ id: third.id, version: 1, slug: "same-title" }))).toBe("CONFLICT");
    // Look-alike addresses do not count as taken numbers; the first free number is used.
    await caller.post.create({ title: "Same title extra" });
    await caller.post.create({ title: "Other", slug: "same-title-4" });
    expect((await caller.post.create({ title: "Same title!" })).slug).toBe("same-title-3");
    expect((await caller.post.create({ title: "Same title" })).slug).toBe("same-title-5");
    // Titles with no letter or digit of any script count up from "untitled".
    const untitled = [];
    for (const title of ["👾 🙇", "<>", "—"]) untitled.push((await caller.post.create({ title })).slug);
    expect(untitled).toEqual(["untitled", "untitled-2", "untitled-3"]);
  });

  it("edits with the version it started from, and gets CONFLICT on a stale version", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const post = await caller.post.create({ title: "Draft" });
    const edited = await caller.post.update({ id: post.id, version: 1, title: "Edited", body: "New *body*" });
    expect(edited).toMatchObject({ title: "Edited", version: 2, excerpt: "New body" });
    expect(edited.html).toContain("<em>body</em>");
    expect(await codeOf(caller.post.update({ id: post.id, version: 1, title: "Stale" }))).toBe("CONFLICT");
    expect((await caller.post.byId({ id: post.id })).title).toBe("Edited");
  });

  it("keeps an author's own excerpt through body edits, and derives one again when it is cleared", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const post = await caller.post.create({ title: "T", body: "First para.", excerpt: "My own words" });
    expect(post).toMatchObject({ excerpt: "My own words", excerptCustom: true });
    const edited = await caller.post.update({ id: post.id, version: 1, body: "Another para." });
    expect(edited).toMatchObject({ excerpt: "My own words", excerptCustom: true });
    const cleared = await caller.post.update({ id: post.id, version: 2, excerpt: "" });
    expect(cleared).toMatchObject({ excerpt: "Another para.", excerptCustom: false });
  });

  it("publishes, unpublishes and deletes, purging the reader pages each change touches", async () => {
    const { caller, userId } = await b.signUp("Olive Owner");
    const anon = await b.anonymous();
    const post = await caller.post.create({ title: "Going live", body: "Hello readers." });
    expect(b.purged).toEqual([]); // a new draft is on no public page
    expect(await codeOf(anon.post.bySlug({ slug: "going-live" }))).toBe("NOT_FOUND");

    const live = await caller.post.publish({ id: post.id });
    expect(live.status).toBe("published");
    expect(live.publishedAt).toBeInstanceOf(Date);
    const tags = [`post:${post.id}`, "list", `author:${userId}`];
    expect(b.purged.at(-1)).toEqual(tags);
    expect((await anon.post.bySlug({ slug: "going-live" })).title).toBe("Going live");
    expect((await anon.post.list()).items.map((p) => p.slug)).toEqual(["going-live"]);

    await caller.post.update({ id: post.id, version: live.version, title: "Going live, edited" });
    expect(b.purged.at(-1)).toEqual(tags);
    expect((await anon.post.bySlug({ slug: "going-live" })).title).toBe("Going live, edited");

    await caller.post.unpublish({ id: post.id });
    expect(b.purged.at(-1)).toEqual(tags);
    expect(await codeOf(anon.post.bySlug({ slug: "going-live" }))).toBe("NOT_FOUND");
    expect((await anon.post.list()).items).toEqual([]);

    const purgesBefore = b.purged.length;
    await caller.post.delete({ id: post.id });
    expect(b.purged.length).toBe(purgesBefore); // it was a draft: no public page changes
    expect(await codeOf(caller.post.byId({ id: post.id }))).toBe("NOT_FOUND");
  });

  it("deleting a published post purges its pages", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const post = await caller.post.create({ title: "Short-lived" });
    await caller.post.publish({ id: post.id });
    b.purged.length = 0;
    await caller.post.delete({ id: post.id });
    expect(b.purged).toHaveLength(1);
    expect(b.purged[0]).toContain(`post:${post.id}`);
  });

  it("lists their own posts, drafts included, and nobody else's", async () => {
    const owner = await b.signUp("Olive Owner");
    const other = await b.signUp("Oscar Other");
    await owner.caller.post.create({ title: "Mine" });
    await other.caller.post.create({ title: "Theirs" });
    expect((await owner.caller.post.mine()).map((p) => p.title)).toEqual(["Mine"]);
  });

  it("previews Markdown through the reader's pipeline, sanitized", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const { html } = await caller.post.preview({
      body: "# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n```js\nconst a = 1;\n```",
    });
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain('class="shiki');
    expect(html).not.toMatch(/<script|javascript:|onerror|<img/i);
  });

  it("highlights the languages it knows, each loaded when first used, and shows others as plain text", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const { html } = await caller.post.preview({
      body: "```rust\nfn main() {}\n```\n\n```cobol\nDISPLAY 'HI'.\n```\n\n```no-such-language\nx\n```",
    });
    const blocks = html.split("<pre").slice(1);
    expect(blocks).toHaveLength(3);
    // rust is one of Quire's languages: its keyword gets a colour of its own.
    expect(blocks[0]).toMatch(/<span style="color:#[0-9A-F]{6};--shiki-dark:#[0-9A-F]{6}">fn<\/span>/i);
    // cobol is a language shiki has but Quire does not offer; the last is nobody's.
    for (const plain of blocks.slice(1)) expect(plain.match(/<span style=/g) ?? []).toHaveLength(0);
    expect(blocks[1]).toContain("<span>DISPLAY 'HI'.</span>");
  });
});

describe("post router: another author", () => {
  it("gets FORBIDDEN on every change to someone else's post, and NOT_FOUND for their drafts", async () => {
    const owner = await b.signUp("Olive Owner");
    const other = await b.signUp("Oscar Other");
    const draft = await owner.caller.post.create({ title: "Private draft" });
    const live = await owner.caller.post.create({ title: "Public post" });
    await owner.caller.post.publish({ id: live.id });

    expect(await codeOf(other.caller.post.byId({ id: draft.id }))).toBe("NOT_FOUND");
    expect((await other.caller.post.byId({ id: live.id })).title).toBe("Public post");
    for (const id of [draft.id, live.id]) {
      expect(await codeOf(other.caller.post.update({ id, version: 1, title: "Mine now" }))).toBe("FORBIDDEN");
      expect(await codeOf(other.caller.post.publish({ id }))).toBe("FORBIDDEN");
      expect(await codeOf(other.caller.post.unpublish({ id }))).toBe("FORBIDDEN");
      expect(await codeOf(other.caller.post.delete({ id }))).toBe("FORBIDDEN");
    }
    expect((await owner.caller.post.byId({ id: draft.id })).title).toBe("Private draft");
  });

  it("an editor may change any post", async () => {
    const owner = await b.signUp("Olive Owner");
    const editor = await b.signUp("Edna Editor", "editor");
    const post = await owner.caller.post.create({ title: "Needs an edit" });
    expect((await editor.caller.post.byId({ id: post.id })).title).toBe("Needs an edit");
    expect((await editor.caller.post.update({ id: post.id, version: 1, title: "Edited" })).title).toBe("Edited");
    expect((await editor.caller.post.publish({ id: post.id })).status).toBe("published");
  });

  it("a reader account may not write", async () => {
    const reader = await b.signUp("Rita Reader", "reader");
    expect(await codeOf(reader.caller.post.create({ title: "Hello" }))).toBe("FORBIDDEN");
    expect(await codeOf(reader.caller.post.mine())).toBe("FORBIDDEN");
  });
});

describe("post router: anonymous", () => {
  it("is UNAUTHORIZED for every write and for `mine`", async () => {
    const owner = await b.signUp("Olive Owner");
    const post = await owner.caller.post.create({ title: "Draft" });
    const anon = await b.anonymous();
    expect(await codeOf(anon.post.mine())).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.post.create({ title: "x" }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.post.update({ id: post.id, version: 1, title: "x" }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.post.publish({ id: post.id }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.post.unpublish({ id: post.id }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.post.delete({ id: post.id }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.post.preview({ body: "x" }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.post.byId({ id: post.id }))).toBe("NOT_FOUND");
  });

  it("reads published posts newest first, a page at a time, with a cursor that does not skip or repeat", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const p = await caller.post.create({ title: `Post ${i}` });
      await caller.post.publish({ id: p.id });
      ids.push(p.id);
    }
    await caller.post.create({ title: "Unpublished draft" });
    const anon = await b.anonymous();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await anon.post.list({ limit: 3, cursor });
      seen.push(...page.items.map((p) => p.title));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["Post 6", "Post 5", "Post 4", "Post 3", "Post 2", "Post 1", "Post 0"]);
    expect(await codeOf(anon.post.list({ cursor: "not-a-cursor" }))).toBe("BAD_REQUEST");
  });

  it("gets NOT_FOUND for unknown ids and slugs", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const anon = await b.anonymous();
    expect(await codeOf(anon.post.bySlug({ slug: "nothing-here" }))).toBe("NOT_FOUND");
    expect(await codeOf(anon.post.byId({ id: "no-such-id" }))).toBe("NOT_FOUND");
    expect(await codeOf(caller.post.update({ id: "no-such-id", version: 1, title: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(caller.post.publish({ id: "no-such-id" }))).toBe("NOT_FOUND");
    expect(await codeOf(caller.post.unpublish({ id: "no-such-id" }))).toBe("NOT_FOUND");
    expect(await codeOf(caller.post.delete({ id: "no-such-id" }))).toBe("NOT_FOUND");
  });
});

describe("post router: input validation", () => {
  it("names the field and the reason, and writes nothing", async () => {
    const { caller } = await b.signUp("Olive Owner");
    expect(await zodFieldsOf(caller.post.create({ title: "" }))).toEqual(["title"]);
    expect(await zodFieldsOf(caller.post.create({ title: "   " }))).toEqual(["title"]);
    expect(await zodFieldsOf(caller.post.create({ title: "x".repeat(201) }))).toEqual(["title"]);
    expect(await zodFieldsOf(caller.post.create({ title: "ok", slug: "Not A Slug!" }))).toEqual(["slug"]);
    expect(await zodFieldsOf(caller.post.create({ title: "ok", slug: "double--hyphen" }))).toEqual(["slug"]);
    // @ts-expect-error unknown fields are refused, not ignored
    expect(await zodFieldsOf(caller.post.create({ title: "ok", status: "published" }))).toEqual(["unknown:status"]);
    const post = await caller.post.create({ title: "Valid" });
    // @ts-expect-error authorId is not an input
    expect(await zodFieldsOf(caller.post.update({ id: post.id, version: 1, authorId: "someone" }))).toEqual(["unknown:authorId"]);
    expect(await zodFieldsOf(caller.post.update({ id: post.id, version: 0, title: "x" }))).toEqual(["version"]);
    expect((await caller.post.mine()).map((p) => p.title)).toEqual(["Valid"]);
  });
});

describe("post router: a post's own language", () => {
  /** The first problem zod found, by field, as the formatter would put it before the message. */
  async function refusalOf(promise: Promise<unknown>): Promise<{ field: string; message: string } | null> {
    try {
      await promise;
    } catch (e) {
      if (e instanceof TRPCError && e.code === "BAD_REQUEST" && e.cause && "issues" in e.cause) {
        const [issue] = (e.cause as { issues: { path: PropertyKey[]; message: string }[] }).issues;
        return { field: issue!.path.join("."), message: issue!.message };
      }
      throw e;
    }
    return null;
  }

  it("is the site's until set, is stored as Intl writes the tag, and stays through other edits", async () => {
    const { caller } = await b.signUp("Lena Lang");
    const anon = await b.anonymous();
    const draft = await caller.post.create({ title: "Grüß Gott" });
    expect(draft.lang).toBeNull();

    const set = await caller.post.update({ id: draft.id, version: 1, lang: "de-at" });
    expect(set).toMatchObject({ lang: "de-AT", version: 2 });
    const live = await caller.post.publish({ id: draft.id });
    expect((await anon.post.bySlug({ slug: live.slug })).lang).toBe("de-AT");
    expect((await anon.post.list()).items.find((p) => p.id === draft.id)?.lang).toBe("de-AT");

    // An edit that does not name the language keeps it, and a change to it purges the post's pages.
    b.purged.length = 0;
    const retitled = await caller.post.update({ id: draft.id, version: live.version, title: "Servus" });
    expect(retitled.lang).toBe("de-AT");
    const script = await caller.post.update({ id: draft.id, version: retitled.version, lang: " zh-hant-tw " });
    expect(script.lang).toBe("zh-Hant-TW");
    expect(b.purged.at(-1)).toContain(`post:${draft.id}`);

    // Empty gives it back to the site's language.
    expect((await caller.post.update({ id: draft.id, version: script.version, lang: "" })).lang).toBeNull();
    expect((await caller.post.create({ title: "Bonjour", lang: "FR-ca" })).lang).toBe("fr-CA");
  });

  it("refuses what is not a language tag, saying what to write, and changes nothing", async () => {
    const { caller } = await b.signUp("Lena Lang");
    const draft = await caller.post.update({ id: (await caller.post.create({ title: "T" })).id, version: 1, lang: "de" });
    for (const bad of ["en_US", "deutsch!", "a", "x-private-only", "1234"]) {
      expect(await refusalOf(caller.post.update({ id: draft.id, version: draft.version, lang: bad }))).toEqual({
        field: "lang",
        message: "Use a language tag such as en, de-AT or zh-Hant (BCP 47), or leave it empty",
      });
    }
    expect(await refusalOf(caller.post.create({ title: "T", lang: "en-" + "x".repeat(40) }))).toMatchObject({ field: "lang" });
    expect(await caller.post.byId({ id: draft.id })).toMatchObject({ lang: "de", version: draft.version });
  });

  it("loses to a newer version like any other edit, keeping the text as a revision", async () => {
    const { caller } = await b.signUp("Lena Lang");
    const post = await caller.post.create({ title: "Both", body: "Mine" });
    await caller.post.update({ id: post.id, version: 1, body: "Theirs" });
    expect(await codeOf(caller.post.update({ id: post.id, version: 1, body: "Mine, in Dutch", lang: "nl" }))).toBe("CONFLICT");
    expect((await caller.post.byId({ id: post.id })).lang).toBeNull();
    expect((await caller.post.revisions({ id: post.id })).map((r) => r.kind)).toContain("conflict");
  });
});

describe("one writer", () => {
  it("takes 60 parallel creates and publishes on a database file without a busy error", async () => {
    const file = await createBackend({ file: true });
    try {
      const writers = await Promise.all([0, 1, 2, 3].map((i) => file.signUp(`Writer ${i}`)));
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, async (_, i) => {
          const { caller } = writers[i % writers.length]!;
          const post = await caller.post.create({ title: `Parallel ${i}`, body: `Body ${i}` });
          return caller.post.publish({ id: post.id });
        }),
      );
      const failures = results.filter((r) => r.status === "rejected");
      expect(failures).toEqual([]);
      const anon = await file.anonymous();
      expect((await anon.post.list({ limit: 50 })).items).toHaveLength(50);
      const all = await Promise.all(writers.map((w) => w.caller.post.mine()));
      expect(all.flat()).toHaveLength(60);
    } finally {
      file.close();
    }
  });
});
