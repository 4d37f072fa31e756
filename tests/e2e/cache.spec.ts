import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { READER_PAGE_CACHE_CONTROL } from "../../src/lib/cache-tags.ts";
import { apiAuthor } from "./helpers.ts";
import { startQuire, type QuireProcess } from "./servers/quire.ts";

const external = Boolean(process.env.E2E_BASE_URL);
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test("a cached reader page answers 304 to its ETag and 200 with the same ETag otherwise", async ({ playwright, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const writer = await playwright.request.newContext();
  const author = await apiAuthor(writer, origin, "Etta Etag");
  const title = `Validators ${unique()}`;
  const draft = await author.mutate("post.create", { title, body: "Strong *validators*." });
  const published = await author.mutate("post.publish", { id: draft.id });
  const reader = await playwright.request.newContext({ baseURL: origin });
  const path = `/posts/${published.slug}`;

  const first = await reader.get(path);
  expect(first.status()).toBe(200);
  const etag = first.headers()["etag"]!;
  expect(etag).toMatch(/^"[^"]+"$/); // strong: no W/
  expect(first.headers()["cache-control"]).toBe(READER_PAGE_CACHE_CONTROL);
  const html = await first.text();
  expect(html).toContain("Strong <em>validators</em>.");

  const revalidated = await reader.get(path, { headers: { "if-none-match": etag } });
  expect(revalidated.status()).toBe(304);
  expect((await revalidated.body()).length).toBe(0);
  expect(revalidated.headers()["etag"]).toBe(etag);

  const unconditional = await reader.get(path, { headers: { "if-none-match": '"not-this-one"' } });
  expect(unconditional.status()).toBe(200);
  expect(unconditional.headers()["etag"]).toBe(etag);
  expect(await unconditional.text()).toBe(html);

  // A purge that leaves the page's bytes as they were (the author saves an unchanged
  // profile: the page carries author:<id>): rendered again, still a 304.
  await author.mutate("user.updateProfile", { name: "Etta Etag", bio: "", image: "" });
  const rerendered = await reader.get(path, { headers: { "if-none-match": etag } });
  if (!external) expect(rerendered.headers()["x-astro-cache"]).toBe("MISS");
  expect(rerendered.status()).toBe(304);
  expect(rerendered.headers()["etag"]).toBe(etag);

  // A real change: the old validator no longer matches.
  await author.mutate("post.update", { id: draft.id, version: published.version, body: "Changed." });
  const changed = await reader.get(path, { headers: { "if-none-match": etag } });
  expect(changed.status()).toBe(200);
  expect(changed.headers()["etag"]).not.toBe(etag);
  expect(await changed.text()).toContain("Changed.");

  await author.mutate("post.delete", { id: draft.id });
  await Promise.all([writer.dispose(), reader.dispose()]);
});

test.describe("two server processes on one database", () => {
  test.skip(Boolean(process.env.E2E_BASE_URL), "starts its own servers, which a deployed site does not let it do");

  test("a post published through one shows on the other's cached pages within a second", async ({ playwright }) => {
    const dir = mkdtempSync(join(tmpdir(), "quire-two-"));
    const dbFile = join(dir, "shared.db");
    const servers: QuireProcess[] = [];
    let exitCodes: (number | null)[] | undefined;
    try {
      // One after the other: the first migrates the new database.
      const one = await startQuire({ dbFile });
      servers.push(one);
      const two = await startQuire({ dbFile });
      servers.push(two);
      const writer = await playwright.request.newContext();
      const reader = await playwright.request.newContext({ baseURL: two.url });
      const author = await apiAuthor(writer, one.url, "Tess Twoservers");
      const title = `Across processes ${unique()}`;
      const draft = await author.mutate("post.create", { title, body: "Seen *everywhere*." });

      // The second process has its home page cached, without the post.
      expect((await reader.get("/")).headers()["x-astro-cache"]).toBe("MISS");
      const cached = await reader.get("/");
      expect(cached.headers()["x-astro-cache"]).toBe("HIT");
      expect(await cached.text()).not.toContain(title);

      const published = await author.mutate("post.publish", { id: draft.id });
      await expect.poll(async () => (await reader.get("/")).text(), { timeout: 1000, intervals: [25] }).toContain(title);

      // The post's own page, cached there as well, follows an edit made through the first.
      const path = `/posts/${published.slug}`;
      expect(await (await reader.get(path)).text()).toContain("Seen <em>everywhere</em>.");
      expect((await reader.get(path)).headers()["x-astro-cache"]).toBe("HIT");
      await author.mutate("post.update", { id: draft.id, version: published.version, body: "Edited *elsewhere*." });
      await expect
        .poll(async () => (await reader.get(path)).text(), { timeout: 1000, intervals: [25] })
        .toContain("Edited <em>elsewhere</em>.");

      await Promise.all([writer.dispose(), reader.dispose()]);
    } finally {
      exitCodes = await Promise.all(servers.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
    // Both stopped gracefully on SIGTERM.
    expect(exitCodes).toEqual([0, 0]);
  });
});

test("query strings a page does not read are served the one cached copy, which names the plain address", async ({
  playwright,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const writer = await playwright.request.newContext();
  const author = await apiAuthor(writer, origin, "Ursula Utm");
  const draft = await author.mutate("post.create", { title: `Tracked ${unique()}`, body: "Shared *widely*." });
  const published = await author.mutate("post.publish", { id: draft.id });
  const reader = await playwright.request.newContext({ baseURL: origin });
  const path = `/posts/${published.slug}`;

  // The first reader came from a newsletter link: the copy stored for them is the page's.
  const tracked = await reader.get(`${path}?utm_source=newsletter&utm_medium=email&ref=abc`);
  expect(tracked.status()).toBe(200);
  const html = await tracked.text();
  expect(html).toContain(`rel="canonical" href="${origin}${path}"`);
  expect(html).not.toContain("utm_source");
  for (const junk of ["", "?fbclid=1", "?after=zzz", `?r=${unique()}`]) {
    const again = await reader.get(`${path}${junk}`);
    if (!external) expect(again.headers()["x-astro-cache"], junk).toBe("HIT");
    expect(again.headers()["etag"], junk).toBe(tracked.headers()["etag"]);
  }
  // A list reads its `after`, and only that.
  const home = await reader.get("/?utm_campaign=x");
  expect(await home.text()).toContain(`rel="canonical" href="${origin}/"`);
  await writer.dispose();
  await reader.dispose();
});

test("reader pages, feeds, the sitemap and the built scripts arrive compressed, and repeat visits get a 304", async ({
  page,
  request,
  playwright,
  baseURL,
}) => {
  // Enough to compress: a feed and a sitemap of a few posts.
  const origin = new URL(baseURL!).origin;
  const writer = await playwright.request.newContext();
  const author = await apiAuthor(writer, origin, "Zelda Zipped");
  for (let i = 0; i < 3; i++) {
    const draft = await author.mutate("post.create", {
      title: `Compressed ${i} ${unique()}`,
      body: "A paragraph. ".repeat(40),
      tags: ["wire"],
    });
    await author.mutate("post.publish", { id: draft.id });
  }
  // A page as the browser fetches it: Chromium asks for Brotli over HTTPS and for gzip over
  // plain HTTP, and gets what it asked for either way.
  const home = (await page.goto("/"))!;
  const asked = (await home.request().headerValue("accept-encoding")) ?? "";
  expect(await home.headerValue("content-encoding")).toBe(/\bbr\b/.test(asked) ? "br" : "gzip");
  expect(await home.headerValue("vary")).toMatch(/accept-encoding/i);
  await expect(page.getByRole("heading", { name: "Latest writing" })).toBeVisible();

  for (const path of ["/rss.xml", "/sitemap.xml", "/"]) {
    await request.get(path);
    const br = await request.get(path, { headers: { "accept-encoding": "br" } });
    expect(br.headers()["content-encoding"], path).toBe("br");
    const gz = await request.get(path, { headers: { "accept-encoding": "gzip" } });
    expect(gz.headers()["content-encoding"], path).toBe("gzip");
    // The same document, whichever encoding carried it (the client decodes both).
    expect(await gz.text(), path).toBe(await br.text());
    const again = await request.get(path, { headers: { "accept-encoding": "br", "if-none-match": br.headers().etag! } });
    expect(again.status(), path).toBe(304);
    expect(br.headers().etag, path).not.toBe(gz.headers().etag);
  }

  const script = /component-url="(\/_astro\/[^"]+\.js)"/.exec(await (await request.get("/sign-in")).text())?.[1];
  expect(script, "the sign-in page loads a built island").toMatch(/^\/_astro\/[\w.-]+\.js$/);
  const asset = await request.get(script!, { headers: { "accept-encoding": "br" } });
  expect(asset.headers()["content-encoding"]).toBe("br");
  expect(asset.headers()["content-type"]).toMatch(/javascript/);
});
