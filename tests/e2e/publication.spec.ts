import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { ADMIN_STATE, openComments, publishDraft, readAsVisitor, signUp, signUpAuthor, uniqueEmail, writeDraft } from "./helpers.ts";

const stamp = () => Date.now().toString(36);

test("a tagged post is found on its tag page and in the tag index", async ({ page }) => {
  await signUpAuthor(page, "Tess Tagger");
  const title = `Tomatoes in November ${stamp()}`;
  const tag = `Gardening ${stamp()}`;
  await writeDraft(page, { title, body: "Late fruit, slow ripening.", tags: `${tag}, Slow Living` });
  await publishDraft(page);

  const [reader] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: "View" }).click()]);
  await reader.getByRole("link", { name: `#${tag}` }).click();
  await expect(reader.getByRole("heading", { name: `#${tag}`, exact: true })).toBeVisible();
  await expect(reader.getByText("1 post")).toBeVisible();
  await expect(reader.getByRole("link", { name: title })).toBeVisible();
  await reader.getByRole("link", { name: "All tags" }).click();
  await expect(reader.getByRole("link", { name: `#${tag}` })).toBeVisible();
});

test("readers comment, reply, edit and delete; the post's author hides a comment from everyone", async ({ page, browser, request }) => {
  await signUpAuthor(page, "Amos Author");
  const title = `Open thread ${stamp()}`;
  const slug = await writeDraft(page, { title, body: "Tell me what you think." });
  await publishDraft(page);

  const readerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  await signUp(reader, "Rhea Reader", uniqueEmail("rhea"));
  await reader.goto(`/posts/${slug}`);
  await openComments(reader);
  await reader.getByLabel("Add a comment").fill("Loved the *ending*.");
  await reader.getByRole("button", { name: "Post comment" }).click();
  await expect(reader.getByText("Comment posted.")).toBeVisible();
  const first = reader.getByTestId("comment").filter({ hasText: "Loved the ending." });
  await expect(first.locator("em")).toHaveText("ending");

  // Every reader sees it on their next request: the cached page was dropped.
  expect((await readAsVisitor(request, `/posts/${slug}`)).html).toContain("Loved the <em>ending</em>.");

  // Failures say what happened and keep the text: a field error, the network, an ended session.
  const box = reader.getByLabel("Add a comment");
  await box.fill("   ");
  await reader.getByRole("button", { name: "Post comment" }).click();
  await expect(reader.getByRole("alert")).toHaveText("body: Write something first");
  await box.fill("Kept through the outage.");
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await reader.route("**/api/trpc/comment.create", async (route) => {
    await held;
    await route.abort();
  });
  await reader.getByRole("button", { name: "Post comment" }).click();
  await expect(reader.getByRole("button", { name: "Posting…" })).toBeDisabled();
  release();
  await expect(reader.getByRole("alert")).toHaveText(/^Could not reach the server/);
  await expect(box).toHaveValue("Kept through the outage.");
  await reader.unroute("**/api/trpc/comment.create");
  const cookies = await readerContext.cookies();
  await readerContext.clearCookies();
  await reader.getByRole("button", { name: "Post comment" }).click();
  await expect(reader.getByRole("alert")).toHaveText(/^Your session has ended/);
  await expect(box).toHaveValue("Kept through the outage.");
  await readerContext.addCookies(cookies);
  await box.fill("");

  await first.getByRole("button", { name: "Reply" }).click();
  await reader.getByLabel("Reply to Rhea Reader").fill("And the middle, on second thought.");
  await reader.getByRole("button", { name: "Post reply" }).click();
  await expect(reader.getByText("Reply posted.")).toBeVisible();
  const reply = reader.getByTestId("comment").filter({ hasText: "And the middle" });
  await expect(reply).toBeVisible();

  await first.getByRole("button", { name: "Edit" }).click();
  await reader.getByLabel("Edit your comment").fill("Loved the ending. And the title.");
  await reader.getByRole("button", { name: "Save", exact: true }).click();
  await expect(reader.getByText("Comment updated.")).toBeVisible();
  await expect(reader.getByTestId("comment").filter({ hasText: "And the title." })).toContainText("(edited)");

  reader.once("dialog", (d) => d.accept());
  await reply.getByRole("button", { name: "Delete" }).click();
  await expect(reader.getByText("Comment deleted.")).toBeVisible();
  await expect(reader.getByText("And the middle")).toHaveCount(0);
  expect((await readAsVisitor(request, `/posts/${slug}`)).html).not.toContain("And the middle");

  // The post's author moderates: hidden for readers, listed for the author to unhide.
  await page.goto(`/posts/${slug}`);
  await openComments(page);
  const theirs = page.getByTestId("comment").filter({ hasText: "And the title." });
  await theirs.getByRole("button", { name: "Hide" }).click();
  await expect(page.getByText("Comment hidden from readers.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Hidden comments (1)" })).toBeVisible();
  const visitor = await readAsVisitor(request, `/posts/${slug}`);
  expect(visitor.html).not.toContain("And the title.");
  await reader.reload();
  await expect(reader.getByText("And the title.")).toHaveCount(0);
  await page.getByRole("button", { name: "Unhide" }).click();
  await expect(page.getByText("Comment shown again.")).toBeVisible();
  await expect(page.getByRole("heading", { name: /Hidden comments/ })).toHaveCount(0);
  expect((await readAsVisitor(request, `/posts/${slug}`)).html).toContain("And the title.");
  await readerContext.close();
});

test("a scheduled post appears on its own once its time passes", async ({ page, request }) => {
  await signUpAuthor(page, "Sam Scheduler");
  const title = `Embargoed news ${stamp()}`;
  const slug = await writeDraft(page, { title, body: "Embargoed until now." });
  // Warm the cache so the test also proves a cached list does not outlive the schedule.
  expect((await readAsVisitor(request, "/")).html).not.toContain(title);

  const local = await page.evaluate(() => {
    const at = new Date(Date.now() + 5000);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  });
  await page.getByLabel("Publish later").fill(local);
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText(/^Scheduled for/)).toBeVisible();
  expect((await readAsVisitor(request, `/posts/${slug}`)).status).toBe(404);
  expect((await readAsVisitor(request, "/")).html).not.toContain(title);

  await expect.poll(async () => (await readAsVisitor(request, "/")).html.includes(title), { timeout: 20_000, intervals: [500] }).toBe(true);
  expect((await readAsVisitor(request, `/posts/${slug}`)).status).toBe(200);
  await page.goto("/dashboard");
  await expect(page.getByRole("row", { name: new RegExp(title) })).toContainText("published");
});

test("two tabs editing one post: the conflict is shown and resolved without losing either text", async ({ page, browser }) => {
  await signUpAuthor(page, "Cora Conflict");
  await writeDraft(page, { title: `Shared draft ${stamp()}`, body: "The original text." });
  const url = page.url();
  const tabB = await (await browser.newContext({ storageState: await page.context().storageState() })).newPage();
  await tabB.goto(url);
  await expect(tabB.getByLabel("Body (Markdown)")).toHaveValue("The original text.");

  await page.getByLabel("Body (Markdown)").fill("Text written in tab A.");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();

  await tabB.getByLabel("Body (Markdown)").fill("Text written in tab B.");
  await tabB.getByRole("button", { name: "Save draft" }).click();
  await expect(tabB.getByRole("heading", { name: "Two versions of this post" })).toBeVisible();
  await expect(tabB.getByTestId("conflict-mine")).toHaveText("Text written in tab B.");
  await expect(tabB.getByTestId("conflict-theirs")).toHaveText("Text written in tab A.");

  await tabB.getByRole("button", { name: "Merge by hand" }).click();
  const merged = await tabB.getByLabel("Body (Markdown)").inputValue();
  expect(merged).toContain("Text written in tab A.");
  expect(merged).toContain("Text written in tab B.");
  await tabB.getByLabel("Body (Markdown)").fill("Text written in tab A.\n\nText written in tab B.");
  await tabB.getByRole("button", { name: "Save draft" }).click();
  await expect(tabB.getByText(/Saved at/)).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Body (Markdown)")).toHaveValue("Text written in tab A.\n\nText written in tab B.");
  await page.getByRole("button", { name: "Revisions" }).click();
  await expect(page.getByText(/conflict · Cora Conflict/)).toBeVisible();
  await tabB.context().close();
});

test("an admin promotes a reader to author, who can then publish", async ({ page, browser, request }) => {
  const email = await signUp(page, "Pia Promoted", uniqueEmail("pia"));
  await expect(page.getByRole("link", { name: "New post" })).toHaveCount(0);

  const adminContext = await browser.newContext({ storageState: ADMIN_STATE });
  const admin = await adminContext.newPage();
  await admin.goto("/admin/people");
  const row = admin.locator(`tr[data-person="${email}"]`);
  await row.getByLabel("Role of Pia Promoted").selectOption("author");
  await expect(admin.getByText("Pia Promoted is now an author.")).toBeVisible();
  await adminContext.close();

  await page.reload();
  await page.getByRole("link", { name: "New post" }).click();
  const title = `Promoted at last ${stamp()}`;
  const slug = await writeDraft(page, { title, body: "My first post." });
  await publishDraft(page);
  const live = await readAsVisitor(request, `/posts/${slug}`);
  expect(live.status).toBe(200);
  expect(live.html).toContain(title);
});

test("drafts save themselves while typing, and text from a failed save survives a closed tab", async ({ page }) => {
  await signUpAuthor(page, "Ava Autosave");
  await page.goto("/dashboard/new");
  await page.getByLabel("Title").fill(`Autosaved ${stamp()}`);
  await page.getByLabel("Body (Markdown)").fill("Typed, never saved by hand.");
  await expect(page.getByText(/Saved at/)).toBeVisible(); // nobody pressed Save
  await expect(page).toHaveURL(/\/dashboard\/posts\/[\w-]+$/);
  await page.reload();
  await expect(page.getByLabel("Body (Markdown)")).toHaveValue("Typed, never saved by hand.");

  // The server stops answering; the author types on, sees the failure, closes the tab.
  const url = page.url();
  await page.route("**/api/trpc/**", (route) => route.abort("connectionrefused"));
  await page.getByLabel("Body (Markdown)").fill("Typed while offline: do not lose me.");
  await expect(page.getByRole("alert")).toContainText("Could not reach the server");
  await page.close({ runBeforeUnload: false });

  const again = await page.context().newPage();
  await again.goto(url);
  await expect(again.getByLabel("Body (Markdown)")).toHaveValue("Typed, never saved by hand.");
  await expect(again.getByText("This browser kept text you had not saved")).toBeVisible();
  await again.getByRole("button", { name: "Restore unsaved text" }).click();
  await expect(again.getByLabel("Body (Markdown)")).toHaveValue("Typed while offline: do not lose me.");
  await again.getByRole("button", { name: "Save draft" }).click();
  await expect(again.getByText(/Saved at/)).toBeVisible();
  await again.reload();
  await expect(again.getByLabel("Body (Markdown)")).toHaveValue("Typed while offline: do not lose me.");
  await expect(again.getByText("This browser kept text you had not saved")).toHaveCount(0);
});

test("a profile's name, bio and avatar show on the author page with their posts", async ({ page, request }) => {
  await signUpAuthor(page, "Bea Biographer");
  const title = `About me ${stamp()}`;
  const slug = await writeDraft(page, { title, body: "Hello." });
  await publishDraft(page);

  await page.goto("/profile");
  await page.getByLabel("Name").fill("Beatrice Biographer");
  await page.getByLabel("Bio").fill("Writes about people.");
  // A page posing as a photo is refused with its reason; a real photo is uploaded with progress.
  const picker = page.getByTestId("avatar-picker");
  await picker.setInputFiles({ name: "bea.jpg", mimeType: "image/jpeg", buffer: Buffer.from("<html><script>alert(1)</script></html>") });
  await expect(page.getByRole("alert")).toHaveText("This file is a web page, not an image.");
  const photo = await sharp({ create: { width: 300, height: 300, channels: 3, background: "#c2410c" } })
    .jpeg()
    .toBuffer();
  let release!: () => void;
  const held = new Promise<void>((done) => (release = done));
  await page.route("**/api/media?for=avatar", async (route) => {
    await held;
    await route.continue();
  });
  await picker.setInputFiles({ name: "bea.jpg", mimeType: "image/jpeg", buffer: photo });
  await expect(page.getByRole("progressbar", { name: /avatar/ })).toBeVisible();
  release();
  const preview = page.getByRole("img", { name: "Your avatar" });
  await expect(preview).toHaveAttribute("src", /^\/media\/[a-f0-9]{64}\/300\.jpg$/);
  const avatar = (await preview.getAttribute("src"))!;
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Profile saved.")).toBeVisible();
  // Another site's address is refused by the API too, not only absent from the form.
  const origin = new URL(page.url()).origin;
  const remote = await page.request.post("/api/trpc/user.updateProfile", {
    data: { json: { name: "Beatrice Biographer", bio: "Writes about people.", image: "https://example.com/bea.png" } },
    headers: { origin },
  });
  expect(remote.status()).toBe(400);
  expect(await remote.text()).toContain("Upload the avatar here");

  // The post's own page, not the home page: other tests publish in parallel and can push
  // this post off the home page's first screen before it is read.
  const post = await readAsVisitor(request, `/posts/${slug}`);
  const authorPath = new RegExp(`href="(/authors/[\\w-]+)"[^>]*>\\s*Beatrice Biographer\\s*<`).exec(post.html)?.[1];
  expect(authorPath, "the post's page links the author by their new name").toMatch(/^\/authors\/[\w-]+$/);
  await page.goto(authorPath!);
  await expect(page.getByRole("heading", { name: "Beatrice Biographer" })).toBeVisible();
  await expect(page.getByText("Writes about people.")).toBeVisible();
  const shown = page.locator(`img.avatar[src="${avatar}"]`);
  await expect(shown).toHaveCount(1);
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(300);
  await expect(page.getByRole("link", { name: title })).toBeVisible();
});
