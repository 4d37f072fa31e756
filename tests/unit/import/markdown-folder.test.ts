// Markdown folders as Astro, Hugo and Jekyll sites keep them, read into the import shape.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseMarkdownFolder, splitFrontMatter } from "../../../src/import/markdown-folder.ts";

const root = mkdtempSync(join(tmpdir(), "quire-md-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES: Record<string, string> = {
  // Astro's blog template: a content collection with heroImage and pubDate.
  "src/content/blog/first-post.md": `---
title: 'First post'
description: 'Lorem ipsum dolor sit amet'
pubDate: 'Jul 08 2022'
updatedDate: 2022-07-09
heroImage: '../../assets/blog-placeholder-3.jpg'
tags: [astro, "Web Dev"]
---

Hello from Astro. See [the second](./second-post.md) and [its heading](./second-post.md#part-two).

![Inline](../../assets/inline.png "A title")
`,
  "src/content/blog/second-post.md": `---
title: Second post
pubDate: 2022-07-15
draft: true
---
## Part two
`,
  // Hugo: TOML front matter in a page bundle, with a cover image beside it.
  "content/posts/hugo-bundle/index.md": `+++
title = "Hugo bundle"
date = 2021-03-04T05:06:07Z
tags = ["hugo"]
categories = ["Notes"]
aliases = ["/old/hugo-bundle/"]
[cover]
image = "cover.png"
alt = "A cover"
+++
A picture: ![Beside](photo.jpg) and a static one ![Static](/images/static.png).
`,
  "content/about.md": `---
title: About
type: page
---
Who we are.
`,
  // Jekyll: the date and slug in the file name.
  "_posts/2019-12-31-new-years-eve.markdown": `---
layout: post
title: "New Year's Eve"
categories: parties
---
Party. ![Missing](missing.png)
`,
  "_drafts/unfinished.md": `---
title: Unfinished
---
Soon.
`,
  "README.md": "# This repository",
};
const IMAGES = [
  "src/assets/blog-placeholder-3.jpg",
  "src/assets/inline.png",
  "content/posts/hugo-bundle/cover.png",
  "content/posts/hugo-bundle/photo.jpg",
  "static/images/static.png",
];
for (const [path, text] of Object.entries(FILES)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
for (const path of IMAGES) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), "image bytes");
}

describe("a Markdown folder", async () => {
  const bundle = await parseMarkdownFolder({ root, files: [...Object.keys(FILES), ...IMAGES] });
  const byTitle = (title: string) => bundle.items.find((i) => i.title === title)!;

  it("reads every post and page, but not the README", () => {
    expect(bundle.items.map((i) => i.title).sort()).toEqual([
      "About",
      "First post",
      "Hugo bundle",
      "New Year's Eve",
      "Second post",
      "Unfinished",
    ]);
  });

  it("takes Astro's fields: dates, description, tags, hero image, draft", () => {
    expect(byTitle("First post")).toMatchObject({
      slug: "first-post",
      status: "published",
      excerpt: "Lorem ipsum dolor sit amet",
      tags: ["astro", "Web Dev"],
      updatedAt: new Date("2022-07-09T00:00:00Z"),
      cover: { url: "archive:src/assets/blog-placeholder-3.jpg", alt: "" },
      oldPaths: ["/blog/first-post/"],
    });
    expect(byTitle("First post").publishedAt?.getFullYear()).toBe(2022);
    expect(byTitle("Second post").status).toBe("draft");
  });

  it("points relative links at the items they name and images at the archive's files", () => {
    const body = byTitle("First post").body;
    expect(body).toContain("[the second](quire-item:file:src/content/blog/second-post)");
    expect(body).toContain("[its heading](quire-item:file:src/content/blog/second-post#part-two)");
    expect(body).toContain('![Inline](archive:src/assets/inline.png "A title")');
  });

  it("takes Hugo's TOML, page bundles, cover tables, categories and aliases", () => {
    expect(byTitle("Hugo bundle")).toMatchObject({
      slug: "hugo-bundle",
      publishedAt: new Date("2021-03-04T05:06:07Z"),
      tags: ["hugo", "Notes"],
      cover: { url: "archive:content/posts/hugo-bundle/cover.png", alt: "A cover" },
      oldPaths: ["/old/hugo-bundle/", "/posts/hugo-bundle/"],
    });
    expect(byTitle("Hugo bundle").body).toContain("![Beside](archive:content/posts/hugo-bundle/photo.jpg)");
    expect(byTitle("Hugo bundle").body).toContain("![Static](archive:static/images/static.png)");
    expect(byTitle("About").kind).toBe("page");
  });

  it("takes Jekyll's date and slug from the file name, and its drafts folder", () => {
    expect(byTitle("New Year's Eve")).toMatchObject({
      slug: "new-years-eve",
      publishedAt: new Date("2019-12-31T00:00:00Z"),
      tags: ["parties"],
      oldPaths: ["/2019/12/31/new-years-eve.html"],
    });
    expect(byTitle("Unfinished").status).toBe("draft");
  });

  it("warns about an image the archive does not have", () => {
    expect(bundle.warnings).toContainEqual({ where: "New Year's Eve", message: "The image missing.png is not in the archive" });
  });
});

describe("front matter", () => {
  it("that is broken is refused with the file, the line and the reason", () => {
    expect(() => splitFrontMatter("---\ntitle: ok\ntags: [a, b\n---\nbody", "posts/x.md")).toThrow(
      /posts\/x\.md: its front matter is not valid YAML \(line \d+, column \d+\)/,
    );
    expect(() => splitFrontMatter('+++\ntitle = "unclosed\n+++\n', "posts/y.md")).toThrow(
      /posts\/y\.md: its front matter is not valid TOML/,
    );
    expect(() => splitFrontMatter("---\ntitle: never closed\n", "posts/z.md")).toThrow(/never closed/);
    expect(() => splitFrontMatter("---\n- a list\n---\n", "posts/w.md")).toThrow(/not a set of fields/);
  });

  it("runs no code: YAML's language-specific tags are refused", () => {
    expect(() => splitFrontMatter('---\nx: !!js/function "function () {}"\n---\n', "x.md")).toThrow(
      /x\.md: its front matter is not valid YAML/,
    );
  });
});
