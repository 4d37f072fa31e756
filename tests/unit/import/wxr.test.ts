// The WordPress reader against a small export written for it, and against hostile XML.
import { describe, expect, it } from "vitest";
import { ImportRefused } from "../../../src/import/model.ts";
import { HTML_MAX, parseWxr } from "../../../src/import/wxr.ts";
import { BILLION_LAUGHS, DTD_URL, EXTERNAL_ENTITY, MALFORMED, WXR } from "./fixtures.ts";

/** The file in small pieces, as a stream delivers it: no element may depend on one chunk. */
async function* chunked(text: string, size = 97) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

describe("a WordPress export", async () => {
  const bundle = await parseWxr(chunked(WXR));
  const byRef = (ref: string) => bundle.items.find((i) => i.ref === ref)!;

  it("gives the site, its people by login with their emails lower-cased", () => {
    expect(bundle.site).toEqual({ title: "Lakeside Notes", url: "https://lakeside.example", description: "Notes from the lake" });
    expect(bundle.people).toEqual([
      { ref: "ada", name: "Ada Lovelace", email: "ada@lakeside.example" },
      { ref: "grace", name: "Grace Hopper", email: "grace@lakeside.example" },
    ]);
  });

  it("keeps posts and pages, maps their statuses and leaves out trash and attachments", () => {
    expect(bundle.items.map((i) => [i.ref, i.kind, i.status])).toEqual([
      ["wp:19", "post", "published"],
      ["wp:21", "post", "scheduled"],
      ["wp:22", "post", "draft"],
      ["wp:30", "page", "published"],
    ]);
    expect(bundle.skipped).toContainEqual({ where: "Deleted thing", message: "Its status is “trash”" });
  });

  it("reads GMT dates, falling back to the local date when the GMT one is WordPress's zero", () => {
    expect(byRef("wp:19").publishedAt).toEqual(new Date("2020-05-01T06:00:00Z"));
    expect(byRef("wp:19").updatedAt).toEqual(new Date("2020-05-02T10:00:00Z"));
    expect(byRef("wp:21").publishedAt).toEqual(new Date("2029-12-31T23:00:00Z"));
    expect(byRef("wp:22").publishedAt).toEqual(new Date("2021-01-01T00:00:00Z"));
  });

  it("turns categories and tags into tags, without WordPress's Uncategorized", () => {
    expect(byRef("wp:19").tags).toEqual(["Travel", "lake"]);
    expect(byRef("wp:30").tags).toEqual([]);
  });

  it("keeps the slug, the author, the excerpt, the sticky flag and the old addresses", () => {
    const post = byRef("wp:19");
    expect(post).toMatchObject({ slug: "boat-at-dawn", authorRef: "ada", excerpt: "A boat, early.", featured: true });
    expect(post.oldPaths).toEqual(["/?p=19", "/2020/05/boat-at-dawn/"]);
    expect(byRef("wp:21").slug).toBe("");
    expect(byRef("wp:30").oldPaths).toEqual(["/?page_id=30", "/about/"]);
  });

  it("finds the featured image through its attachment, with the attachment's alt text", () => {
    expect(byRef("wp:19").cover).toEqual({
      url: "https://lakeside.example/wp-content/uploads/2020/05/boat.jpg",
      alt: "A boat on the lake",
    });
  });

  it("writes Markdown with no HTML left: captions, embeds, Gutenberg comments, scripts and javascript: links", () => {
    const body = byRef("wp:19").body;
    expect(body).toContain("The **boat** left at [dawn](https://example.org/dawn).");
    expect(body).toContain("![A boat](https://lakeside.example/wp-content/uploads/2020/05/boat.jpg)");
    expect(body).toContain("_The boat, at six_");
    expect(body).toContain("[https://www.youtube.com/watch?v=abc](https://www.youtube.com/watch?v=abc)");
    expect(body).not.toMatch(/<|wp:paragraph|javascript:|alert\(3\)|onerror|quire-gallery/);
    // The gallery's two images, found through their attachments.
    expect(body).toContain(
      "![A boat on the lake](https://lakeside.example/wp-content/uploads/2020/05/boat.jpg)\n\n![oars](https://lakeside.example/wp-content/uploads/2020/05/oars.png)",
    );
    expect(body).toContain("click");
  });

  it("makes paragraphs of the classic editor's blank lines, and tables of tables", () => {
    expect(byRef("wp:21").body).toBe("First paragraph, classic editor.\n\nSecond paragraph.");
    expect(byRef("wp:30").body).toContain("| Name | Role |\n| --- | --- |\n| Ada | Rows |");
  });

  it("flattens deeper threads under their top comment, hides pending ones and leaves out spam", () => {
    const comments = byRef("wp:19").comments;
    expect(comments.map((c) => [c.ref, c.parentRef, c.status, c.body])).toEqual([
      ["wp-comment:1", undefined, "visible", "Lovely boat."],
      ["wp-comment:2", "wp-comment:1", "visible", "Thank you!"],
      ["wp-comment:3", "wp-comment:1", "visible", "A reply to a reply."],
      ["wp-comment:5", undefined, "hidden", "Waiting for approval."],
    ]);
    expect(comments[0]).toMatchObject({
      authorName: "Reader One",
      authorEmail: "one@readers.example",
      createdAt: new Date("2020-05-01T09:00:00Z"),
    });
    expect(bundle.skipped).toContainEqual({ where: "Boat at dawn", message: "1 spam or trashed comment left out" });
  });
});

describe("hostile or broken XML is refused with where and why", () => {
  const refusal = (xml: string) =>
    parseWxr(chunked(xml)).then(
      () => null,
      (e: unknown) => e,
    );

  it("a billion laughs: no entity is ever expanded", async () => {
    const e = await refusal(BILLION_LAUGHS);
    expect(e).toBeInstanceOf(ImportRefused);
    expect((e as Error).message).toMatch(/declares a DTD.*line \d/);
  });

  it("an external entity and a DTD address: refused before anything is fetched or read", async () => {
    for (const xml of [EXTERNAL_ENTITY, DTD_URL]) {
      expect(((await refusal(xml)) as Error).message).toMatch(/declares a DTD/);
    }
  });

  it("a mismatched tag names its line", async () => {
    expect(((await refusal(MALFORMED)) as Error).message).toMatch(/not well-formed.*line 4/);
  });

  it("a file over the size limit, however it arrives", async () => {
    const e = await parseWxr(chunked(WXR), { maxBytes: 1000, maxDepth: 64, maxText: 1e6 }).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/larger than/);
  });

  it("nesting deeper than the limit", async () => {
    const deep = `<rss><channel>${"<a>".repeat(100)}${"</a>".repeat(100)}</channel></rss>`;
    expect(((await refusal(deep)) as Error).message).toMatch(/nested deeper than 64/);
  });

  it("a file that is not UTF-8, and one that is not a WordPress export", async () => {
    async function* latin1() {
      yield new Uint8Array([0x3c, 0x72, 0x3e, 0xe9, 0xff, 0x3c, 0x2f, 0x72, 0x3e]);
    }
    expect(((await parseWxr(latin1()).catch((x: unknown) => x)) as Error).message).toMatch(/not UTF-8/);
    expect(((await refusal("<html><body></body></html>")) as Error).message).toMatch(/not a WordPress export/);
  });
});

describe("a post too big to be one", () => {
  it("is left out with the reason, and the rest of the file comes in", async () => {
    const huge = `<p>${"Words, words. ".repeat(Math.ceil(HTML_MAX / 14))}</p>`;
    const xml = WXR.replace(/(<item>\s*<title>[^<]*<\/title>[\s\S]*?<content:encoded><!\[CDATA\[)/, `$1${huge}`);
    expect(xml.length).toBeGreaterThan(WXR.length + HTML_MAX);
    const whole = await parseWxr(chunked(WXR, 64 * 1024));
    const bundle = await parseWxr(chunked(xml, 64 * 1024));
    expect(bundle.items).toHaveLength(whole.items.length - 1);
    const left = whole.items.find((i) => !bundle.items.some((b) => b.ref === i.ref))!;
    expect(bundle.skipped).toContainEqual({ where: left.title, message: "Its body is over 1,000,000 characters of HTML" });
  });
});
