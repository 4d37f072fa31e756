// The site's settings and menus, changed by an admin in the browser and seen by readers.
// A site's settings show on every page, so the specs that change them run on a Quire of their
// own (a fresh database, where the first account is the admin): the suite's shared server
// keeps its settings for the specs running beside these.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { darkVariant } from "../../src/lib/contrast.ts";
import { apiSignUp, DEPLOYED, signUpAuthor, trpcMutation } from "./helpers.ts";
import { startQuire, type QuireProcess } from "./servers/quire.ts";

test("an author cannot open the settings or the menus", async ({ page }) => {
  await signUpAuthor(page, "Arlo Author");
  for (const path of ["/admin/settings", "/admin/menus"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByText(/Only an admin can change the site's (settings|menus)/)).toBeVisible();
    await expect(page.getByRole("button", { name: /Save/ })).toHaveCount(0);
  }
  // The dashboard offers neither to an author; it does offer the comments awaiting moderation.
  await page.goto("/dashboard");
  await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Menus" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /^Comments/ })).toBeVisible();
});

test.describe("on a site of its own", () => {
  test.skip(DEPLOYED, "starts its own server, which a deployed site does not let it do");
  test.describe.configure({ mode: "serial" });

  let quire: QuireProcess;
  let admin: Page;

  test.beforeAll(async ({ browser }) => {
    quire = await startQuire();
    admin = await (await browser.newContext({ baseURL: quire.url })).newPage();
    // The first account on a new database is its admin.
    const user = await apiSignUp(admin.request, quire.url, "Ada Owner");
    expect(user.role).toBe("admin");
  });

  test.afterAll(async () => {
    await admin?.context().close();
    expect(await quire?.stop()).toBe(0);
  });

  /** What a reader who was never here gets: a fresh context, in the given colour scheme. */
  async function reader(browser: Browser, colorScheme: "light" | "dark" = "light") {
    const context = await browser.newContext({ baseURL: quire.url, colorScheme });
    return context.newPage();
  }

  test("an admin changes the title, the accent and the header menu, and a new reader sees them", async ({ browser }) => {
    // A reader's copy of the home page is cached before the change.
    const before = await reader(browser);
    await before.goto("/");
    await expect(before.locator("header .brand")).toHaveText("Quire.");
    expect((await before.request.get("/")).headers()["x-astro-cache"]).toBe("HIT");

    await admin.goto("/dashboard");
    await admin.getByRole("link", { name: "Settings" }).click();
    await expect(admin).toHaveURL(/\/admin\/settings$/);
    await admin.getByLabel("Site title").fill("The Garden Gazette");

    // An accent readers could not read is refused before and after saving, with its ratio.
    const accent = admin.getByLabel("Accent colour", { exact: true });
    await accent.fill("#ffcc00");
    await expect(admin.locator("#accent-error")).toContainText("1.47:1");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await expect(admin.getByRole("alert")).toContainText("Nothing was saved");
    await expect(admin.locator("#accent-error")).toContainText("pick a darker colour");
    await expect(accent).toHaveAttribute("aria-invalid", "true");

    await accent.fill("#1d4ed8");
    await expect(admin.getByRole("group", { name: "How the accent looks" })).toContainText("6.53:1 (passes)");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();

    await admin.goto("/dashboard");
    await admin.getByRole("link", { name: "Menus" }).click();
    await expect(admin).toHaveURL(/\/admin\/menus$/);
    const header = admin.getByRole("region", { name: "Header menu" });
    await header.getByLabel("Links to").selectOption({ label: "A link" });
    await header.getByLabel("Address").last().fill("https://example.com/shop");
    await header.getByLabel("Label", { exact: true }).last().fill("Shop");
    await header.getByRole("button", { name: "Add", exact: true }).click();
    const items = header.getByTestId("header-item");
    await expect(items).toHaveCount(5);
    await expect(items.last()).toContainText("A link");

    // Moved up with the keyboard, focus stays on the moved item and the move is announced.
    const up = header.getByRole("button", { name: "Move “Shop” up" });
    await up.focus();
    await admin.keyboard.press("Enter");
    await expect(up).toBeFocused();
    await expect(admin.getByText("“Shop” moved up: now 4 of 5 in the header menu.")).toBeAttached();
    await admin.keyboard.press("Enter");
    await expect(up).toBeFocused();
    await expect(items.nth(2).getByRole("textbox", { name: "Label" })).toHaveValue("Shop");
    await admin.getByRole("button", { name: "Save menus" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Menus saved." })).toBeVisible();

    // A reader who was never here, in each scheme.
    const light = await reader(browser, "light");
    await light.goto("/");
    await expect(light).toHaveTitle("The Garden Gazette");
    await expect(light.locator("header .brand")).toHaveText("The Garden Gazette.");
    await expect(light.getByRole("navigation", { name: "Site" }).getByRole("link")).toHaveText([
      "Read",
      "Tags",
      "Shop",
      "Search",
      "Write",
      "Sign in",
    ]);
    await expect(light.getByRole("link", { name: "Shop" })).toHaveAttribute("href", "https://example.com/shop");
    const variable = (p: Page, name: string) =>
      p.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
    expect(await variable(light, "--accent")).toBe("#1d4ed8");
    expect(await variable(light, "--accent-text")).toBe("#ffffff");
    const dark = await reader(browser, "dark");
    await dark.goto("/tags");
    expect(await variable(dark, "--accent")).toBe(darkVariant("#1d4ed8").accent);
    expect(await variable(dark, "--accent-text")).toBe(darkVariant("#1d4ed8").text);

    // The reader from before gets the new page too: the cached one is gone.
    await before.reload();
    await expect(before.locator("header .brand")).toHaveText("The Garden Gazette.");
    await Promise.all([before, light, dark].map((p) => p.context().close()));
  });

  test("an admin picks a page for the footer menu from the list, and readers find it there", async ({ browser }) => {
    const created = await (await trpcMutation(admin.request, quire.url, "post.create", { title: "Visit the garden", kind: "page" })).json();
    const page = created.result.data.json as { id: string; slug: string };
    expect((await trpcMutation(admin.request, quire.url, "post.publish", { id: page.id })).status()).toBe(200);

    await admin.goto("/admin/menus");
    const footer = admin.getByRole("region", { name: "Footer menu" });
    await footer.getByLabel("Links to").selectOption({ label: "A page" });
    await footer.getByLabel("Page", { exact: true }).selectOption({ label: "Visit the garden" });
    await footer.getByRole("button", { name: "Add", exact: true }).click();
    // Focus goes to the new item's label, which it shows empty: the page's title is the default.
    await expect(footer.getByTestId("footer-item").last().getByRole("textbox", { name: "Label" })).toBeFocused();
    await expect(footer.getByTestId("footer-item").last()).toContainText("Visit the garden");
    await admin.getByRole("button", { name: "Save menus" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Menus saved." })).toBeVisible();

    const visitor = await reader(browser);
    await visitor.goto("/");
    const link = visitor.getByRole("navigation", { name: "Footer" }).getByRole("link", { name: "Visit the garden" });
    await expect(link).toHaveAttribute("href", `/${page.slug}`);
    await link.click();
    await expect(visitor.getByRole("heading", { level: 1, name: "Visit the garden" })).toBeVisible();
    await visitor.context().close();
  });

  test("a menu link to a post leaves every cached page once the post is unpublished", async ({ browser }) => {
    const origin = quire.url;
    const draft = await (await trpcMutation(admin.request, origin, "post.create", { title: "Opening hours" })).json();
    const id = draft.result.data.json.id as string;
    expect((await trpcMutation(admin.request, origin, "post.publish", { id })).status()).toBe(200);
    const saved = await trpcMutation(admin.request, origin, "settings.update", {
      footerMenu: [
        { type: "post", id, label: "Hours" },
        { type: "feed", label: "" },
      ],
    });
    expect(saved.status(), await saved.text()).toBe(200);

    const visitor = await reader(browser);
    await visitor.goto("/search");
    const footer = visitor.getByRole("navigation", { name: "Footer" });
    await expect(footer.getByRole("link")).toHaveText(["Hours", "RSS feed"]);
    expect((await visitor.request.get("/search")).headers()["x-astro-cache"]).toBe("HIT");

    expect((await trpcMutation(admin.request, origin, "post.unpublish", { id })).status()).toBe(200);
    await visitor.reload();
    await expect(footer.getByRole("link")).toHaveText(["RSS feed"]);
    await visitor.context().close();
  });

  test("with newcomers' comments held, the commenter is told, and a moderator approves it for readers", async ({ browser }) => {
    const origin = quire.url;
    const post = await (await trpcMutation(admin.request, origin, "post.create", { title: "Held in the garden" })).json();
    const published = await (await trpcMutation(admin.request, origin, "post.publish", { id: post.result.data.json.id })).json();
    const path = `/posts/${published.result.data.json.slug as string}`;

    await admin.goto("/admin/settings");
    await admin.getByLabel("Comments on posts are").selectOption({ label: "Hold newcomers' first comments" });
    await admin.getByRole("button", { name: "Save settings" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();

    const commenter = await reader(browser);
    await apiSignUp(commenter.request, origin, "Nina Newcomer");
    await commenter.goto(path);
    await commenter.locator("astro-island .comments").scrollIntoViewIfNeeded();
    await commenter.getByLabel("Add a comment").fill("My first words here.");
    await commenter.getByRole("button", { name: "Post comment" }).click();
    await expect(commenter.getByText("Thanks: your comment awaits moderation")).toBeVisible();
    const anonymous = await reader(browser);
    await anonymous.goto(path);
    await expect(anonymous.getByText("My first words here.")).toHaveCount(0);

    await admin.goto("/dashboard");
    await admin.getByRole("link", { name: "Comments (1 waiting)" }).click();
    const held = admin.getByTestId("held-comment");
    await expect(held).toContainText("My first words here.");
    await admin.getByRole("button", { name: "Approve Nina Newcomer's comment" }).click();
    await expect(admin.getByText("Approved Nina Newcomer's comment")).toBeVisible();
    await expect(held).toHaveCount(0);

    await anonymous.reload();
    await expect(anonymous.getByText("My first words here.")).toBeVisible();

    // Closed: the thread stays, the form goes.
    await admin.goto("/admin/settings");
    await admin.getByLabel("Comments on posts are").selectOption({ label: "Closed" });
    await admin.getByRole("button", { name: "Save settings" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await commenter.reload();
    await expect(commenter.getByText("My first words here.")).toBeVisible();
    await expect(commenter.getByText("Comments are closed.")).toBeVisible();
    await expect(commenter.getByLabel("Add a comment")).toHaveCount(0);
    await Promise.all([commenter, anonymous].map((p) => p.context().close()));
  });
});
