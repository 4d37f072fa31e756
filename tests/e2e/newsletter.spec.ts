// Newsletters in the built site with no JavaScript in the reader's browser: the form on the
// home page and a tag page, the confirmation mail through the suite's SMTP server, a publish,
// the mail, and the unsubscribe page's one button. Subscriber addresses never appear in
// anything public.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { apiAuthor, DEPLOYED, mailTo, uniqueEmail } from "./helpers.ts";

test.use({ javaScriptEnabled: false });

/** Every mail to `to` whose subject is `subject`, as the suite's SMTP server kept it (quoted-printable undone). */
function mailsTo(to: string, subject: string): string[] {
  const dir = process.env.E2E_MAIL_DIR!;
  return readdirSync(dir)
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as { to: string[]; subject: string; text: string })
    .filter((m) => m.to.includes(to.toLowerCase()) && m.subject === subject)
    .map((m) => m.text.replace(/=\r?\n/g, "").replace(/=3D/gi, "="));
}

async function subscribeThrough(page: Page, path: string, email: string, heading: RegExp) {
  await page.goto(path);
  const form = page.getByRole("form", { name: heading });
  await form.getByLabel("Email address").fill(email);
  await form.getByRole("button", { name: "Subscribe" }).click();
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  await page.goto((await mailTo(email, /confirm your subscription/i)).link);
  await expect(page.getByRole("heading", { name: "You are subscribed" })).toBeVisible();
}

test.describe("newsletters", () => {
  test.skip(DEPLOYED, "needs the suite's own SMTP server");

  test("a reader subscribes with no JavaScript, gets each post once, and unsubscribes from the mail", async ({
    page,
    request,
    baseURL,
  }) => {
    const origin = baseURL!;
    const author = await apiAuthor(request, origin, "Letter Writer");
    const reader = uniqueEmail("letter");
    const tagReader = uniqueEmail("tagged");
    const tag = `letters${Date.now().toString(36)}`;
    const seed = await author.mutate("post.create", { title: `Seeding ${tag}`, body: "So the tag has a page.", tags: [tag] });
    await author.mutate("post.publish", { id: seed.id, email: false });

    await subscribeThrough(page, "/", reader, /get new posts by email/i);
    await subscribeThrough(page, `/tags/${tag}`, tagReader, new RegExp(`posts tagged #${tag}`, "i"));

    const title = `Dear readers ${Date.now().toString(36)}`;
    const post = await author.mutate("post.create", { title, body: "A letter to you all.", tags: [tag] });
    await author.mutate("post.publish", { id: post.id });
    await expect.poll(() => mailsTo(reader, title).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => mailsTo(tagReader, title).length, { timeout: 30_000 }).toBe(1);
    const untagged = `Not about ${tag}`;
    const other = await author.mutate("post.create", { title: untagged, body: "Elsewhere." });
    await author.mutate("post.publish", { id: other.id });
    await expect.poll(() => mailsTo(reader, untagged).length, { timeout: 30_000 }).toBe(1);
    expect(mailsTo(tagReader, untagged)).toEqual([]);

    // The page the mail's unsubscribe link opens: one button, no script.
    const unsubscribe = /https?:\/\/\S+\/newsletter\/unsubscribe\?token=[\w-]+/.exec(mailsTo(reader, title)[0]!)?.[0];
    expect(unsubscribe).toMatch(/\/newsletter\/unsubscribe\?token=[\w-]+$/);
    await page.goto(unsubscribe!);
    await page.getByRole("button", { name: "Unsubscribe" }).click();
    await expect(page.getByRole("heading", { name: "You are unsubscribed" })).toBeVisible();

    const after = `After goodbye ${Date.now().toString(36)}`;
    const last = await author.mutate("post.create", { title: after, body: "Not for the one who left.", tags: [tag] });
    await author.mutate("post.publish", { id: last.id });
    await expect.poll(() => mailsTo(tagReader, after).length, { timeout: 30_000 }).toBe(1);
    expect(mailsTo(reader, after)).toEqual([]);

    // Nothing public names a subscriber.
    const input = encodeURIComponent(JSON.stringify({ json: {} }));
    for (const path of [
      "/",
      `/posts/${post.slug}`,
      `/tags/${tag}`,
      "/tags",
      "/rss.xml",
      `/tags/${tag}/rss.xml`,
      "/sitemap.xml",
      "/search?q=letter",
      `/api/trpc/post.list?input=${input}`,
      `/api/trpc/tag.all`,
    ]) {
      const body = await (await page.request.get(path)).text();
      for (const email of [reader, tagReader]) expect(body, `${path} names ${email}`).not.toContain(email.split("@")[0]);
    }
  });
});
