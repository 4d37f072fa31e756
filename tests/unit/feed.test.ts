// Feeds as a feed reader sees them: well-formed XML whatever an author wrote, and text
// fields that stay text in a reader that renders them as HTML.
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { absoluteImages, rss } from "../../src/lib/feed.ts";
import { renderCommentMarkdownHere, renderMarkdownHere } from "../../src/lib/markdown.ts";

/** Every element's text, as a strict XML parser reads the document (it throws if it is not XML). */
function parseXml(xml: string): { name: string; text: string }[] {
  const parser = new SaxesParser({ xmlns: false });
  const out: { name: string; text: string }[] = [];
  const open: { name: string; text: string }[] = [];
  parser.on("opentag", (tag) => open.push({ name: tag.name, text: "" }));
  parser.on("text", (t) => open.length && (open.at(-1)!.text += t));
  parser.on("cdata", (t) => open.length && (open.at(-1)!.text += t));
  parser.on("closetag", () => out.push(open.pop()!));
  parser.on("error", (e) => {
    throw e;
  });
  parser.write(xml).close();
  return out;
}

/** What a browser shows for `html` as text, or null when it would make elements of it. */
function asHtmlText(html: string): string | null {
  if (/<[a-zA-Z!/?]/.test(html)) return null;
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
  return html.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => named[name]!);
}

const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("the Markdown pipeline", () => {
  // Every way Markdown spells a character: references in text, link targets and titles,
  // image alt text, table cells, footnotes and code fence info.
  const sources = [
    "Form feed &#xC; here",
    "&#x1;&#x8;&#xB;&#xE;&#x1F;&#12;&#xFFFE;&#xFFFF;&#xD800;&#xDFFF;",
    '[link &#xC;](https://example.com/&#xC; "title &#xC;")',
    "![alt &#xB;](https://example.com/a.png)",
    "| a &#x1; | b |\n|---|---|\n| &#xC; | c |",
    "Note[^x].\n\n[^x]: foot &#xC; note",
    "```js&#xC;\nconst a = 1;\n```",
    "**&#xC;** _&#x1;_ ~~&#x2;~~",
  ];

  it("lets no character XML forbids out, in a post or a comment", async () => {
    for (const source of sources) {
      const post = await renderMarkdownHere(source);
      expect(FORBIDDEN.test(post.html), `${source} → ${JSON.stringify(post.html)}`).toBe(false);
      expect(FORBIDDEN.test(post.excerpt), source).toBe(false);
      const comment = await renderCommentMarkdownHere(source);
      expect(FORBIDDEN.test(comment), `${source} → ${JSON.stringify(comment)}`).toBe(false);
    }
  });

  it("keeps characters XML allows, tab and line breaks included", async () => {
    const { html } = await renderMarkdownHere("Tab&#9;here, caf&eacute; &#x1F600; &lt;b&gt;");
    expect(html).toBe("<p>Tab\there, café 😀 &#x3C;b></p>");
  });
});

describe("the RSS feed", () => {
  const payload = `<img src=x onerror=alert(document.domain)> & <a href="javascript:alert(1)">x</a> '"`;
  const feed = (html = "<p>ok</p>") =>
    rss({
      title: `Site ${payload}`,
      link: "https://quire.test/",
      self: "https://quire.test/rss.xml",
      description: `About ${payload}`,
      language: "en",
      items: [
        {
          id: "0b4e",
          title: `Title ${payload}`,
          link: "https://quire.test/posts/a?x=1&y=2",
          publishedAt: new Date("2026-01-02T03:04:05Z"),
          author: `Author ${payload}`,
          excerpt: `Excerpt ${payload}`,
          html,
          categories: [`Tag ${payload}`],
        },
      ],
    });

  it("keeps every text field text, in a reader that renders it as HTML", () => {
    const elements = parseXml(feed());
    for (const name of ["title", "description", "dc:creator", "category"]) {
      const fields = elements.filter((e) => e.name === name);
      expect(fields.length, name).toBeGreaterThan(0);
      for (const field of fields) {
        const shown = asHtmlText(field.text);
        expect(shown, `${name}: ${field.text}`).not.toBeNull();
        expect(shown!.endsWith(payload), `${name}: ${shown}`).toBe(true);
      }
    }
    expect(elements.find((e) => e.name === "link")!.text).toBe("https://quire.test/");
    expect(elements.filter((e) => e.name === "link")[1]!.text).toBe("https://quire.test/posts/a?x=1&y=2");
  });

  it("carries the post's HTML as HTML, and stays XML whatever the stored HTML holds", async () => {
    const { html } = await renderMarkdownHere("Feed &#xC; **bold**");
    const encoded = parseXml(feed(html)).find((e) => e.name === "content:encoded")!;
    expect(encoded.text).toContain("<strong>bold</strong>");
    // HTML stored before the pipeline cleaned it still makes a feed that parses.
    expect(() => parseXml(feed("<p>old \u000C page ]]> end</p>"))).not.toThrow();
    expect(parseXml(feed("<p>a ]]> b</p>")).find((e) => e.name === "content:encoded")!.text).toBe("<p>a ]]> b</p>");
  });
});

describe("images in the feed", () => {
  const hash = "d".repeat(64);
  const variants = [480, 800].flatMap((width) =>
    (["webp", "jpeg"] as const).map((format) => ({ width, height: width / 2, format, bytes: width * 10 })),
  );

  it("names a post's images by absolute address, and leaves text that mentions /media/ as written", async () => {
    const { html } = await renderMarkdownHere(`Files live in /media/ here.\n\n![Pier](/media/${hash}/800.jpg)`, [
      { hash, width: 800, height: 400, placeholder: "#000000", variants },
    ]);
    const absolute = absoluteImages(html, "https://quire.test");
    expect(absolute).toContain("Files live in /media/ here.");
    expect(absolute).toContain(`srcset="https://quire.test/media/${hash}/480.webp 480w, https://quire.test/media/${hash}/800.webp 800w"`);
    expect(absolute).toContain(
      `<img src="https://quire.test/media/${hash}/800.jpg" srcset="https://quire.test/media/${hash}/480.jpg 480w, `,
    );
    expect(absolute).not.toMatch(/(="|, )\/media\//);
  });

  it("carries a cover as the item's enclosure, and stays XML", () => {
    const xml = rss({
      title: "Site",
      link: "https://quire.test/",
      self: "https://quire.test/rss.xml",
      description: "d",
      language: "en",
      items: [
        {
          id: "1",
          title: "t",
          link: "https://quire.test/posts/t",
          publishedAt: null,
          author: "a",
          excerpt: "e",
          categories: [],
          enclosure: { url: `https://quire.test/media/${hash}/800.jpg`, bytes: 8000, type: "image/jpeg" },
        },
      ],
    });
    expect(xml).toContain(`<enclosure url="https://quire.test/media/${hash}/800.jpg" length="8000" type="image/jpeg"/>`);
    expect(parseXml(xml).map((e) => e.name)).toContain("enclosure");
  });

  it("names the site's language, so a reader can pick a voice or a dictionary for it", () => {
    const xml = rss({
      title: "Seite",
      link: "https://quire.test/",
      self: "https://quire.test/rss.xml",
      description: "d",
      language: "de",
      items: [],
    });
    expect(xml).toContain("<language>de</language>");
  });
});
