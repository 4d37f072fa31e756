// Moving out, as an admin would: Export in the dashboard, then Export everything, and the file
// the browser saves holds the manifest and the post just written, as Markdown.
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { ADMIN_STATE, publishDraft, signUpAuthor, writeDraft } from "./helpers.ts";
import { untar } from "../unit/export/untar.ts";

test.describe("exporting the site", () => {
  test.use({ storageState: ADMIN_STATE });

  test("an admin downloads everything as one archive, with the manifest and each post as Markdown", async ({ page }, info) => {
    const run = randomUUID().slice(0, 8);
    const slug = await writeDraft(page, { title: `Moving day ${run}`, body: `Boxes **everywhere** ${run}.`, tags: "moving" });
    await publishDraft(page);

    await page.goto("/dashboard");
    await page.getByRole("link", { name: "Export", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Export the site" })).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export everything" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^quire-export-.+-\d{4}-\d\d-\d\d\.tar\.gz$/);
    const file = info.outputPath("export.tar.gz");
    await download.saveAs(file);
    expect(await download.failure()).toBeNull();

    const files = await untar(file);
    const manifest = JSON.parse(files.get("manifest.json")!.toString()) as { format: string; version: number; counts: { posts: number } };
    expect(manifest).toMatchObject({ format: "quire-export", version: 1 });
    expect(manifest.counts.posts).toBeGreaterThan(0);
    const markdown = files.get(`posts/${slug}.md`)?.toString();
    expect(markdown).toContain(`title: Moving day ${run}\n`);
    expect(markdown).toContain("status: published\n");
    expect(markdown).toContain(`Boxes **everywhere** ${run}.`);
    expect(files.has("people.json")).toBe(true);
  });
});

test("only an admin may export", async ({ page }) => {
  await signUpAuthor(page, "Exa Exporter");
  const response = await page.goto("/admin/export");
  expect(response?.status()).toBe(403);
  await expect(page.getByText("Only an admin can export the site.")).toBeVisible();
  expect((await page.request.get("/api/export")).status()).toBe(403);
});
