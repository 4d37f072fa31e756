// The XSS corpus through every field a person writes, each resulting page opened in
// Chromium: nothing runs, nothing pops up, nothing is fetched from elsewhere, and Markdown
// links with script URLs lose them.
import { expect, test, type Page } from "@playwright/test";
import { apiAuthor } from "./helpers.ts";
import { inBatches, pageFacts, runToken, unsafeInPage, unsafeMarkup, xssPayloads } from "./hostile.ts";

// The page's Content-Security-Policy would stop most injected scripts on its own; these
// tests switch it off so they prove the first line of defence (escaping and sanitizing)
// holds by itself. security.spec.ts proves the policy.
test.use({ bypassCSP: true });

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const RAW = xssPayloads();
// The app refuses control characters with a 400 (tested below); the payloads go in without them.
const PAYLOADS = RAW.map((p) => p.replace(CONTROL, ""));
const GROUP = 18;
const groups = Array.from({ length: Math.ceil(PAYLOADS.length / GROUP) }, (_, g) => PAYLOADS.slice(g * GROUP, (g + 1) * GROUP));

function chunkOf<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** The first `max` UTF-16 units of `text` without splitting a character, trimmed as the app trims. */
function fit(text: string, max: number): string {
  let out = "";
  for (const c of text.trim()) {
    if ((out + c).length > max) break;
    out += c;
  }
  return out.trim();
}

/**
 * Flags, in every frame, any call to alert/confirm/prompt/print (every payload that runs
 * ends in one of them) and any console output: the site itself calls none and logs
 * nothing. eval is not hooked: Playwright's own page evaluation goes through it.
 */
function sentinel() {
  const hits: string[] = [];
  Object.defineProperty(window, "__xss", { value: hits });
  for (const name of ["alert", "confirm", "prompt", "print"] as const) {
    Object.defineProperty(window, name, {
      value: (...args: unknown[]) => hits.push(`${name}(${args.map(String).join(", ").slice(0, 80)})`),
    });
  }
}

/**
 * A browser page that records everything a payload could do: dialogs, console output,
 * uncaught errors, sentinel hits, and requests that leave the site. Allowed requests: the
 * site's own origin, and data:/blob: URLs, which never leave the browser. A foreign
 * address is a finding even where the CSP would allow it (avatars may be any https
 * image, but no payload here is anybody's avatar).
 */
async function watch(page: Page, origin: string) {
  const seen: string[] = [];
  await page.addInitScript(sentinel);
  page.on("dialog", (dialog) => {
    seen.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("console", (message) => seen.push(`console.${message.type()}: ${message.text().slice(0, 120)}`));
  page.on("pageerror", (error) => seen.push(`page error: ${error.message.slice(0, 120)}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!/^(data|blob):/.test(url) && new URL(url).origin !== origin) seen.push(`request to ${url.slice(0, 120)}`);
  });
  page.on("popup", (popup) => seen.push(`popup ${popup.url()}`));
  return async function visit(path: string, opts: { comments?: boolean } = {}): Promise<string[]> {
    seen.length = 0;
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    if (opts.comments) {
      // The comment island wakes when scrolled to; its own rendering is checked too.
      await page.locator(".comments-section").scrollIntoViewIfNeeded();
      await expect(page.locator("astro-island[ssr]")).toHaveCount(0);
    }
    // Two frames: handlers that fire on load (onerror, onfocus, ontoggle…) have had their turn.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const hits = (await page.evaluate("window.__xss")) as string[];
    return [...seen, ...hits, ...(await unsafeInPage(page))].map((p) => `${path}: ${p}`);
  };
}

interface Post {
  id: string;
  slug: string;
  title: string;
  tags: { slug: string; name: string }[];
}

test("the corpus has payloads, and one with a control character is refused with a clear 400", async ({ request, baseURL }) => {
  expect(RAW.length).toBeGreaterThanOrEqual(300);
  const withControl = RAW.filter((p) => p !== p.replace(CONTROL, ""));
  expect(withControl.length).toBeGreaterThan(0);
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Rhea Refused");
  for (const payload of withControl) {
    const answer = await author.attempt("post.create", { title: "Control", body: payload });
    expect(answer).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/^body: .*control character/) });
  }
});

test("the watcher itself catches a payload that runs, a foreign request and injected markup", async ({ page, baseURL }) => {
  // A control for the checks below: a page (served by the test, at the site's address)
  // that a broken escaper would produce. If the watcher missed this, the passes below
  // would mean nothing.
  const origin = new URL(baseURL!).origin;
  await page.route(`${origin}/xss-control`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>x</title><main><h1>Hi <img src=x onerror="alert('XSS')"></h1>
        <div class="prose"><a href="javascript:alert(2)">a</a><img src="https://evil.example/x.png"></div></main>`,
    }),
  );
  const visit = await watch(page, origin);
  const problems = (await visit("/xss-control")).join("\n");
  expect(problems).toContain("alert(XSS)");
  expect(problems).toContain("request to https://evil.example/x.png");
  expect(problems).toContain("<img onerror=");
  expect(problems).toContain('<a href="javascript:alert(2)">');
});

test("XSS payloads in titles, bodies, tags and comments never run, load or pop up", async ({ page, request, baseURL }) => {
  test.setTimeout(300_000);
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Xavier Xss");
  const run = runToken("xs");

  // Per group: one post per payload (title, body, its own tag, the group's tag), and a
  // lead post carrying all the group's payloads in its body and as its comments.
  const built = await inBatches(groups, 2, async (group, g) => {
    const groupTag = `${run} g${g}`;
    const posts = await inBatches(group, 3, async (payload, k) => {
      const post = await author.mutate<Post>("post.create", {
        title: fit(payload, 200),
        body: `${payload}\n\n${run}g${g}q`,
        tags: [fit(`${run}${g}z${k} ${payload}`, 40), groupTag],
      });
      await author.mutate("post.publish", { id: post.id });
      return post;
    });
    const lead = await author.mutate<Post>("post.create", { title: `XSS group ${g} ${run}`, body: group.join("\n\n") });
    await author.mutate("post.publish", { id: lead.id });
    for (const payload of group) await author.mutate("comment.create", { postId: lead.id, body: payload });
    return { g, posts, lead, groupTagSlug: posts[0]!.tags.find((t) => t.name === groupTag)!.slug };
  });

  const visit = await watch(page, origin);
  const problems: string[] = [];
  for (const { lead } of built) problems.push(...(await visit(`/posts/${lead.slug}`, { comments: true })));
  for (const { g, groupTagSlug } of built) {
    // Lists: the group's tag page, and both pages of its search results (every title,
    // highlighted, with its snippet and author; /tags below lists every tag name).
    problems.push(...(await visit(`/tags/${groupTagSlug}`)));
    problems.push(...(await visit(`/search?q=${run}g${g}q`)));
    const next = await page.locator("a[rel=next]").getAttribute("href");
    expect(next, `search for group ${g} has a second page`).toMatch(/^\/search\?.*\bafter=/);
    problems.push(...(await visit(next!)));
  }
  problems.push(...(await visit("/")), ...(await visit("/tags")));
  expect(problems).toEqual([]);

  // Every payload's own post page and tag page, parsed by the browser (which runs nothing
  // this way, so 720 pages stay cheap) and checked for anything that could run or load:
  // the lists above already showed each title, tag and excerpt in the browser for real.
  const posts = built.flatMap((b) => b.posts);
  const payloadTags = posts.flatMap((p) => p.tags.filter((t) => !t.slug.startsWith(`${run}-g`)));
  const urls = [...posts.map((p) => `/posts/${p.slug}`), ...payloadTags.map((t) => `/tags/${t.slug}`)];
  const parsed = (await inBatches(chunkOf(urls, 20), 1, (batch) => pageFacts(page, batch))).flat();
  expect(parsed.flatMap((f) => [...(f.status === 200 ? [] : [`${f.url}: ${f.status}`]), ...f.unsafe.map((u) => `${f.url}: ${u}`)])).toEqual(
    [],
  );

  // The feeds are XML: well-formed, every title read back as sent, and the HTML they
  // carry as safe as the page's.
  for (const path of ["/rss.xml", ...built.map((b) => `/tags/${b.groupTagSlug}/rss.xml`)]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const xml = await response.text();
    const feed = (await page.evaluate(
      `((xml, unsafe) => {
        const doc = new DOMParser().parseFromString(xml, "application/xml");
        const error = doc.querySelector("parsererror");
        const items = [...doc.querySelectorAll("item")].map((item) => {
          const encoded = item.getElementsByTagNameNS("http://purl.org/rss/1.0/modules/content/", "encoded")[0];
          const html = new DOMParser().parseFromString(encoded ? encoded.textContent : "", "text/html");
          // Readers render the text fields as HTML too: each must make no element there.
          const asHtml = (el) => new DOMParser().parseFromString(el ? el.textContent : "", "text/html").body;
          const fields = [...item.children].filter((el) => ["title", "description", "creator", "category"].includes(el.localName));
          const elements = fields.flatMap((el) => [...asHtml(el).querySelectorAll("*")].map((e) => el.localName + ": <" + e.localName + ">"));
          return { title: asHtml(item.querySelector("title")).textContent, unsafe: [...unsafe(html), ...elements] };
        });
        return { error: error ? error.textContent : null, items };
      })(${JSON.stringify(xml)}, ${unsafeMarkup})`,
    )) as { error: string | null; items: { title: string; unsafe: string[] }[] };
    expect(feed.error, path).toBeNull();
    expect(
      feed.items.flatMap((i) => i.unsafe),
      path,
    ).toEqual([]);
    if (path !== "/rss.xml") {
      const group = built.find((b) => path === `/tags/${b.groupTagSlug}/rss.xml`)!;
      expect(feed.items.map((i) => i.title).sort(), path).toEqual(group.posts.map((p) => p.title).sort());
    }
  }

  // The pages also show each title and tag as the text that was sent.
  const facts = parsed.slice(0, posts.length);
  facts.forEach((f, i) => {
    expect({ h1: f.h1, tags: f.tags.sort() }, f.url).toEqual({ h1: posts[i]!.title, tags: posts[i]!.tags.map((t) => `#${t.name}`).sort() });
  });
});

test("XSS payloads as display names and bios never run, load or pop up", async ({ page, playwright, baseURL }) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL!).origin;
  const visit = await watch(page, origin);
  await page.goto("/");
  // One person per group, each changing their own profile to the group's payloads in
  // turn; after every change their page (name as heading and on their post's card, bio)
  // is parsed and checked, and after the last one it is opened in the browser for real.
  const people = await inBatches(groups, 4, async (group, g) => {
    const context = await playwright.request.newContext();
    const author = await apiAuthor(context, origin, `Nora Names${g}`);
    const post = await author.mutate<Post>("post.create", { title: `Names ${g} ${runToken("nm")}` });
    await author.mutate("post.publish", { id: post.id });
    const me = await author.query<{ id: string }>("user.me", undefined);
    if (!me.ok) throw new Error(me.message);
    return { group, author, id: me.data.id, context };
  });
  const shown = (payload: string) => ({ name: fit(payload, 80) || "Nameless", bio: fit(payload, 1000) });
  const problems: string[] = [];
  for (let step = 0; step < GROUP; step++) {
    const now = people.filter((p) => p.group[step] !== undefined);
    await Promise.all(
      now.map(async ({ group, author }) => {
        const expected = shown(group[step]!);
        const answer = await author.attempt<{ name: string; bio: string }>("user.updateProfile", { ...expected, image: "" });
        expect(answer.ok && { name: answer.data.name, bio: answer.data.bio }, JSON.stringify(group[step])).toEqual(expected);
      }),
    );
    const facts = await pageFacts(
      page,
      now.map((p) => `/authors/${p.id}`),
    );
    facts.forEach((f, i) => {
      const expected = shown(now[i]!.group[step]!);
      problems.push(...f.unsafe.map((u) => `${f.url}: ${u}`));
      expect({ status: f.status, h1: f.h1, bio: f.bio, card: f.linkedTitles.length }, f.url).toEqual({
        status: 200,
        h1: expected.name,
        bio: expected.bio,
        card: 1,
      });
    });
  }
  for (const { id } of people) problems.push(...(await visit(`/authors/${id}`)));
  expect(problems).toEqual([]);
  await Promise.all(people.map((p) => p.context.dispose()));
});

test("Markdown links and images with javascript:, data: and vbscript: URLs lose them", async ({ page, request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Lars Links");
  const urls = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript&#58;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
    "java%0ascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
  ];
  const markdown = [
    ...urls.map((u, i) => `[link ${i}](${u.includes(" ") ? `<${u}>` : u})`),
    ...urls.map((u, i) => `![image ${i}](${u.includes(" ") ? `<${u}>` : u})`),
    ...urls.map((u, i) => `[reference ${i}][r${i}]\n\n[r${i}]: ${u.trim()}`),
    "<javascript:alert(1)>",
    "[fine](https://example.com/ok)",
  ].join("\n\n");
  const post = await author.mutate<Post>("post.create", { title: `Links ${runToken("ln")}`, body: markdown });
  await author.mutate("post.publish", { id: post.id });
  for (const chunk of [markdown.split("\n\n").slice(0, 24).join("\n\n"), markdown.split("\n\n").slice(24).join("\n\n")]) {
    await author.mutate("comment.create", { postId: post.id, body: chunk });
  }

  const visit = await watch(page, origin);
  expect(await visit(`/posts/${post.slug}`, { comments: true })).toEqual([]);
  const scheme = /^[a-z][a-z0-9+.-]*:/i;
  for (const area of [".prose", ".comments-section .body"]) {
    const hrefs = await page.locator(`${area} a`).evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const srcs = await page.locator(`${area} img`).evaluateAll((is) => is.map((i) => i.getAttribute("src")));
    // Every link is still there as text; what remains of an address is http(s), mailto or
    // none at all (relative addresses are the site's own).
    expect(hrefs.length, area).toBeGreaterThanOrEqual(urls.length * 2);
    for (const url of [...hrefs, ...srcs]) {
      if (url === null) continue;
      // As a browser reads an address: spaces and controls around and inside a scheme are dropped.
      const decoded = url.replace(/[\u0000-\u0020]+/g, "");
      if (scheme.test(decoded)) expect(decoded, area).toMatch(/^(https?|mailto):/i);
    }
    expect(hrefs, area).toContain("https://example.com/ok");
  }
  // The links' text is kept for the reader.
  await expect(page.locator(".prose")).toContainText("link 0");
  await expect(page.locator(".prose")).toContainText("reference 11");
});
