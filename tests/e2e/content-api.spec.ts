// Ghost's own Content API client, unchanged, against the built server: what a headless
// front end written for Ghost would do with a Quire content key. Posts are written by two
// authors over HTTP under a tag of this run's own, so specs running alongside change
// nothing these lists count.
import { expect, request as requests, test } from "@playwright/test";
import GhostContentAPI from "@tryghost/content-api";
import { ADMIN_STATE, apiAuthor } from "./helpers.ts";

test.describe.configure({ mode: "serial" });

const tag = `ghost-client-${Date.now().toString(36)}`;
let key = "";
let origin = "";
let authorId = "";
const slugs: Record<string, string> = {};

test.beforeAll(async ({ browser, baseURL }) => {
  origin = baseURL!;
  const admin = await requests.newContext({ baseURL: origin, storageState: ADMIN_STATE });
  const made = await admin.post("/api/trpc/apiKey.create", {
    data: { json: { type: "content", name: "Ghost client" } },
    headers: { origin },
  });
  expect(made.status(), await made.text()).toBe(200);
  key = ((await made.json()) as { result: { data: { json: { secret: string } } } }).result.data.json.secret;
  await admin.dispose();

  const contexts = [await browser.newContext(), await browser.newContext()];
  const first = await apiAuthor(contexts[0]!.request, origin, "Gita Ghostwriter");
  const second = await apiAuthor(contexts[1]!.request, origin, "Hal Headless");
  const write = async (author: typeof first, title: string, publish = true) => {
    const post = await author.mutate("post.create", {
      title,
      body: `A post called *${title}*.\n\nSecond paragraph.`,
      tags: [tag, "Headless"],
    });
    if (publish) await author.mutate("post.publish", { id: post.id });
    slugs[title] = post.slug;
    return post;
  };
  const one = await write(first, "Alpha");
  await write(first, "Beta");
  await write(first, "Gamma");
  await write(second, "Delta");
  await write(first, "Hidden draft", false);
  authorId = (await first.query<{ authorId: string }>("post.byId", { id: one.id }).then((a) => (a.ok ? a.data : null)))!.authorId;
  for (const context of contexts) await context.close();
});

const api = () => new GhostContentAPI({ url: origin, key, version: "v5.0" });

test("browses posts with limit, page, include and a tag filter, newest first, never a draft", async () => {
  const page1 = await api().posts.browse({ limit: 3, page: 1, include: "tags,authors", filter: `tag:${tag}` });
  expect(page1.map((p) => p.title)).toEqual(["Delta", "Gamma", "Beta"]);
  expect(page1.meta.pagination).toMatchObject({ page: 1, limit: 3, pages: 2, total: 4, next: 2, prev: null });
  expect(page1[0]!.tags!.map((t) => t.slug)).toContain(tag);
  expect(page1[0]!.authors![0]!.name).toBe("Hal Headless");
  const page2 = await api().posts.browse({ limit: 3, page: 2, filter: `tag:${tag}` });
  expect(page2.map((p) => p.title)).toEqual(["Alpha"]);
  expect(JSON.stringify([...page1, ...page2])).not.toContain("Hidden draft");
});

test("filters by author", async () => {
  const posts = await api().posts.browse({ filter: `author:${authorId}+tag:${tag}`, limit: 10 });
  expect(posts.map((p) => p.title)).toEqual(["Gamma", "Beta", "Alpha"]);
});

test("reads a post by slug with html and plaintext, and a draft's slug is not found", async () => {
  const post = await api().posts.read({ slug: slugs.Beta! }, { formats: ["html", "plaintext"] });
  expect(post.title).toBe("Beta");
  expect(post.html).toContain("<em>Beta</em>");
  expect(post.plaintext).toBe("A post called Beta.\n\nSecond paragraph.");
  expect(post.url).toBe(`${origin}/posts/${slugs.Beta}`);
  await expect(api().posts.read({ slug: slugs["Hidden draft"]! })).rejects.toMatchObject({ name: "NotFoundError" });
});

test("browses tags with their post counts, and reads an author without an email address", async () => {
  const tags = await api().tags.browse({ include: "count.posts", filter: `slug:${tag}` });
  expect(tags).toHaveLength(1);
  expect(tags[0]).toMatchObject({ slug: tag, count: { posts: 4 } });
  const author = await api().authors.read({ id: authorId }, { include: "count.posts" });
  expect(author).toMatchObject({ id: authorId, name: "Gita Ghostwriter", count: { posts: 3 } });
  expect(JSON.stringify(author)).not.toContain("@");
});

test("browses the settings", async ({ request }) => {
  // The site's title as its pages name it, read before and after: other specs may rename the
  // site meanwhile, so the API's answer is one of the two.
  const pageTitle = async () => {
    const html = await (await request.get("/")).text();
    const raw = /<meta property="og:site_name" content="([^"]*)"/.exec(html)?.[1];
    expect(raw, "the home page names the site").toBeDefined();
    return raw!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  };
  const before = await pageTitle();
  const settings = await api().settings.browse();
  const after = await pageTitle();
  expect([before, after]).toContain(settings.title);
  expect(settings.title!.trim().length).toBeGreaterThan(0);
  expect(settings.url).toBe(`${origin}/`);
  expect(Array.isArray(settings.navigation)).toBe(true);
});

test("a wrong key gets Ghost's 401 error", async () => {
  const wrong = new GhostContentAPI({ url: origin, key: "0123456789abcdef0123456789", version: "v5.0" });
  type Refusal = { name: string; message: string; response: { status: number; data: unknown } };
  const error = await wrong.posts.browse().then(
    () => null,
    (e: unknown) => e as Refusal,
  );
  expect(error).toMatchObject({ name: "UnauthorizedError", message: "Unknown Content API Key" });
  expect(error!.response.status).toBe(401);
  expect(error!.response.data).toEqual({ errors: [{ message: "Unknown Content API Key", type: "UnauthorizedError" }] });
});
