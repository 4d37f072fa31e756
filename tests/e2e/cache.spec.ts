import { expect, test } from "@playwright/test";
import { READER_PAGE_CACHE_CONTROL } from "../../src/lib/cache-tags.ts";
import { apiAuthor } from "./helpers.ts";

const external = Boolean(process.env.E2E_BASE_URL);
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test("a cached reader page answers 304 to its ETag and 200 with the same ETag otherwise", async ({
  playwright,
  baseURL,
}) => {
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

  // A change that leaves the page's bytes as they were: rendered again, still a 304.
  const retitled = await author.mutate("post.update", { id: draft.id, version: published.version, title });
  const rerendered = await reader.get(path, { headers: { "if-none-match": etag } });
  if (!external) expect(rerendered.headers()["x-astro-cache"]).toBe("MISS");
  expect(rerendered.status()).toBe(304);
  expect(rerendered.headers()["etag"]).toBe(etag);

  // A real change: the old validator no longer matches.
  await author.mutate("post.update", { id: draft.id, version: retitled.version, body: "Changed." });
  const changed = await reader.get(path, { headers: { "if-none-match": etag } });
  expect(changed.status()).toBe(200);
  expect(changed.headers()["etag"]).not.toBe(etag);
  expect(await changed.text()).toContain("Changed.");

  await author.mutate("post.delete", { id: draft.id });
  await Promise.all([writer.dispose(), reader.dispose()]);
});
