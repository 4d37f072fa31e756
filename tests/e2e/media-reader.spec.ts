// What a reader's browser does with a post's images: it is offered every width, fetches one
// size for its screen, and asks nothing of any other site; the cover shows in lists and in
// link previews with absolute addresses and real sizes; the page stays accessible.
import AxeBuilder from "@axe-core/playwright";
import { expect, request as requests, test, type Browser, type BrowserContextOptions } from "@playwright/test";
import sharp from "sharp";
import { apiAuthor } from "./helpers.ts";

interface Uploaded {
  hash: string;
  src: string;
  width: number;
  height: number;
}

/** A photo-like JPEG (a gradient under noise), made here so the test says what it holds. */
async function photo(width: number, height: number, colour: string): Promise<Buffer> {
  const noise = await sharp({
    create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 30 } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([{ input: noise, blend: "soft-light" }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 };

/** Every request an anonymous reader's page makes, scrolled to the end so lazy images load too. */
async function readerRequests(browser: Browser, path: string, options: BrowserContextOptions) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const sent: string[] = [];
  page.on("request", (r) => sent.push(r.url()));
  await page.goto(path);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect
    .poll(() =>
      page
        .locator("img")
        .evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)),
    )
    .toBe(true);
  await context.close();
  return sent;
}

test("an anonymous reader gets every width of a post's images, loads one size for its screen, and only from this site", async ({
  browser,
  baseURL,
}) => {
  const origin = baseURL!;
  const context = await requests.newContext({ baseURL: origin });
  const author = await apiAuthor(context, origin, "Iris Images");
  const upload = async (bytes: Buffer) => {
    const answer = await context.post("/api/media?for=post", {
      headers: { origin, "content-type": "application/octet-stream" },
      data: bytes,
    });
    expect(answer.status(), await answer.text()).toBe(201);
    return (await answer.json()) as Uploaded;
  };
  const [inline, cover] = [await upload(await photo(2000, 1333, "#3a6ea5")), await upload(await photo(1800, 1200, "#a5603a"))];
  const stamp = Date.now().toString(36);
  const draft = await author.mutate<{ id: string; slug: string; version: number; authorId: string }>("post.create", {
    title: `Pictures from the coast ${stamp}`,
    body: `The harbour at dawn.\n\n![Boats in a grey harbour](${inline.src})\n\nAnd a picture from elsewhere: ![a remote photo](https://images.example.com/pixel.jpg)`,
  });
  const covered = await author.mutate<{ id: string; version: number; cover: { src: string } | null }>("post.update", {
    id: draft.id,
    version: draft.version,
    cover: { hash: cover.hash, alt: "Dunes under a red sky" },
  });
  expect(covered.cover?.src).toBe(cover.src);
  await author.mutate("post.publish", { id: draft.id });
  const path = `/posts/${draft.slug}`;

  // The markup: WebP first, real widths, real size, the first image eager.
  const html = await (await fetch(`${origin}${path}`)).text();
  const body = /<div class="prose"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? "";
  expect(body).toContain(
    `<source type="image/webp" srcset="/media/${inline.hash}/480.webp 480w, /media/${inline.hash}/800.webp 800w, /media/${inline.hash}/1200.webp 1200w, /media/${inline.hash}/1600.webp 1600w, /media/${inline.hash}/2000.webp 2000w"`,
  );
  expect(body).toMatch(
    /<img [^>]*width="2000" height="1333" alt="Boats in a grey harbour" loading="eager" decoding="async" fetchpriority="high"/,
  );
  expect(body).toContain('<a href="https://images.example.com/pixel.jpg">a remote photo</a>');

  // The link preview: absolute address of the 1200 px JPEG, its real size, a large card.
  const meta = (name: string) => new RegExp(`<meta (?:property|name)="${name}" content="([^"]*)"`).exec(html)?.[1];
  expect(meta("og:image")).toBe(`${origin}/media/${cover.hash}/1200.jpg`);
  expect([meta("og:image:width"), meta("og:image:height")]).toEqual(["1200", "800"]);
  expect(meta("twitter:card")).toBe("summary_large_image");
  expect(meta("twitter:image")).toBe(`${origin}/media/${cover.hash}/1200.jpg`);
  const jsonLd = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)![1]!) as { image: unknown };
  expect(jsonLd.image).toEqual({ "@type": "ImageObject", url: `${origin}/media/${cover.hash}/1200.jpg`, width: 1200, height: 800 });

  // Each screen fetches one size of each image, and nothing from anywhere else.
  for (const [name, options] of [
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ] as const) {
    const sent = await readerRequests(browser, path, options);
    expect(
      sent.filter((u) => new URL(u).origin !== origin),
      name,
    ).toEqual([]);
    for (const image of [inline, cover]) {
      const sizes = sent.filter((u) => u.includes(`/media/${image.hash}/`));
      expect(sizes, `${name}: ${image.hash}`).toHaveLength(1);
      expect(sizes[0], name).toMatch(/\.webp$/);
    }
  }

  // An avatar at another site's address (older profiles may hold one; newer rules may refuse
  // it) is never fetched: the author's page shows the initial and asks only this site.
  await author.attempt("user.updateProfile", { name: "Iris Images", bio: "", image: "https://avatars.example.com/iris.png" });
  const authorPath = `/authors/${draft.authorId}`;
  const authorRequests = await readerRequests(browser, authorPath, DESKTOP);
  expect(authorRequests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
  expect(await (await fetch(`${origin}${authorPath}`)).text()).toMatch(/<span class="avatar initial" aria-hidden="true">\s*I\s*<\/span>/);

  // The cover in the list, small and lazy; axe finds nothing on either page.
  const reader = await browser.newContext(DESKTOP);
  const page = await reader.newPage();
  await page.goto("/");
  const card = page.locator(".post-card", { has: page.getByRole("link", { name: `Pictures from the coast ${stamp}` }) });
  const thumb = card.getByRole("img", { name: "Dunes under a red sky" });
  await expect(thumb).toHaveAttribute("loading", "lazy");
  await expect(thumb).toHaveAttribute("sizes", "9rem");
  await expect(card.locator("source")).toHaveAttribute("srcset", new RegExp(`^/media/${cover.hash}/480\\.webp 480w, `));
  for (const target of ["/", path]) {
    await page.goto(target);
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(
      result.violations.map((v) => `${v.id} on ${target}`),
      target,
    ).toEqual([]);
  }
  await reader.close();
  await context.dispose();
});
