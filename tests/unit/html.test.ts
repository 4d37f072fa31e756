import { describe, expect, it } from "vitest";
import { escapeHtml, moveIslandStyleToHead } from "../../src/lib/html.ts";

describe("html helpers", () => {
  it("escape text for elements and attributes", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("move Astro's island style from the body into the head, once", () => {
    const style = "<style>astro-island,astro-slot,astro-static-slot{display:contents}</style>";
    const page = `<html><head><title>t</title></head><body><p>x</p>${style}<astro-island></astro-island></body></html>`;
    expect(moveIslandStyleToHead(page)).toBe(
      `<html><head><title>t</title>${style}</head><body><p>x</p><astro-island></astro-island></body></html>`,
    );
    const already = `<html><head>${style}</head><body></body></html>`;
    expect(moveIslandStyleToHead(already)).toBe(already);
    expect(moveIslandStyleToHead("<p>no islands</p>")).toBe("<p>no islands</p>");
  });
});
