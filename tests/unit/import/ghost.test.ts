// The Ghost reader against a small export written for it: HTML, Lexical and Mobiledoc bodies.
import { describe, expect, it } from "vitest";
import { parseGhost } from "../../../src/import/ghost.ts";
import { GHOST } from "./fixtures.ts";

describe("a Ghost export", () => {
  const bundle = parseGhost(GHOST);
  const bySlug = (slug: string) => bundle.items.find((i) => i.slug === slug)!;

  it("gives posts and pages with their statuses, dates, excerpts and feature images", () => {
    expect(bundle.site.title).toBe("Ghostly");
    expect(bundle.items.map((i) => [i.ref, i.kind, i.status])).toEqual([
      ["ghost:u-1", "post", "published"],
      ["ghost:u-2", "post", "draft"],
      ["ghost:u-3", "post", "scheduled"],
      ["ghost:u-4", "page", "published"],
    ]);
    expect(bySlug("from-html")).toMatchObject({
      publishedAt: new Date("2023-05-01T10:00:00Z"),
      updatedAt: new Date("2023-05-02T10:00:00Z"),
      excerpt: "Custom words",
      featured: true,
      cover: { url: "__GHOST_URL__/content/images/2023/05/cover.jpg", alt: "A cover" },
      oldPaths: ["/from-html/"],
    });
  });

  it("keeps public tags in their order and drops internal #tags; the first author by sort order", () => {
    expect(bySlug("from-html").tags).toEqual(["Lakes", "Mornings"]);
    expect(bySlug("from-html").authorRef).toBe("1");
    expect(bundle.people[0]).toEqual({ ref: "1", name: "Ghost Writer", email: "writer@ghost.example", bio: "Writes." });
  });

  it("turns HTML, Lexical and Mobiledoc bodies into Markdown", () => {
    expect(bySlug("from-html").body).toBe("Plain _HTML_ body ![A](__GHOST_URL__/content/images/2023/05/a.png)");
    const lexical = bySlug("from-lexical").body;
    expect(lexical).toContain("Written in **Lexical** [(Ghost 5)](https://ghost.org)");
    expect(lexical).toContain("### A heading");
    expect(lexical).toContain("![The lake](__GHOST_URL__/content/images/2024/01/lake.jpg)\n\n_Morning_");
    expect(lexical).toContain("A **Markdown** card\n\n- one\n- two");
    expect(lexical).toContain("1. first");
    expect(lexical).toContain("[Worth reading](https://example.org/read)");
    const mobiledoc = bySlug("from-mobiledoc").body;
    expect(mobiledoc).toContain("**Mobiledoc** with [a link](https://example.org)");
    expect(mobiledoc).toContain("![Old](__GHOST_URL__/content/images/old.png)");
    expect(mobiledoc).toContain("---");
    expect(mobiledoc).toContain("- item");
  });

  it("refuses what is not JSON, saying where, and JSON that is not a Ghost export", () => {
    expect(() => parseGhost('{"db": [')).toThrow(/not valid JSON/);
    expect(() => parseGhost('{"posts": []}')).toThrow(/not a Ghost export: data/);
  });
});
