// What readers get for the images in a post: this site's images as <picture> with every
// rendition, their real size and a placeholder colour; any other image as a link that loads
// nothing; a cover that must be a stored image, shown back with its sizes.
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderMarkdownHere } from "../../src/lib/markdown.ts";
import { PROSE_SIZES } from "../../src/lib/markdown-media.ts";
import { processImage } from "../../src/media/pipeline.ts";
import { fallbackSrc, type MediaInfo } from "../../src/media/urls.ts";
import { recordUpload } from "../../src/server/queries/media.ts";
import { createBackend, type Backend } from "./harness.ts";
import { LIMITS, photo, transparentPng } from "./media-fixtures.ts";

let b: Backend;
beforeEach(async () => {
  b = await createBackend();
});
afterEach(() => b.close());

async function stored(bytes: Buffer, userId: string): Promise<MediaInfo> {
  return recordUpload(b.db.write, await processImage(bytes, LIMITS), { userId, fileName: "x", bytes: bytes.byteLength });
}

/** The elements of `html` as a browser would parse them, by a small DOM-free reading. */
function imgs(html: string): Record<string, string>[] {
  return Array.from(html.matchAll(/<img ([^>]*)>/g), (m) =>
    Object.fromEntries(Array.from(m[1]!.matchAll(/([a-z-]+)="([^"]*)"/g), (a) => [a[1]!, a[2]!])),
  );
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TRPCError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "OK";
}

describe("rendering images", () => {
  it("makes a stored image a <picture>, WebP first, with srcset of real widths, its size and placeholder", async () => {
    const { userId } = await b.signUp("Painter");
    const info = await stored(await photo(1300, 650), userId);
    const second = await stored(await photo(600, 400), userId);
    const { html } = await renderMarkdownHere(`Intro.\n\n![A red barn](${fallbackSrc(info)})\n\n![Second](${fallbackSrc(second)})`, [
      info,
      second,
    ]);
    const source = /<picture><source type="image\/webp" srcset="([^"]+)" sizes="([^"]+)"><img /.exec(html);
    expect(source?.[1]).toBe(
      `/media/${info.hash}/480.webp 480w, /media/${info.hash}/800.webp 800w, /media/${info.hash}/1200.webp 1200w, /media/${info.hash}/1300.webp 1300w`,
    );
    expect(source?.[2]).toBe(PROSE_SIZES);
    const [first, next] = imgs(html);
    expect(first).toEqual({
      src: `/media/${info.hash}/1300.jpg`,
      srcset: `/media/${info.hash}/480.jpg 480w, /media/${info.hash}/800.jpg 800w, /media/${info.hash}/1200.jpg 1200w, /media/${info.hash}/1300.jpg 1300w`,
      sizes: PROSE_SIZES,
      width: "1300",
      height: "650",
      alt: "A red barn",
      loading: "eager",
      decoding: "async",
      fetchpriority: "high",
      style: `background-color:${info.placeholder}`,
    });
    // Only the first is fetched up front.
    expect(next).toMatchObject({ width: "600", height: "400", alt: "Second", loading: "lazy", decoding: "async" });
    expect(next).not.toHaveProperty("fetchpriority");
  });

  it("offers a transparent image as WebP and PNG", async () => {
    const { userId } = await b.signUp("Designer");
    const info = await stored(await transparentPng(), userId);
    const { html } = await renderMarkdownHere(`![Logo](${fallbackSrc(info)})`, [info]);
    expect(imgs(html)[0]).toMatchObject({ src: `/media/${info.hash}/64.png`, srcset: `/media/${info.hash}/64.png 64w`, width: "64" });
    expect(html).toContain(`srcset="/media/${info.hash}/64.webp 64w"`);
  });

  it("turns other images into links that load nothing, and never into a script", async () => {
    const unknown = `/media/${"b".repeat(64)}/800.jpg`;
    const md = [
      "![Remote](https://tracker.example/pixel.png)",
      "![Script](javascript:alert(1))",
      "![Data](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
      "![VB](vbscript:msgbox(1))",
      `![Unknown](${unknown})`,
      "[![Nested](https://e.example/a.png)](https://e.example/)",
    ].join("\n\n");
    const { html } = await renderMarkdownHere(md, []);
    expect(html).not.toMatch(/<img|<picture|<source|javascript:|vbscript:|data:/i);
    expect(html).toContain('<a href="https://tracker.example/pixel.png">Remote</a>');
    expect(html).toContain(`<a href="${unknown}">Unknown</a>`);
    expect(html).toContain("<a>Script</a>");
    // An image inside a link becomes its alt text: no link inside a link.
    expect(html).toContain('<a href="https://e.example/">Nested</a>');
  });

  it("lets nothing through the sanitizer that it did not make: raw HTML images stay out", async () => {
    const { html } = await renderMarkdownHere(
      '<img src="/media/' +
        "a".repeat(64) +
        '/800.jpg" onerror="alert(1)">\n\n<picture><source srcset="https://x.example/a.webp"></picture>',
      [],
    );
    expect(html).not.toMatch(/<img|<picture|<source|onerror/);
  });
});

describe("images through the post router", () => {
  it("stores a post's images as pictures, and previews them the same way", async () => {
    const { caller, userId } = await b.signUp("Writer");
    const info = await stored(await photo(900, 600), userId);
    const body = `![Harbour at dawn](${fallbackSrc(info)})\n\n![Elsewhere](https://cdn.example/a.jpg)`;
    const post = await caller.post.create({ title: "Pictures", body });
    expect(post.body).toBe(body);
    expect(imgs(post.html)).toEqual([expect.objectContaining({ alt: "Harbour at dawn", width: "900", height: "600", loading: "eager" })]);
    expect(post.html).toContain('<a href="https://cdn.example/a.jpg">Elsewhere</a>');
    const preview = await caller.post.preview({ body });
    expect(preview.html).toBe(post.html);
    const updated = await caller.post.update({ id: post.id, version: post.version, body: `Text first.\n\n${body}` });
    expect(imgs(updated.html)[0]).toMatchObject({ alt: "Harbour at dawn", fetchpriority: "high" });
  });

  it("sets, shows and removes a cover, refusing a hash that is no stored image and keeping the post as it was", async () => {
    const { caller, userId } = await b.signUp("Cover Author");
    const info = await stored(await photo(2000, 1000), userId);
    const post = await caller.post.create({ title: "With a cover", body: "Text." });
    expect(post.cover).toBeNull();
    const missing = "c".repeat(64);
    expect(await messageOf(caller.post.update({ id: post.id, version: post.version, cover: { hash: missing, alt: "x" } }))).toBe(
      "BAD_REQUEST: cover: No uploaded image has that hash; upload it again",
    );
    expect(await messageOf(caller.post.update({ id: post.id, version: post.version, cover: { hash: "../x", alt: "" } }))).toMatch(
      /^BAD_REQUEST: [\s\S]*Not an uploaded image/,
    );
    expect((await caller.post.byId({ id: post.id })).version).toBe(post.version);

    const covered = await caller.post.update({ id: post.id, version: post.version, cover: { hash: info.hash, alt: " A wide field " } });
    expect(covered.cover).toMatchObject({ hash: info.hash, alt: "A wide field", width: 2000, height: 1000, placeholder: info.placeholder });
    expect(covered.cover?.src).toBe(`/media/${info.hash}/1600.jpg`);
    expect((await caller.post.byId({ id: post.id })).cover?.hash).toBe(info.hash);

    // Publishing, then changing the cover, purges every page that shows the post.
    await caller.post.publish({ id: post.id });
    const reader = await b.anonymous();
    expect((await reader.post.bySlug({ slug: post.slug })).cover?.alt).toBe("A wide field");
    expect((await reader.post.list({})).items[0]?.cover?.src).toBe(`/media/${info.hash}/1600.jpg`);
    b.purged.length = 0;
    const current = await caller.post.byId({ id: post.id });
    const cleared = await caller.post.update({ id: post.id, version: current.version, cover: null });
    expect(cleared.cover).toBeNull();
    expect(b.purged.flat()).toEqual(expect.arrayContaining([`post:${post.id}`, "list", `author:${userId}`]));
    // Leaving the cover out keeps it.
    const again = await caller.post.update({ id: post.id, version: cleared.version, cover: { hash: info.hash, alt: "" } });
    const kept = await caller.post.update({ id: post.id, version: again.version, title: "Renamed" });
    expect(kept.cover?.hash).toBe(info.hash);
  });
});
