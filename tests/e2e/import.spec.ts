// Moving a site in, as an admin would: a WordPress zip (the export and its uploads folder)
// through /admin/import, its preview, the import with its progress, the report, the posts
// with their images, and the old addresses redirecting; a hostile file refused with why.
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, readAsVisitor, signUpAuthor } from "./helpers.ts";
import { photo } from "../unit/media-fixtures.ts";
import { BILLION_LAUGHS } from "../unit/import/fixtures.ts";
import { zip } from "../unit/import/zip-writer.ts";

/** A small WordPress site, unique to this run: two posts (one with an image), a page. */
function wordpressExport(run: string) {
  const site = `https://old-${run}.example`;
  const item = (id: number, type: string, slug: string, title: string, body: string, extra = "") => `
  <item>
    <title>${title}</title>
    <link>${site}/${type === "page" ? "" : "2021/03/"}${slug}/</link>
    <dc:creator><![CDATA[mover]]></dc:creator>
    <content:encoded><![CDATA[${body}]]></content:encoded>
    <wp:post_id>${id}</wp:post_id>
    <wp:post_date_gmt>2021-03-0${id % 9} 10:00:00</wp:post_date_gmt>
    <wp:post_name><![CDATA[${slug}]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[${type}]]></wp:post_type>${extra}
  </item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old site ${run}</title>
  <link>${site}</link>
  <wp:base_site_url>${site}</wp:base_site_url>
  <wp:author><wp:author_login>mover</wp:author_login><wp:author_email>mover-${run}@quire.test</wp:author_email><wp:author_display_name>Mo Mover</wp:author_display_name></wp:author>
  ${item(11, "post", `harbour-${run}`, "The harbour", `<p>Boats in the <strong>harbour</strong>.</p><p><img src="${site}/wp-content/uploads/2021/03/harbour.jpg" alt="The harbour at noon"></p>`, `<category domain="post_tag" nicename="sea"><![CDATA[sea]]></category>`)}
  ${item(12, "post", `lighthouse-${run}`, "The lighthouse", "<p>A light at night.</p>")}
  ${item(13, "page", `colophon-${run}`, "Colophon", "<p>Made by hand.</p>")}
</channel>
</rss>`;
}

/**
 * Picks a file as a person does, through the button and the browser's file chooser. Until the
 * island has hydrated the button opens nothing, so it is pressed again until a chooser opens.
 */
async function chooseFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  await expect(async () => {
    const chooser = page.waitForEvent("filechooser", { timeout: 2_000 });
    await page.getByRole("button", { name: "Choose a file…" }).click();
    await (await chooser).setFiles(file);
  }).toPass({ timeout: 20_000 });
}

test.describe("importing a site", () => {
  test.use({ storageState: ADMIN_STATE });

  test("an admin previews a WordPress zip, imports it, and its posts, images and old addresses work", async ({ page, request }) => {
    const run = randomUUID().slice(0, 8);
    const archive = zip([
      { name: "export/wordpress.xml", data: wordpressExport(run) },
      { name: "export/wp-content/uploads/2021/03/harbour.jpg", data: await photo(1200, 800) },
    ]);

    await page.goto("/dashboard");
    await page.getByRole("link", { name: "Import", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Import a site" })).toBeVisible();
    await chooseFile(page, { name: "old-site.zip", mimeType: "application/zip", buffer: archive });

    // The preview: what will come in, before anything does.
    await expect(page.getByRole("heading", { name: "2. Check what comes in" })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByText(`From WordPress: “Old site ${run}”`)).toBeVisible();
    const count = (label: string) =>
      page
        .locator(".counts div")
        .filter({ has: page.getByText(label, { exact: true }) })
        .locator("dd");
    await expect(count("Posts")).toHaveText("2");
    await expect(count("Pages")).toHaveText("1");
    await expect(count("Images")).toHaveText("1");
    expect((await readAsVisitor(request, `/posts/harbour-${run}`)).status).toBe(404);

    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Imported" })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText("2 posts, 1 page, 0 comments and 1 image came in")).toBeVisible();
    await page.screenshot({ path: "test-results/import-report.png", fullPage: true });
    // A reload shows the same report: the job is in the database.
    await page.reload();
    await expect(page.getByRole("heading", { name: "Imported" })).toBeVisible();

    // The post, with its image from the archive now in the media library.
    const post = await readAsVisitor(request, `/posts/harbour-${run}`);
    expect(post.status).toBe(200);
    expect(post.html).toContain("Boats in the <strong>harbour</strong>.");
    expect(post.html).toMatch(/<img[^>]+src="\/media\/[a-f0-9]{64}\/[^"]+"[^>]*alt="The harbour at noon"/);
    expect((await readAsVisitor(request, `/colophon-${run}`)).status).toBe(200);
    // Old addresses answer 301 to the new ones.
    const old = await request.get(`/?p=11`, { maxRedirects: 0 });
    expect(old.status()).toBe(301);
    const permalink = await request.get(`/2021/03/harbour-${run}/`, { maxRedirects: 0 });
    expect(permalink.headers().location).toBe(`/posts/harbour-${run}`);
    await page.goto("/admin/redirects");
    await expect(page.getByRole("row", { name: new RegExp(`/2021/03/lighthouse-${run}/`) })).toBeVisible();
  });

  test("a hostile file is refused with the reason, and nothing comes in", async ({ page }) => {
    await page.goto("/admin/import");
    await chooseFile(page, { name: "laughs.xml", mimeType: "application/xml", buffer: Buffer.from(BILLION_LAUGHS) });
    await expect(page.getByRole("heading", { name: "This file cannot be imported" })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole("alert")).toContainText("declares a DTD");
    await expect(page.getByRole("button", { name: "Import", exact: true })).toHaveCount(0);
  });
});

test("only an admin may import", async ({ page }) => {
  await signUpAuthor(page, "Ira Importer");
  const response = await page.goto("/admin/import");
  expect(response?.status()).toBe(403);
  await expect(page.getByText("Only an admin can import content.")).toBeVisible();
});
