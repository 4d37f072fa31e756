// The W3C Nu HTML checker (vnu-jar, on Java) reports no errors on any page type.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import vnu from "vnu-jar";
import { ADMIN_STATE, openComments, publishDraft, signUpAuthor, writeDraft, writePage } from "./helpers.ts";

test("every page type is valid HTML", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  await signUpAuthor(page, "Val Valid");
  const slug = await writeDraft(page, {
    title: `Valid ${stamp}`,
    body: "Text, [a link](https://example.com), `code`.\n\n```js\nlet a;\n```",
    tags: `Valid ${stamp}`,
  });
  const editor = page.url();
  await publishDraft(page);
  await page.goto(`/posts/${slug}`);
  await openComments(page);
  await page.getByLabel("Add a comment").fill("A *comment*.");
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.getByText("Comment posted.")).toBeVisible();
  const session = await (await page.request.get("/api/auth/get-session")).json();
  // A page (About…): pages are for editors and admins.
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const adminPage = await admin.newPage();
  const pageSlug = await writePage(adminPage, { title: `Valid page ${stamp}`, body: "Who we are, [a link](https://example.com)." });
  const pageEditor = new URL(adminPage.url()).pathname;
  await publishDraft(adminPage);

  const dir = mkdtempSync(join(tmpdir(), "quire-vnu-"));
  const save = async (name: string, html: string) => writeFileSync(join(dir, `${name}.html`), html);
  const anonymous = await browser.newContext();
  const reader = anonymous.request;
  for (const [name, path] of Object.entries({
    home: "/",
    post: `/posts/${slug}`,
    page: `/${pageSlug}`,
    tag: `/tags/valid-${stamp}`,
    tags: "/tags",
    author: `/authors/${session.user.id}`,
    search: "/search?q=valid",
    notFound: "/no-such-page",
    signIn: "/sign-in",
    signUp: "/sign-up",
  }))
    await save(name, await (await reader.get(path)).text());
  // Author pages as the server sends them to a signed-in person.
  for (const [name, path] of Object.entries({
    dashboard: "/dashboard",
    newPost: "/dashboard/new",
    editor: new URL(editor).pathname,
    profile: "/profile",
  })) {
    await save(name, await (await page.request.get(path)).text());
  }
  for (const [name, path] of Object.entries({
    people: "/admin/people",
    pages: "/dashboard/pages",
    newPage: "/dashboard/pages/new",
    pageEditor,
    settings: "/admin/settings",
    menus: "/admin/menus",
    moderation: "/dashboard/comments",
    import: "/admin/import",
    redirects: "/admin/redirects",
    webhooks: "/admin/webhooks",
    apiKeys: "/admin/api-keys",
    apiDocs: "/api/docs",
    export: "/admin/export",
  }))
    await save(name, await (await admin.request.get(path)).text());

  let report: string;
  try {
    report = execFileSync("java", ["-jar", String(vnu), "--errors-only", "--format", "json", "--stdout", dir], { encoding: "utf8" });
  } catch (e) {
    report = String((e as { stdout?: string }).stdout ?? e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([anonymous.close(), admin.close()]);
  }
  const messages = (JSON.parse(report) as { messages: { type: string; url: string; message: string; extract?: string }[] }).messages;
  expect(messages.filter((m) => m.type === "error").map((m) => `${m.url.split("/").pop()}: ${m.message} [${m.extract ?? ""}]`)).toEqual([]);
});
