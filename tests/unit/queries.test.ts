// Reader pages cost a fixed number of queries however much there is to show.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authorPage, feed, homePage, pagePage, postPage, searchPage, sitemap, tagIndexPage, tagPage } from "../../src/server/reader.ts";
import { siteSettings } from "../../src/server/settings.ts";
import { createBackend, type Backend } from "./harness.ts";

let b: Backend;
beforeEach(async () => {
  b = await createBackend();
});
afterEach(() => b.close());

/** A site with `n` of everything: posts (each tagged), pages, authors and comments with replies. */
async function grow(n: number) {
  const { caller: editing } = await b.signUp("Editor", "editor");
  let page = { id: "", slug: "" };
  for (let i = 0; i < Math.min(n, 5); i++) {
    page = await editing.post.create({ kind: "page", title: `About gardens ${i}`, body: `Gardens, page ${i}` });
    await editing.post.publish({ id: page.id });
  }
  const authors = await Promise.all(Array.from({ length: Math.min(n, 4) }, (_, i) => b.signUp(`Author ${i}`)));
  const readers = await Promise.all(Array.from({ length: Math.min(n, 3) }, (_, i) => b.signUp(`Reader ${i}`, "reader")));
  let target = { id: "", slug: "" };
  for (let i = 0; i < n; i++) {
    const { caller } = authors[i % authors.length]!;
    const post = await caller.post.create({ title: `Post ${i} about gardens`, body: `Gardens ${i}`, tags: ["gardens", `t${i % 5}`] });
    await caller.post.publish({ id: post.id, at: new Date(Date.now() - (n - i) * 1000) });
    target = post;
  }
  for (let i = 0; i < n; i++) {
    const { caller } = readers[i % readers.length]!;
    const top = await caller.comment.create({ postId: target.id, body: `Comment ${i}` });
    await caller.comment.create({ postId: target.id, parentId: top.id, body: `Reply ${i}` });
  }
  return { target, authorId: authors[0]!.userId, pageSlug: page.slug };
}

async function count(page: () => Promise<unknown>): Promise<number> {
  // The site's settings (posts per page…) are read once per process and kept until they
  // change, so no page pays for them but the first.
  await siteSettings(b.db.db);
  b.queries.length = 0;
  await page();
  return b.queries.length;
}

describe("queries per reader page", () => {
  it("do not grow with the number of posts, tags, authors or comments", async () => {
    const small = await grow(2);
    const api = await b.anonymous();
    const pages = (w: { target: { slug: string }; authorId: string; pageSlug: string }) => ({
      home: () => homePage(undefined, api),
      post: () => postPage(w.target.slug, api),
      page: () => pagePage(w.pageSlug, api),
      tag: () => tagPage("gardens", undefined, api),
      tags: () => tagIndexPage(api),
      author: () => authorPage(w.authorId, undefined, api),
      search: () => searchPage("gardens", undefined, api),
      feed: () => feed(undefined, api),
      sitemap: () => sitemap(api),
    });
    const before: Record<string, number> = {};
    for (const [name, page] of Object.entries(pages(small))) before[name] = await count(page);

    const large = await grow(30);
    const after: Record<string, number> = {};
    for (const [name, page] of Object.entries(pages(large))) after[name] = await count(page);

    expect(after).toEqual(before);
    // And the counts are small: a page is a handful of indexed queries (the post page, the
    // most, reads the post, its tags, both neighbours, the schedule and its thread).
    for (const n of Object.values(after)) expect(n).toBeLessThanOrEqual(8);
  });
});

/** SQLite's plan for a statement, one line per step (parameters unbound: plans do not depend on them). */
async function plan(statement: string): Promise<string[]> {
  const args = Array.from(statement.matchAll(/\?/g), () => null);
  const result = await b.db.client.execute({ sql: `explain query plan ${statement}`, args });
  return result.rows.map((r) => String(r.detail));
}

describe("query plans of reader pages", () => {
  // At 10,000 posts a full scan or a sort of every public post is what turned a 2 ms page
  // into a 25 ms one (and a search for a common word into seconds): every statement these
  // pages send must reach its rows through an index. (The tag index and the sitemap list
  // everything there is, so they are left out.)
  it("never scan a whole table or sort every post", async () => {
    const { target, authorId, pageSlug } = await grow(3);
    const api = await b.anonymous();
    const later = (await homePage(undefined, api))!.page.items.at(-1)!;
    const pages = {
      home: () => homePage(undefined, api),
      "home, next page": async () => {
        const first = await api.post.list({ limit: 1 });
        return api.post.list({ limit: 1, cursor: first.nextCursor! });
      },
      post: () => postPage(target.slug, api),
      page: () => pagePage(pageSlug, api),
      "older post": () => postPage(later.slug, api),
      tag: () => tagPage("gardens", undefined, api),
      "tag, next page": async () => {
        const first = await api.post.list({ tag: "gardens", limit: 1 });
        return api.post.list({ tag: "gardens", limit: 1, cursor: first.nextCursor! });
      },
      author: () => authorPage(authorId, undefined, api),
      search: () => searchPage("gardens", undefined, api),
    };
    const problems: string[] = [];
    for (const [name, page] of Object.entries(pages)) {
      b.queries.length = 0;
      await page();
      expect(b.queries.length, name).toBeGreaterThan(0);
      for (const statement of [...b.queries]) {
        const steps = await plan(statement);
        const fullScan = steps.find((s) => /^SCAN (post|comment|user|tag|post_tag)\b/.test(s));
        const sortsPosts =
          /order by "?post(_tag)?"?\."?(published|public)_at/i.test(statement) && steps.some((s) => s.includes("TEMP B-TREE FOR ORDER BY"));
        if (fullScan || sortsPosts)
          problems.push(`${name}: ${fullScan ?? "sorts posts"} in\n  ${statement.replace(/\s+/g, " ").slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
