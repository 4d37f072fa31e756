import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, openComments, publishDraft, signUpAuthor, writeDraft, writePage } from "./helpers.ts";

async function violations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")})`,
  );
}

for (const scheme of ["light", "dark"] as const) {
  test(`reader and author pages have no WCAG 2.1 A/AA violations (${scheme})`, async ({ browser }) => {
    test.setTimeout(150_000); // axe runs on twenty pages
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const stamp = Date.now().toString(36);
    await signUpAuthor(page, `Alex Access ${scheme}`);
    const slug = await writeDraft(page, {
      title: `Accessible post ${stamp}`,
      // Code with a keyword, a function, a parameter, a type and a comment: the parameter
      // (light) and the comment (dark) are the colours that once fell below AA.
      body: "A paragraph with a [link](https://example.com).\n\n```ts\n// Greets.\nfunction greet(name: string) {\n  return name;\n}\n```\n\n> A quote.",
      tags: `A11y ${stamp}`,
    });
    const editorUrl = page.url();
    await publishDraft(page);
    await page.goto(`/posts/${slug}`);
    await openComments(page);
    await page.getByLabel("Add a comment").fill("A comment to check.");
    await page.getByRole("button", { name: "Post comment" }).click();
    await expect(page.getByText("Comment posted.")).toBeVisible();
    const session = await (await page.request.get("/api/auth/get-session")).json();
    // A page (About…), written by the site's admin: pages are for editors and admins.
    const admin = await browser.newContext({ colorScheme: scheme, storageState: ADMIN_STATE });
    const adminPage = await admin.newPage();
    const pageSlug = await writePage(adminPage, {
      title: `Accessible page ${stamp}`,
      body: "Who we are, with a [link](https://example.com).\n\n> A quote.",
    });
    const pageEditorUrl = adminPage.url();
    await publishDraft(adminPage);

    const anonymous = await browser.newContext({ colorScheme: scheme });
    const reader = await anonymous.newPage();
    const readerPages = [
      "/",
      `/posts/${slug}`,
      `/${pageSlug}`,
      `/tags/a11y-${stamp}`,
      "/tags",
      `/authors/${session.user.id}`,
      `/search?q=accessible`,
      "/search",
      "/no-such-page",
      "/sign-in",
      "/sign-up",
    ];
    const found: Record<string, string[]> = {};
    for (const path of readerPages) {
      await reader.goto(path);
      // Bring the comment island in (it hydrates when visible) so axe checks it too.
      if (path.startsWith("/posts/")) {
        await openComments(reader);
        await expect(reader.getByRole("link", { name: "Sign in to comment" })).toBeVisible();
      }
      found[path] = await violations(reader);
    }
    for (const path of ["/dashboard", "/dashboard/new", editorUrl, "/profile"]) {
      await page.goto(path);
      found[path] = await violations(page);
    }
    await page.goto(editorUrl);
    await page.getByRole("button", { name: "Revisions" }).click();
    await page.getByRole("button", { name: /^v1/ }).click();
    found[`${editorUrl} (revisions)`] = await violations(page);

    for (const path of [
      "/admin/people",
      "/dashboard/pages",
      "/dashboard/pages/new",
      pageEditorUrl,
      "/admin/import",
      "/admin/redirects",
      "/admin/webhooks",
      "/admin/api-keys",
      "/api/docs",
      "/admin/settings",
      "/admin/menus",
      "/dashboard/comments",
      "/admin/export",
    ]) {
      await adminPage.goto(path);
      found[path] = await violations(adminPage);
    }
    // The settings form with an image picker's library open, as an admin choosing a logo sees it.
    await adminPage.goto("/admin/settings");
    await adminPage.getByRole("group", { name: "Logo" }).getByRole("button", { name: "Choose from the library" }).click();
    await expect(adminPage.getByRole("group", { name: "Logo" }).getByRole("button", { name: "Close the library" })).toBeVisible();
    found["/admin/settings (library open)"] = await violations(adminPage);

    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length))).toEqual({});
    await Promise.all([context.close(), anonymous.close(), admin.close()]);
  });
}

test("keyboard only: skip link, visible focus, and every control reachable", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);

  // Sign up, write and save a draft with the keyboard alone.
  await page.goto("/sign-up");
  const stamp = Date.now().toString(36);
  // Tab from the top until the first form field (past the skip link, the header and any
  // sign-in provider buttons) has focus.
  for (let i = 0; i < 20 && !(await page.getByLabel("Name").evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(page.getByLabel("Name")).toBeFocused();
  const outline = await page.getByLabel("Name").evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.type("Kim Keyboard");
  await page.keyboard.press("Tab");
  await page.keyboard.type(`kim.${stamp}@quire.test`);
  await page.keyboard.press("Tab");
  await page.keyboard.type("correct horse battery staple");
  await page.keyboard.press("Enter");
  // A sign-up signs nobody in; the notice's link leads on to sign in, by keyboard too.
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  const signIn = page.getByRole("link", { name: "sign in with your password" });
  for (let i = 0; i < 20 && !(await signIn.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(signIn).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/sign-in$/);
  for (let i = 0; i < 20 && !(await page.getByLabel("Email").evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await page.keyboard.type(`kim.${stamp}@quire.test`);
  await page.keyboard.press("Tab");
  await page.keyboard.type("correct horse battery staple");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);

  // Every interactive control on the editor can be reached by Tab (a hidden file input is
  // opened by its button, which counts).
  const { promote } = await import("./helpers.ts");
  await promote(page, "author");
  await page.goto("/dashboard/new");
  await expect(page.getByRole("button", { name: "Save draft" })).toBeEnabled();
  // A hidden file input is no control of its own: the button beside it opens it.
  const controls = await page.locator("main").locator("a[href], button:not([disabled]), input:not([hidden]), textarea, select").count();
  const reached = new Set<string>();
  // The date-time field takes a Tab per part (day, month, year, hours…): allow for them.
  for (let i = 0; i < controls + 30; i++) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || !el.closest("main")) return null;
      return el.id || `${el.tagName}:${el.textContent?.trim().slice(0, 30)}`;
    });
    if (id) reached.add(id);
  }
  expect(reached.size).toBeGreaterThanOrEqual(controls);
  await page.getByLabel("Title").focus();
  await page.keyboard.type(`Typed by keyboard ${stamp}`);
  await page.getByLabel("Body (Markdown)").focus();
  await page.keyboard.type("Hello from the keyboard.");
  await page.getByRole("button", { name: "Save draft" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText(/Saved at/)).toBeVisible();
});
