import { expect, test } from "@playwright/test";
import { PASSWORD, promote, readAsVisitor, signUp, signUpAuthor, uniqueEmail } from "./helpers.ts";

test("a visitor signs up, writes, and every change reaches readers on their next request", async ({ page, request }) => {
  // Signed out, writing asks you to sign in first, then brings you back.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fdashboard/);
  await expect(page.getByText("Sign in first to continue.")).toBeVisible();

  const email = await signUp(page, "Wendy Writer");
  // A new account reads and comments; an admin makes it an author.
  await expect(page.getByText("An admin can make you an author")).toBeVisible();
  await promote(page, "author");
  await page.reload();
  await expect(page.getByText("You have not written anything yet.")).toBeVisible();

  // Sign out, and back in with the same password.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText(/invalid/i);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // Write a draft. The slug follows the title; the preview uses the reader's pipeline.
  await page.getByRole("link", { name: "Write your first post" }).click();
  const title = `Field notes ${Date.now().toString(36)}`;
  const slug = title.toLowerCase().replace(/ /g, "-");
  await page.getByLabel("Title").fill(title);
  await expect(page.getByLabel("Address")).toHaveValue(slug);
  await page.getByLabel("Body (Markdown)").fill("## First light\n\nThe *first* version.\n\n```js\nconst x = 1;\n```");
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByTestId("preview").getByRole("heading", { name: "First light" })).toBeVisible();
  await page.getByRole("tab", { name: "Write" }).click();
  await expect(page.getByLabel("Body (Markdown)")).toHaveValue(/The \*first\* version/);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  await expect(page).toHaveURL(/\/dashboard\/posts\/[\w-]+$/);

  // A draft is invisible to readers.
  expect((await readAsVisitor(request, `/posts/${slug}`)).status).toBe(404);
  expect((await readAsVisitor(request, "/")).html).not.toContain(title);

  // Publish: on the home page and its own page at once. Home ships no JavaScript; the post
  // page's only script is the comment island, loaded when scrolled to.
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published. Readers see it now.")).toBeVisible();
  const home = await readAsVisitor(request, "/");
  expect(home.html).toContain(title);
  expect(home.hasScript).toBe(false);
  const live = await readAsVisitor(request, `/posts/${slug}`);
  expect(live.status).toBe(200);
  expect(live.html).toContain("The <em>first</em> version.");
  expect(live.html).toContain('class="shiki');
  expect(live.islands).toEqual([{ component: expect.stringMatching(/Comments/), client: "visible" }]);
  // The page is now cached; the next read is the same page.
  expect((await readAsVisitor(request, `/posts/${slug}`)).html).toContain("The <em>first</em> version.");

  // Edit: the cached page shows the edit on the next request.
  await page.getByLabel("Body (Markdown)").fill("## First light\n\nThe *second* version.");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  const edited = await readAsVisitor(request, `/posts/${slug}`);
  expect(edited.html).toContain("The <em>second</em> version.");
  expect(edited.html).not.toContain("first</em> version");

  // Unpublish: gone for readers, kept for the author.
  await page.getByRole("button", { name: "Unpublish" }).click();
  await expect(page.getByText("Unpublished: only you can see it.")).toBeVisible();
  expect((await readAsVisitor(request, `/posts/${slug}`)).status).toBe(404);
  expect((await readAsVisitor(request, "/")).html).not.toContain(title);

  // Publish again, then delete: a 404 for readers.
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published. Readers see it now.")).toBeVisible();
  expect((await readAsVisitor(request, `/posts/${slug}`)).status).toBe(200);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete post" }).click();
  await expect(page).toHaveURL(/\/dashboard\?deleted=1$/);
  await expect(page.getByText("The post was deleted.")).toBeVisible();
  expect((await readAsVisitor(request, `/posts/${slug}`)).status).toBe(404);
  expect((await readAsVisitor(request, "/")).html).not.toContain(title);
});

test("failures are readable and lose nothing the author typed", async ({ page, browser }) => {
  await signUpAuthor(page, "Fiona Failsafe");
  await page.goto("/dashboard/new");

  // An empty title: the error sits next to the field, the body is still there.
  await page.getByLabel("Body (Markdown)").fill("Words I do not want to lose.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.locator("#title-error")).toHaveText("Give the post a title");
  await expect(page.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Body (Markdown)")).toHaveValue("Words I do not want to lose.");

  // A bad slug: named at the slug field.
  await page.getByLabel("Title").fill("Kept safe");
  await page.getByLabel("Address").fill("Not a slug!");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.locator("#slug-error")).toContainText("lowercase letters");

  // The server goes away mid-edit: a clear message, the text stays.
  await page.getByLabel("Address").fill("kept-safe");
  await page.route("**/api/trpc/**", (route) => route.abort("connectionrefused"));
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("alert")).toContainText("Could not reach the server");
  await expect(page.getByLabel("Body (Markdown)")).toHaveValue("Words I do not want to lose.");
  await page.unroute("**/api/trpc/**");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  const postUrl = page.url();

  // Someone else's draft is not even there for another author; once published it is
  // "not yours"; an unknown id is "not found".
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signUp(otherPage, "Oscar Other", uniqueEmail("oscar"));
  await promote(otherPage, "author");
  await otherPage.goto(postUrl);
  await expect(otherPage.getByRole("heading", { name: "Not found" })).toBeVisible();
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Published. Readers see it now.")).toBeVisible();
  await otherPage.goto(postUrl);
  await expect(otherPage.getByRole("heading", { name: "Not yours" })).toBeVisible();
  await expect(otherPage.getByLabel("Title")).toHaveCount(0);
  await otherPage.goto("/dashboard/posts/does-not-exist");
  await expect(otherPage.getByRole("heading", { name: "Not found" })).toBeVisible();
  await other.close();
});

test("a reader gets a helpful 404 for an unknown post", async ({ page }) => {
  const response = await page.goto("/posts/no-such-post");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the latest writing" }).click();
  await expect(page.getByRole("heading", { name: "Latest writing" })).toBeVisible();
});
