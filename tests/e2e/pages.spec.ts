// Pages (About, Contact…): an editor writes one in the browser, readers find it at /<slug>,
// in the sitemap and search, and nowhere posts are listed.
import { expect, test } from "@playwright/test";
import { promote, publishDraft, readAsVisitor, signUp } from "./helpers.ts";

test("an editor publishes an About page that readers find at /about, outside the lists of posts", async ({ page, request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await signUp(page, "Edie Editor");
  await promote(page, "editor");
  await page.reload();

  // From the dashboard to an empty list of pages, then a new one.
  await page.getByRole("link", { name: "Pages", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\/pages$/);
  await page.getByRole("link", { name: "New page" }).click();
  await page.getByLabel("Title").fill("About");
  await expect(page.getByLabel("Address")).toHaveValue("about");
  // A page has no tags and no schedule.
  await expect(page.getByLabel("Tags")).toHaveCount(0);
  await expect(page.getByLabel("Publish later")).toHaveCount(0);
  await page.getByLabel("Body (Markdown)").fill("We write about *gardens*. Write to us: hello@quire.test.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  expect((await readAsVisitor(request, "/about")).status).toBe(404);
  await publishDraft(page);
  await expect(page.getByRole("link", { name: "View" })).toHaveAttribute("href", "/about");

  // A reader sees it at /about: its text, no date, no comments, no island.
  const about = await readAsVisitor(request, "/about");
  expect(about.status).toBe(200);
  expect(about.html).toMatch(/<h1[^>]*>About<\/h1>/);
  expect(about.html).toContain("We write about <em>gardens</em>.");
  expect(about.html).not.toMatch(/<time\b/);
  expect(about.html).not.toContain("Comments");
  expect(about.islands).toEqual([]);
  // Its only script is data for search engines (schema.org), which runs nothing.
  expect(about.html).not.toMatch(/<script(?![^>]*type="application\/ld\+json")/);

  // Not on the home page nor in the feed; in the sitemap at /about; found by search, as a page.
  expect((await readAsVisitor(request, "/")).html).not.toContain("We write about");
  const feed = await (await request.get("/rss.xml")).text();
  expect(feed).not.toContain(`${origin}/about`);
  expect(feed).not.toContain("We write about");
  expect(await (await request.get("/sitemap.xml")).text()).toContain(`<loc>${origin}/about</loc>`);
  const search = await readAsVisitor(request, "/search?q=gardens");
  expect(search.html).toMatch(/<a href="\/about">[\s\S]*?About[\s\S]*?<\/a>[\s\S]*?<div class="meta"[^>]*>Page<\/div>/);

  // The list shows it, its state and its address; its editor is a click away, on a phone too.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/dashboard/pages");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const row = page.getByRole("row", { name: /About/ });
  await expect(row.getByText("published")).toBeVisible();
  await expect(row.getByRole("link", { name: "/about" })).toHaveAttribute("href", "/about");
  await expect(row.getByRole("link", { name: /Edit/ })).toBeInViewport();
  await row.getByRole("link", { name: /Edit/ }).click();
  await expect(page.getByLabel("Title")).toHaveValue("About");

  // Unpublished, it is gone for readers on their next request, and from the sitemap.
  await page.getByRole("button", { name: "Unpublish" }).click();
  await expect(page.getByText("Unpublished: only editors can see it.")).toBeVisible();
  expect((await readAsVisitor(request, "/about")).status).toBe(404);
  expect(await (await request.get("/sitemap.xml")).text()).not.toContain(`<loc>${origin}/about</loc>`);
});

test("a page cannot take one of the site's own addresses, and the editor says so under the address", async ({ page }) => {
  await signUp(page, "Rex Reserved");
  await promote(page, "editor");
  await page.goto("/dashboard/pages/new");
  await page.getByLabel("Title").fill("Search");
  await expect(page.getByLabel("Address")).toHaveValue("search");
  await page.getByLabel("Body (Markdown)").fill("How to search this site.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.locator("#slug-error")).toHaveText("/search is one of the site's own addresses: choose another address for this page");
  await expect(page.getByLabel("Address")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/dashboard\/pages\/new$/);

  // Another address saves it, text and all.
  await page.getByLabel("Address").fill("search-help");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  await expect(page.getByLabel("Body (Markdown)")).toHaveValue("How to search this site.");
});

test("an author finds no Pages on the dashboard and cannot open the list", async ({ page }) => {
  await signUp(page, "Andy Author");
  await promote(page, "author");
  await page.reload();
  await expect(page.getByRole("link", { name: "New post" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Pages", exact: true })).toHaveCount(0);
  const response = await page.goto("/dashboard/pages");
  expect(response?.status()).toBe(403);
  await expect(page.getByText("Only editors and admins manage the site's pages.")).toBeVisible();
});
