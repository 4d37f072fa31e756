// The site's language, end to end: switched in the database as another server process would
// (a setting row and a purge of the "site" tag in the shared log), the running server drops
// its pages and settings and speaks German, with German dates on the site's clock; a post
// in another language says so; English comes back when the setting goes. The spec starts
// a server of its own on its own database, so specs running beside it keep reading English.
import { createClient, type Client } from "@libsql/client";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vnu from "vnu-jar";
import { apiAuthor, DEPLOYED, mailTo, openComments, PASSWORD, uniqueEmail } from "./helpers.ts";
import { startQuire, type QuireProcess } from "./servers/quire.ts";

test.skip(DEPLOYED, "starts its own server and writes its database, which a deployed site does not allow");
// One server for the file: the second test writes with the admin the first account became.
test.describe.configure({ mode: "serial" });

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let dir: string;
let server: QuireProcess;
let db: Client;
let writer: APIRequestContext;
let author: Awaited<ReturnType<typeof apiAuthor>>;
let authorEmail: string;

test.beforeAll(async ({ playwright }) => {
  dir = mkdtempSync(join(tmpdir(), "quire-i18n-"));
  const dbFile = join(dir, "i18n.db");
  server = await startQuire({ dbFile });
  db = createClient({ url: `file:${dbFile}` });
  writer = await playwright.request.newContext();
  // The first account on this database is its admin, and may write.
  author = await apiAuthor(writer, server.url, "Lena Lang");
  const session = await (await writer.get(`${server.url}/api/auth/get-session`)).json();
  authorEmail = session.user.email;
});

test.afterAll(async () => {
  await writer?.dispose();
  db?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes settings and purges "site", as a settings form in another process would. */
async function setSettings(values: Record<string, unknown>) {
  await db.batch(
    [
      ...Object.entries(values).map(([key, value]) =>
        value === undefined
          ? { sql: "delete from setting where key = ?", args: [key] }
          : {
              sql: "insert into setting (key, value) values (?, ?) on conflict(key) do update set value = excluded.value",
              args: [key, JSON.stringify(value)],
            },
      ),
      { sql: "insert into cache_purge (tags) values (?)", args: [JSON.stringify(["site"])] },
    ],
    "write",
  );
}

/** Waits until the home page is in `lang`: the server reads the purge log a few times a second. */
async function untilSpeaks(page: Page, lang: string) {
  await expect
    .poll(async () => /<html lang="([^"]+)"/.exec(await (await page.request.get(`${server.url}/`)).text())?.[1], { timeout: 3000 })
    .toBe(lang);
}

test("the site speaks its language: German words, dates and mail after a switch in the database, English again after", async ({ page }) => {
  const pages: { path: string; html: string }[] = [];
  const english = await author.mutate("post.create", { title: `Notes from Vienna ${unique()}`, body: "A short *walk*." });
  const published = await author.mutate<{ slug: string; publishedAt: string }>("post.publish", { id: english.id });
  const arabicTitle = `مرحبا بالعالم ${unique()}`;
  const arabic = await author.mutate<{ id: string; lang: string | null }>("post.create", {
    title: arabicTitle,
    body: "نص قصير باللغة العربية.",
    lang: "ar",
  });
  expect(arabic.lang).toBe("ar");
  const arabicSlug = (await author.mutate<{ slug: string }>("post.publish", { id: arabic.id })).slug;

  // English to begin with, and the pages cached that way.
  await page.goto(`${server.url}/posts/${published.slug}`);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByText("1 min read")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Read" })).toBeVisible();

  try {
    // Kiritimati is UTC+14: its calendar is a day ahead of UTC for ten hours of every day.
    await setSettings({ language: "de", timezone: "Pacific/Kiritimati" });
    await untilSpeaks(page, "de");
    const day = new Intl.DateTimeFormat("de", { day: "numeric", month: "long", year: "numeric", timeZone: "Pacific/Kiritimati" });

    await page.goto(`${server.url}/`);
    const nav = page.getByRole("navigation", { name: "Website" });
    for (const word of ["Lesen", "Themen", "Suche", "Schreiben", "Anmelden"])
      await expect(nav.getByRole("link", { name: word })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: "Neueste Texte" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Zum Inhalt springen" })).toBeAttached();
    await expect(page.getByText("Veröffentlicht mit Quire.")).toBeVisible();
    // A card of a post in another language marks its words, and lets them run right to left.
    const card = page.locator(".post-card h2", { hasText: arabicTitle });
    await expect(card).toHaveAttribute("lang", "ar");
    await expect(card).toHaveAttribute("dir", "auto");

    await page.goto(`${server.url}/posts/${published.slug}`);
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByText("1 Min. Lesezeit")).toBeVisible();
    await expect(page.locator("article time")).toHaveText(day.format(new Date(published.publishedAt)));
    await expect(page.getByRole("heading", { level: 2, name: "Kommentare" })).toBeVisible();
    // The comment island, once scrolled to and running, speaks German too.
    await openComments(page);
    await expect(page.getByText("Noch keine Kommentare.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Zum Kommentieren anmelden" })).toBeVisible();

    // The Arabic post is Arabic inside a German page, its byline German.
    await page.goto(`${server.url}/posts/${arabicSlug}`);
    const article = page.locator("article");
    await expect(article).toHaveAttribute("lang", "ar");
    await expect(page.getByRole("heading", { level: 1, name: arabicTitle })).toHaveAttribute("dir", "auto");
    await expect(article.locator(".prose")).toHaveAttribute("dir", "auto");
    await expect(article.locator(".meta").first()).toHaveAttribute("lang", "de");
    expect(await page.getByRole("heading", { level: 1 }).evaluate((h) => getComputedStyle(h).direction)).toBe("rtl");

    const missing = await page.goto(`${server.url}/nirgendwo-${unique()}`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Nicht gefunden" })).toBeVisible();

    // The German pages, and the Arabic post in one, are valid HTML.
    for (const path of ["/", `/posts/${arabicSlug}`, `/posts/${published.slug}`, "/tags", "/search?q=walk", "/sign-up"])
      pages.push({ path, html: await (await page.request.get(`${server.url}${path}`)).text() });

    // Someone signing up reads a German form, and gets German mail.
    await page.goto(`${server.url}/sign-up`);
    await expect(page.getByRole("heading", { name: "Ein Konto anlegen" })).toBeVisible();
    const email = uniqueEmail("greta");
    await page.getByLabel("Name").fill("Greta Gast");
    await page.getByLabel("E-Mail").fill(email);
    await page.getByLabel("Passwort").fill(PASSWORD);
    await page.getByRole("button", { name: "Konto anlegen" }).click();
    await expect(page.getByRole("heading", { name: "Sehen Sie in Ihr Postfach" })).toBeVisible();
    const mail = await mailTo(email, /Bestätigen Sie Ihre E-Mail-Adresse/);
    expect(mail.text).toMatch(/^Hallo Greta Gast,/);

    // A refusal from the sign-in service is worded in German too.
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("E-Mail").fill(email);
    await page.getByLabel("Passwort").fill("not the password");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page.getByRole("alert")).toHaveText("E-Mail-Adresse oder Passwort stimmen nicht.");
  } finally {
    await setSettings({ language: undefined, timezone: undefined });
  }

  await untilSpeaks(page, "en");
  await page.goto(`${server.url}/posts/${published.slug}`);
  await expect(page.getByText("1 min read")).toBeVisible();
  const utc = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  await expect(page.locator("article time")).toHaveText(utc.format(new Date(published.publishedAt)));
  await expect(page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Read" })).toBeVisible();

  expect(pages.every((p) => /<html lang="de">/.test(p.html))).toBe(true);
  expect(htmlErrors(pages)).toEqual([]);
});

/** What the W3C Nu HTML checker (vnu-jar, as html-validity.spec.ts runs it) finds wrong with these pages. */
function htmlErrors(pages: { path: string; html: string }[]): string[] {
  const folder = mkdtempSync(join(tmpdir(), "quire-i18n-vnu-"));
  pages.forEach((p, i) => writeFileSync(join(folder, `${i}.html`), p.html));
  let report: string;
  try {
    report = execFileSync("java", ["-jar", String(vnu), "--errors-only", "--format", "json", "--stdout", folder], { encoding: "utf8" });
  } catch (e) {
    report = String((e as { stdout?: string }).stdout ?? e);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const messages = (JSON.parse(report) as { messages: { type: string; url: string; message: string; extract?: string }[] }).messages;
  return messages
    .filter((m) => m.type === "error")
    .map((m) => `${pages[Number(m.url.split("/").pop()!.replace(".html", ""))]?.path}: ${m.message} [${m.extract ?? ""}]`);
}

test("the editor sets a post's language, as Intl writes the tag, and says what to write when it is not one", async ({ page }) => {
  const signIn = await page.request.post(`${server.url}/api/auth/sign-in/email`, {
    headers: { origin: server.url },
    data: { email: authorEmail, password: PASSWORD },
  });
  expect(signIn.status()).toBe(200);
  await page.goto(`${server.url}/dashboard/new`);
  await page.getByLabel("Title").fill(`Grüß Gott ${unique()}`);
  const lang = page.getByLabel("Language of this post");
  await lang.fill("en_US");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.locator("#lang-error")).toHaveText("Use a language tag such as en, de-AT or zh-Hant (BCP 47), or leave it empty");
  await expect(lang).toHaveAttribute("aria-invalid", "true");

  await lang.fill("de-at");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  await expect(lang).toHaveValue("de-AT");
  const id = /\/dashboard\/posts\/([\w-]+)$/.exec(page.url())?.[1];
  expect(await author.query("post.byId", { id })).toMatchObject({ data: { lang: "de-AT" } });

  // Emptied, the post is in the site's language again.
  await page.reload();
  await expect(lang).toHaveValue("de-AT");
  await lang.fill("");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  expect(await author.query("post.byId", { id })).toMatchObject({ data: { lang: null } });
});
