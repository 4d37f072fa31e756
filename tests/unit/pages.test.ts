// Pages (About, Contact…): written in the posts' editor by editors and admins, served at
// /<slug>, in the sitemap and search, and in no list of posts, feed, tag or author page.
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authorPage, feed, homePage, pagePage, searchPage, sitemap, tagIndexPage } from "../../src/server/reader.ts";
import { createBackend, type Backend } from "./harness.ts";

/** The code and message a call failed with, or "OK". */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string } | "OK"> {
  try {
    await promise;
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message };
    throw e;
  }
}

let b: Backend;
beforeEach(async () => {
  b = await createBackend();
});
afterEach(() => b.close());

/** An editor with a published About page, and an author with a published post. */
async function site() {
  const editor = await b.signUp("Edna Editor", "editor");
  const author = await b.signUp("Olive Owner", "author");
  const about = await editor.caller.post.create({ kind: "page", title: "About", body: "Who writes here, and why. Contact us." });
  const post = await author.caller.post.create({ title: "A post about gardens", body: "Tomatoes.", tags: ["Gardens"] });
  await author.caller.post.publish({ id: post.id });
  return { editor, author, about, post, anon: await b.anonymous() };
}

describe("pages: editors write them", () => {
  it("an editor creates, edits and publishes a page, which readers find at its address, undated in no list", async () => {
    const editor = await b.signUp("Edna Editor", "editor");
    const anon = await b.anonymous();
    const draft = await editor.caller.post.create({ kind: "page", title: "About", body: "Who *we* are." });
    expect(draft).toMatchObject({ kind: "page", slug: "about", status: "draft", version: 1 });
    expect(await refusal(anon.page.bySlug({ slug: "about" }))).toMatchObject({ code: "NOT_FOUND" });

    const edited = await editor.caller.post.update({ id: draft.id, version: 1, body: "Who *we* are, and why." });
    expect(edited).toMatchObject({ version: 2, excerpt: "Who we are, and why." });
    const live = await editor.caller.post.publish({ id: draft.id });
    expect(live.status).toBe("published");

    const page = await anon.page.bySlug({ slug: "about" });
    expect(page).toMatchObject({ id: draft.id, title: "About" });
    expect(page.html).toContain("<em>we</em>");
    const reader = await pagePage("about", anon);
    expect(reader?.cache.tags).toEqual([`post:${draft.id}`]);
    // Not a post: not at /posts/about, and the dashboard's own list has it.
    expect(await refusal(anon.post.bySlug({ slug: "about" }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await editor.caller.page.all()).map((p) => [p.title, p.status])).toEqual([["About", "published"]]);
    expect(await editor.caller.post.mine()).toEqual([]);
  });

  it("an admin unpublishes and deletes a page an editor made; its revisions are kept like a post's", async () => {
    const { editor, about, anon } = await site();
    const admin = (await b.signUp("Ada Admin", "admin")).caller;
    await editor.caller.post.publish({ id: about.id });
    await admin.post.update({ id: about.id, version: 2, title: "About us" });
    expect((await admin.post.revisions({ id: about.id })).map((r) => r.title)).toEqual(["About us", "About"]);
    expect(await refusal(admin.post.update({ id: about.id, version: 2, title: "Stale" }))).toMatchObject({ code: "CONFLICT" });
    await admin.post.unpublish({ id: about.id });
    expect(await refusal(anon.page.bySlug({ slug: "about" }))).toMatchObject({ code: "NOT_FOUND" });
    await admin.post.delete({ id: about.id });
    expect(await admin.page.all()).toEqual([]);
  });

  it("authors and readers cannot make, change, list or read an unpublished page, and are told why", async () => {
    const { author, about } = await site();
    const reader = await b.signUp("Rita Reader", "reader");
    const why = { code: "FORBIDDEN", message: "Only editors and admins manage the site's pages" };
    expect(await refusal(author.caller.post.create({ kind: "page", title: "Mine" }))).toEqual(why);
    expect(await refusal(author.caller.post.update({ id: about.id, version: 1, title: "Mine" }))).toEqual(why);
    expect(await refusal(author.caller.post.publish({ id: about.id }))).toEqual(why);
    expect(await refusal(author.caller.post.delete({ id: about.id }))).toEqual(why);
    expect(await refusal(author.caller.page.all())).toEqual(why);
    expect(await refusal(author.caller.post.byId({ id: about.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal(reader.caller.post.create({ kind: "page", title: "Mine" }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(reader.caller.page.all())).toEqual(why);
  });
});

describe("pages: what they cannot have", () => {
  it("refuses one of the site's own addresses, saying so under the slug, and steps over one made from a title", async () => {
    const editor = (await b.signUp("Edna Editor", "editor")).caller;
    const message = "slug: /search is one of the site's own addresses: choose another address for this page";
    expect(await refusal(editor.post.create({ kind: "page", title: "Search", slug: "search" }))).toEqual({ code: "BAD_REQUEST", message });
    expect(await refusal(editor.post.create({ kind: "page", title: "Feed", slug: "feed" }))).toMatchObject({
      message: expect.stringContaining("/feed is one of the site's own addresses"),
    });
    // Made from the title, it takes the next free one, as a taken slug does.
    expect((await editor.post.create({ kind: "page", title: "Search" })).slug).toBe("search-2");
    const page = await editor.post.create({ kind: "page", title: "Help" });
    expect(await refusal(editor.post.update({ id: page.id, version: 1, slug: "dashboard" }))).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^slug: \/dashboard is one of the site's own addresses/),
    });
    // A post lives under /posts/: those names are its to take.
    expect((await editor.post.create({ title: "Search", slug: "search" })).slug).toBe("search");
    expect((await editor.page.all()).map((p) => p.slug)).toEqual(["help", "search-2"]);
  });

  it("shares addresses with posts: one slug, one of them", async () => {
    const { editor } = await site();
    await editor.caller.post.create({ title: "Colophon", slug: "colophon" });
    expect(await refusal(editor.caller.post.create({ kind: "page", title: "Colophon", slug: "colophon" }))).toEqual({
      code: "CONFLICT",
      message: "slug: Another post or page already uses this slug",
    });
    expect(await refusal(editor.caller.post.create({ title: "About", slug: "about" }))).toMatchObject({ code: "CONFLICT" });
  });

  it("refuses tags, a schedule and comments", async () => {
    const { editor, about } = await site();
    const reader = await b.signUp("Rita Reader", "reader");
    expect(await refusal(editor.caller.post.create({ kind: "page", title: "Contact", tags: ["x"] }))).toEqual({
      code: "BAD_REQUEST",
      message: "tags: A page has no tags; leave them out",
    });
    expect(await refusal(editor.caller.post.update({ id: about.id, version: 1, tags: ["x"] }))).toMatchObject({
      message: expect.stringMatching(/^tags: /),
    });
    expect(await refusal(editor.caller.post.publish({ id: about.id, at: new Date(Date.now() + 3_600_000) }))).toEqual({
      code: "BAD_REQUEST",
      message: "at: A page is published at once; it cannot be scheduled",
    });
    expect((await editor.caller.post.byId({ id: about.id })).status).toBe("draft");
    await editor.caller.post.publish({ id: about.id });
    expect(await refusal(reader.caller.comment.create({ postId: about.id, body: "Hello" }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("rejects a kind that is neither, naming the field", async () => {
    const editor = (await b.signUp("Edna Editor", "editor")).caller;
    const refused = await editor.post
      // @ts-expect-error not a kind
      .create({ kind: "note", title: "x" })
      .then(
        () => null,
        (e: TRPCError) => e,
      );
    expect(refused?.code).toBe("BAD_REQUEST");
    expect((refused?.cause as unknown as { issues: { path: string[]; message: string }[] }).issues).toMatchObject([
      { path: ["kind"], message: "Either post or page" },
    ]);
    expect(await editor.page.all()).toEqual([]);
  });
});

describe("pages: where readers meet them", () => {
  it("are in no list of posts, feed, tag or author page", async () => {
    const { editor, about, post, anon } = await site();
    await editor.caller.post.publish({ id: about.id });
    const titles = (items: { title: string }[]) => items.map((i) => i.title);
    expect(titles((await homePage(undefined, anon))!.page.items)).toEqual(["A post about gardens"]);
    expect(titles((await anon.post.list()).items)).toEqual(["A post about gardens"]);
    expect(titles((await feed(undefined, anon))!.items)).toEqual(["A post about gardens"]);
    expect((await tagIndexPage(anon)).tags.map((t) => [t.slug, t.posts])).toEqual([["gardens", 1]]);
    // Someone who has written only pages is no public author.
    expect(await refusal(anon.user.byId({ id: editor.userId }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await authorPage(editor.userId, undefined, anon)).toBeNull();
    // A post's neighbours are posts: the page published after it is not its "newer".
    expect((await anon.post.bySlug({ slug: post.slug })).next).toBeNull();
  });

  it("are in the sitemap and in search, marked as pages", async () => {
    const { editor, about, anon } = await site();
    await editor.caller.post.create({ kind: "page", title: "Contact draft", body: "Not yet." });
    expect((await sitemap(anon)).entries.pages).toEqual([]);
    await editor.caller.post.publish({ id: about.id });

    const { entries, cache } = await sitemap(anon);
    expect(entries.pages.map((p) => p.slug)).toEqual(["about"]);
    expect(entries.posts.map((p) => p.slug)).toEqual(["a-post-about-gardens"]);
    expect(cache.tags).toContain("pages");

    const found = await anon.post.search({ q: "contact" });
    expect(found.items.map((i) => [i.title, i.kind, i.slug])).toEqual([["About", "page", "about"]]);
    const both = await searchPage("about", undefined, anon);
    expect(both.results?.items.map((i) => i.kind).sort()).toEqual(["page", "post"]);
    expect(both.cache.tags).toContain("pages");
  });
});
