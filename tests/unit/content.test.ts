import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PostConflict } from "../../src/server/errors.ts";
import { COMMENT_EDIT_WINDOW_MS } from "../../src/lib/constants.ts";
import { createBackend, type Backend } from "./harness.ts";
import { uploadedAvatar } from "./media-fixtures.ts";

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TRPCError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

let b: Backend;
beforeEach(async () => {
  b = await createBackend();
});
afterEach(() => {
  vi.useRealTimers();
  b.close();
});

describe("two people, one post", () => {
  it("two editors saving from the same version: exactly one wins, the other gets CONFLICT, both texts are kept", async () => {
    const owner = await b.signUp("Olive Owner");
    const ed1 = await b.signUp("Edna Editor", "editor");
    const ed2 = await b.signUp("Eddie Editor", "editor");
    const post = await owner.caller.post.create({ title: "Shared", body: "Original" });

    const results = await Promise.allSettled([
      ed1.caller.post.update({ id: post.id, version: 1, body: "Edna's text" }),
      ed2.caller.post.update({ id: post.id, version: 1, body: "Eddie's text" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = (lost[0] as PromiseRejectedResult).reason as TRPCError;
    expect(error.code).toBe("CONFLICT");
    // The loser is told what the server has now.
    expect(error.cause).toBeInstanceOf(PostConflict);
    const current = (error.cause as PostConflict).current;
    expect(current.version).toBe(2);

    const latest = await owner.caller.post.byId({ id: post.id });
    expect(["Edna's text", "Eddie's text"]).toContain(latest.body);
    expect(current.body).toBe(latest.body);
    const revisions = await owner.caller.post.revisions({ id: post.id });
    const bodies = await Promise.all(revisions.map(async (r) => (await owner.caller.post.revision({ id: r.id })).body));
    expect(bodies).toEqual(expect.arrayContaining(["Original", "Edna's text", "Eddie's text"]));
    expect(revisions.filter((r) => r.kind === "conflict")).toHaveLength(1);
  });

  it("the loser can save again on top of the current version: no silent overwrite, nothing lost", async () => {
    const owner = await b.signUp("Olive Owner");
    const post = await owner.caller.post.create({ title: "T", body: "v1" });
    await owner.caller.post.update({ id: post.id, version: 1, body: "tab A" });
    const e = await failure(owner.caller.post.update({ id: post.id, version: 1, body: "tab B" }));
    const current = (e.cause as PostConflict).current;
    const merged = await owner.caller.post.update({ id: post.id, version: current.version, body: `${current.body}\n\ntab B` });
    expect(merged.body).toBe("tab A\n\ntab B");
    expect(merged.version).toBe(3);
  });
});

describe("revisions", () => {
  it("every save writes one; restoring an old one is itself a new revision", async () => {
    const owner = await b.signUp("Olive Owner");
    const post = await owner.caller.post.create({ title: "First title", body: "one", tags: ["Alpha"] });
    await owner.caller.post.update({ id: post.id, version: 1, title: "Second title", body: "two", tags: ["Beta"] });
    let revisions = await owner.caller.post.revisions({ id: post.id });
    expect(revisions.map((r) => [r.version, r.kind, r.title])).toEqual([
      [2, "save", "Second title"],
      [1, "save", "First title"],
    ]);
    const first = await owner.caller.post.revision({ id: revisions[1]!.id });
    expect(first).toMatchObject({ title: "First title", body: "one", tags: ["Alpha"] });

    const restored = await owner.caller.post.restore({ revisionId: first.id, version: 2 });
    expect(restored).toMatchObject({ title: "First title", body: "one", version: 3 });
    expect(restored.tags.map((t) => t.name)).toEqual(["Alpha"]);
    revisions = await owner.caller.post.revisions({ id: post.id });
    expect(revisions[0]).toMatchObject({ version: 3, kind: "restore", title: "First title" });
    expect(revisions).toHaveLength(3);
    // A restore from a stale version is a conflict like any other save.
    expect((await failure(owner.caller.post.restore({ revisionId: first.id, version: 2 }))).code).toBe("CONFLICT");
  });
});

describe("tags", () => {
  it("are unique by slug, case-insensitively, and counted by published posts", async () => {
    const { caller, userId } = await b.signUp("Olive Owner");
    const a = await caller.post.create({ title: "A", tags: ["JavaScript", "Web Dev"] });
    const c = await caller.post.create({ title: "C", tags: ["javascript", "WEB-dev", "Drafts only"] });
    expect(a.tags.map((t) => t.slug).sort()).toEqual(["javascript", "web-dev"]);
    expect(c.tags.map((t) => t.name)).toEqual(["Drafts only", "JavaScript", "Web Dev"]); // first spelling wins
    expect(await (await b.anonymous()).tag.all()).toEqual([]);

    await caller.post.publish({ id: a.id });
    expect(b.purged.at(-1)).toEqual([`post:${a.id}`, "list", `author:${userId}`, "tags", "tag:javascript", "tag:web-dev"]);
    await caller.post.publish({ id: c.id });
    const anon = await b.anonymous();
    expect(await anon.tag.all()).toEqual([
      { slug: "drafts-only", name: "Drafts only", posts: 1 },
      { slug: "javascript", name: "JavaScript", posts: 2 },
      { slug: "web-dev", name: "Web Dev", posts: 2 },
    ]);
    expect((await anon.post.list({ tag: "drafts-only" })).items.map((p) => p.title)).toEqual(["C"]);
    expect((await anon.tag.bySlug({ slug: "JavaScript" })).posts).toBe(2);

    // Changing a post's tags purges the old tag's pages too.
    const updated = await caller.post.update({ id: c.id, version: c.version + 1, tags: ["Rust"] });
    expect(updated.tags.map((t) => t.slug)).toEqual(["rust"]);
    expect(b.purged.at(-1)).toEqual(expect.arrayContaining(["tag:drafts-only", "tag:rust", "tag:javascript"]));
    expect((await anon.post.list({ tag: "drafts-only" })).items).toEqual([]);
  });

  it("suggests a draft's tags only to those who may edit it", async () => {
    const { caller: owner } = await b.signUp("Olive Owner");
    const { caller: other } = await b.signUp("Otto Other");
    const { caller: editor } = await b.signUp("Edna Editor", "editor");
    const { caller: reader } = await b.signUp("Rita Reader", "reader");
    const draft = await owner.post.create({ title: "Secret plans", tags: ["Unannounced"] });
    const shown = await owner.post.create({ title: "Out", tags: ["Announced"] });
    await owner.post.publish({ id: shown.id });
    const later = await owner.post.create({ title: "Soon", tags: ["Tomorrow"] });
    await owner.post.publish({ id: later.id, at: new Date(Date.now() + 3_600_000) });
    const names = async (c: typeof owner) => (await c.tag.names()).map((t) => t.slug);

    expect(await names(await b.anonymous())).toEqual(["announced"]);
    expect(await names(reader)).toEqual(["announced"]);
    expect(await names(other)).toEqual(["announced"]);
    expect(await names(owner)).toEqual(["announced", "tomorrow", "unannounced"]);
    expect(await names(editor)).toEqual(["announced", "tomorrow", "unannounced"]);
    // Once public, everyone is offered it.
    await owner.post.publish({ id: draft.id });
    expect(await names(await b.anonymous())).toEqual(["announced", "unannounced"]);
  });

  it("refuses empty, over-long and too many tags with a field error", async () => {
    const { caller } = await b.signUp("Olive Owner");
    for (const tags of [[""], ["!!!"], ["x".repeat(41)], Array.from({ length: 11 }, (_, i) => `t${i}`)]) {
      const e = await failure(caller.post.create({ title: "T", tags }));
      expect(e.code).toBe("BAD_REQUEST");
      expect(JSON.stringify(e.cause)).toContain("tags");
    }
  });
});

describe("scheduling", () => {
  it("a scheduled post appears at its time without anyone acting, and lists say when to refresh", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const anon = await b.anonymous();
    const post = await caller.post.create({ title: "Later", tags: ["Soon"] });
    const at = new Date(Date.now() + 60 * 60 * 1000);
    const scheduled = await caller.post.publish({ id: post.id, at });
    expect(scheduled.status).toBe("scheduled");
    expect(scheduled.publishedAt).toEqual(at);
    expect(b.purged.at(-1)).toContain("list"); // cached lists learn the new refresh time

    expect(await anon.post.bySlug({ slug: "later" }).catch((e: TRPCError) => e.code)).toBe("NOT_FOUND");
    const before = await anon.post.list();
    expect(before.items).toEqual([]);
    expect(before.refreshAt).toEqual(at);
    expect((await caller.post.mine())[0]!.status).toBe("scheduled");

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at.getTime() + 1000);
    expect((await anon.post.bySlug({ slug: "later" })).status).toBe("published");
    const after = await anon.post.list();
    expect(after.items.map((p) => p.title)).toEqual(["Later"]);
    expect(after.refreshAt).toBeNull();
    expect(await anon.tag.all()).toEqual([{ slug: "soon", name: "Soon", posts: 1 }]);
    expect((await caller.post.mine())[0]!.status).toBe("published");
  });

  it("a time in the past publishes at once", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const post = await caller.post.create({ title: "Now" });
    expect((await caller.post.publish({ id: post.id, at: new Date(Date.now() - 1000) })).status).toBe("published");
  });
});

describe("comments", () => {
  async function thread() {
    const owner = await b.signUp("Olive Owner");
    const reader = await b.signUp("Rita Reader", "reader");
    const other = await b.signUp("Oscar Other", "reader");
    const post = await owner.caller.post.create({ title: "Discuss" });
    await owner.caller.post.publish({ id: post.id });
    return { owner, reader, other, post };
  }

  it("readers comment and reply one level deep; a new comment purges the post page", async () => {
    const { reader, other, post } = await thread();
    const top = await reader.caller.comment.create({ postId: post.id, body: "Great *post*" });
    expect(b.purged.at(-1)).toEqual([`post:${post.id}`]);
    const reply = await other.caller.comment.create({ postId: post.id, parentId: top.id, body: "Agreed" });
    const deeper = await failure(reader.caller.comment.create({ postId: post.id, parentId: reply.id, body: "Too deep" }));
    expect(deeper.code).toBe("BAD_REQUEST");
    const { items } = await (await b.anonymous()).comment.byPost({ postId: post.id });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ html: "<p>Great <em>post</em></p>", author: { name: "Rita Reader" } });
    expect(items[0]!.replies.map((r) => r.html)).toEqual(["<p>Agreed</p>"]);
  });

  it("bodies are a safe Markdown subset: no HTML, no script, no javascript: links", async () => {
    const { reader, post } = await thread();
    const c = await reader.caller.comment.create({
      postId: post.id,
      body: "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://example.com)\n\n# not a heading",
    });
    expect(c.html).not.toMatch(/<script|<img|onerror|javascript:|<h1/i);
    expect(c.html).toContain('<a href="https://example.com" rel="nofollow ugc noopener">ok</a>');
    expect(c.html).toContain("not a heading"); // the text stays, the heading does not
    const empty = await failure(reader.caller.comment.create({ postId: post.id, body: "   " }));
    expect(empty.code).toBe("BAD_REQUEST");
  });

  it("can be edited by their author for 15 minutes, not after", async () => {
    const { reader, post } = await thread();
    const c = await reader.caller.comment.create({ postId: post.id, body: "Typo" });
    const edited = await reader.caller.comment.edit({ id: c.id, body: "Fixed" });
    expect(edited.html).toBe("<p>Fixed</p>");
    expect(edited.editedAt).toBeInstanceOf(Date);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + COMMENT_EDIT_WINDOW_MS + 1000);
    const late = await failure(reader.caller.comment.edit({ id: c.id, body: "Too late" }));
    expect(late.code).toBe("FORBIDDEN");
    expect(late.message).toMatch(/15 minutes/);
  });

  it("deleting keeps the thread's shape: a deleted comment with replies stays as a placeholder", async () => {
    const { reader, other, post } = await thread();
    const top = await reader.caller.comment.create({ postId: post.id, body: "Parent" });
    await other.caller.comment.create({ postId: post.id, parentId: top.id, body: "Child" });
    const lonely = await reader.caller.comment.create({ postId: post.id, body: "Alone" });
    await reader.caller.comment.delete({ id: top.id });
    await reader.caller.comment.delete({ id: lonely.id });
    const { items } = await (await b.anonymous()).comment.byPost({ postId: post.id });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ removed: true, html: "", author: null });
    expect(items[0]!.replies.map((r) => r.html)).toEqual(["<p>Child</p>"]);
  });

  it("the post's author hides a comment: gone for readers, listed for moderation, and back on unhide", async () => {
    const { owner, reader, post } = await thread();
    const c = await reader.caller.comment.create({ postId: post.id, body: "Spam spam" });
    await owner.caller.comment.hide({ id: c.id });
    expect(b.purged.at(-1)).toEqual([`post:${post.id}`]);
    const anon = await b.anonymous();
    expect((await anon.comment.byPost({ postId: post.id })).items).toEqual([]);
    expect((await owner.caller.comment.hidden({ id: post.id })).map((h) => h.id)).toEqual([c.id]);
    await owner.caller.comment.unhide({ id: c.id });
    expect((await anon.comment.byPost({ postId: post.id })).items.map((i) => i.id)).toEqual([c.id]);
  });

  it("cannot be made on drafts or unknown posts", async () => {
    const { owner, reader } = await thread();
    const draft = await owner.caller.post.create({ title: "Draft" });
    expect((await failure(reader.caller.comment.create({ postId: draft.id, body: "hi" }))).code).toBe("NOT_FOUND");
    expect((await failure(reader.caller.comment.create({ postId: "nope", body: "hi" }))).code).toBe("NOT_FOUND");
  });

  it("can be made on a scheduled post only once its time has come", async () => {
    const { owner, reader } = await thread();
    const later = await owner.caller.post.create({ title: "Soon to discuss" });
    const at = new Date(Date.now() + 60 * 60 * 1000);
    await owner.caller.post.publish({ id: later.id, at });
    // Twice: the second asks the kept statement, which must not keep the first time.
    for (let i = 0; i < 2; i++) {
      expect((await failure(reader.caller.comment.create({ postId: later.id, body: "early" }))).code).toBe("NOT_FOUND");
    }
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at.getTime() + 1000);
    const c = await reader.caller.comment.create({ postId: later.id, body: "on time" });
    expect(c.createdAt.getTime()).toBe(at.getTime() + 1000);
    vi.useRealTimers();
  });

  it("pages through top-level comments in order", async () => {
    const { reader, post } = await thread();
    for (let i = 0; i < 5; i++) {
      await reader.caller.comment.create({ postId: post.id, body: `c${i}` });
      await new Promise((r) => setTimeout(r, 2)); // distinct timestamps
    }
    const anon = await b.anonymous();
    const first = await anon.comment.byPost({ postId: post.id, limit: 3 });
    const second = await anon.comment.byPost({ postId: post.id, limit: 3, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((c) => c.html)).toEqual(["c0", "c1", "c2", "c3", "c4"].map((t) => `<p>${t}</p>`));
    expect(second.nextCursor).toBeNull();
  });
});

describe("profiles", () => {
  it("a person edits their name, bio and avatar; the change purges their author pages", async () => {
    const { caller, userId } = await b.signUp("Olive Owner");
    const avatar = await uploadedAvatar(b.db.write, userId);
    const me = await caller.user.updateProfile({ name: "Olive O.", bio: "Writes things.", image: avatar });
    expect(me).toMatchObject({ name: "Olive O.", bio: "Writes things.", image: avatar });
    expect(b.purged.at(-1)).toEqual([`author:${userId}`]);
    const bad = await failure(caller.user.updateProfile({ name: "", bio: "", image: "javascript:alert(1)" }));
    expect(bad.code).toBe("BAD_REQUEST");
    // Another site's image would be loaded by every reader's browser: only uploads here are avatars.
    for (const image of ["https://example.com/a.png", `/media/${"0".repeat(64)}/480.jpg`, avatar.replace(/\d+\.jpg$/, "9999.jpg")]) {
      const refused = await failure(caller.user.updateProfile({ name: "Olive O.", bio: "", image }));
      expect(refused.code, image).toBe("BAD_REQUEST");
      expect(refused.message, image).toMatch(/Upload the avatar here|No uploaded image has that address/);
    }
    expect((await caller.user.updateProfile({ name: "Olive O.", bio: "Writes things.", image: "" })).image).toBeNull();
    await caller.user.updateProfile({ name: "Olive O.", bio: "Writes things.", image: avatar });
    expect((await caller.user.me()).name).toBe("Olive O.");
    // No public page until they publish.
    expect((await failure((await b.anonymous()).user.byId({ id: userId }))).code).toBe("NOT_FOUND");
    const post = await caller.post.create({ title: "Hello" });
    await caller.post.publish({ id: post.id });
    expect((await (await b.anonymous()).user.byId({ id: userId })).bio).toBe("Writes things.");
  });
});

describe("search", () => {
  it("finds public posts by title and body, ranked, with escaped highlighted snippets", async () => {
    const { caller } = await b.signUp("Olive Owner");
    const publish = async (title: string, body: string) => {
      const p = await caller.post.create({ title, body });
      await caller.post.publish({ id: p.id });
      return p;
    };
    await publish("Gardening notes", "Tomatoes <script>alert(1)</script> ripen slowly in autumn.");
    await publish("Cooking", "A tomato sauce, in passing.");
    await caller.post.create({ title: "Tomato draft", body: "Secret tomatoes." });
    const anon = await b.anonymous();

    const found = await anon.post.search({ q: "tomato" });
    expect(found.total).toBe(2);
    expect(found.items.map((i) => i.title).sort()).toEqual(["Cooking", "Gardening notes"]); // stemmed, drafts excluded
    const garden = found.items.find((i) => i.title === "Gardening notes")!;
    // Matches come marked, as text: the page escapes it, and a body's "<script>" stays words.
    expect(garden.snippetMarked).toContainEqual({ text: "Tomatoes", match: true });
    expect(garden.snippetMarked.map((p) => p.text).join("")).toContain("<script>");
    expect(garden.titleMarked).toEqual([{ text: "Gardening notes", match: false }]);

    // Title matches outrank body matches; the last word matches as a prefix.
    await publish("Autumn", "Leaves.");
    expect((await anon.post.search({ q: "autum" })).items.map((i) => i.title)).toEqual(["Autumn", "Gardening notes"]);
    // Words, not syntax: quotes, operators and stray punctuation cannot break the query.
    for (const q of ['"', "tomato OR", "NEAR(", "*", "-tomato", "title:x", ")("]) {
      await expect(anon.post.search({ q })).resolves.toMatchObject({ items: expect.any(Array) });
    }
    expect((await anon.post.search({ q: "   " })).items).toEqual([]);

    // Edits and unpublishing are searchable at once.
    await caller.post.update({ id: garden.id, version: 2, body: "Now about peppers." });
    expect((await anon.post.search({ q: "peppers" })).items.map((i) => i.title)).toEqual(["Gardening notes"]);
    await caller.post.unpublish({ id: garden.id });
    expect((await anon.post.search({ q: "peppers" })).items).toEqual([]);
  });

  it("finds a word as it is written, fullwidth letters as their plain form, and words between bidi controls", async () => {
    const { caller } = await b.signUp("Wanda Words");
    for (const [title, body] of [
      ["Ordinals", "Symbols ¡™£¢∞§¶•ªº–≠ in a row."],
      ["Plain", "A test of widths."],
      ["Isolated", "Bidi-isolated \u2066word\u2069 and \u202Eother\u202C."],
    ]) {
      const p = await caller.post.create({ title: title!, body });
      await caller.post.publish({ id: p.id });
    }
    const anon = await b.anonymous();
    // NFKC alone would have looked for "ao", which the index (text as written) lacks.
    expect((await anon.post.search({ q: "ªº" })).items.map((i) => i.title)).toEqual(["Ordinals"]);
    expect((await anon.post.search({ q: "ｔｅｓｔ" })).items.map((i) => i.title)).toEqual(["Plain"]);
    expect((await anon.post.search({ q: "ｔｅｓｔ widths" })).items.map((i) => i.title)).toEqual(["Plain"]);
    // Invisible bidi controls around a word do not hide it (the index splits at them too).
    expect((await anon.post.search({ q: "word" })).items.map((i) => i.title)).toEqual(["Isolated"]);
    expect((await anon.post.search({ q: "other" })).items.map((i) => i.title)).toEqual(["Isolated"]);
  });
});

describe("a tag's copy of when its post went public", () => {
  // Tag pages walk post_tag's own (tag, public_at) index, so the copy kept by triggers
  // must match the post through every change, or a tag page would show a draft or lose
  // a published post.
  it("follows the post through draft, retag, publish, schedule, unpublish and delete", async () => {
    const { caller } = await b.signUp("Tess Tagger");
    const mismatches = async () => {
      const rows = await b.db.client.execute(`
        select pt.post_id, pt.tag_id, pt.public_at, p.status, p.published_at from post_tag pt join post p on p.id = pt.post_id
        where pt.public_at is not (case when p.status in ('published', 'scheduled') then p.published_at end)`);
      return rows.rows.length;
    };
    const count = async () => Number((await b.db.client.execute("select count(*) as n from post_tag")).rows[0]!.n);

    const post = await caller.post.create({ title: "Tagged", body: "Body", tags: ["one", "two"] });
    expect(await count()).toBe(2);
    expect(await mismatches()).toBe(0);
    const published = await caller.post.publish({ id: post.id });
    expect(await mismatches()).toBe(0);
    // Tags added after publishing get the date too; removed ones go.
    await caller.post.update({ id: post.id, version: published.version, tags: ["two", "three"] });
    expect(await count()).toBe(2);
    expect(await mismatches()).toBe(0);
    await expect(caller.tag.bySlug({ slug: "three" })).resolves.toMatchObject({ posts: 1 });
    await expect(caller.tag.bySlug({ slug: "one" })).rejects.toThrow(/No published posts/);

    const scheduled = await caller.post.publish({ id: post.id, at: new Date(Date.now() + 3_600_000) });
    expect(scheduled.status).toBe("scheduled");
    expect(await mismatches()).toBe(0);
    const anonymous = await b.anonymous();
    expect((await anonymous.post.list({ tag: "three", limit: 10 })).items).toHaveLength(0);

    await caller.post.publish({ id: post.id });
    expect((await anonymous.post.list({ tag: "three", limit: 10 })).items.map((p) => p.id)).toEqual([post.id]);
    await caller.post.unpublish({ id: post.id });
    expect(await mismatches()).toBe(0);
    expect((await anonymous.post.list({ tag: "three", limit: 10 })).items).toHaveLength(0);
    await expect(anonymous.tag.all()).resolves.toEqual([]);

    await caller.post.delete({ id: post.id });
    expect(await count()).toBe(0);
  });
});
