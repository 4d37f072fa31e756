// The editor's alt text for the images it inserts, and the publish warning's list.
import { describe, expect, it } from "vitest";
import { imagesWithoutAlt, setAltText } from "../../src/lib/markdown-images.ts";

const a = `/media/${"a".repeat(64)}/800.jpg`;
const b = `/media/${"b".repeat(64)}/1600.png`;

describe("images without alt text", () => {
  it("lists each image whose brackets are empty or blank, in order, and not those described", () => {
    const body = `# Trip\n\n![](${a})\n\nText ![A boat](${b}) and ![  ](${b} "title")`;
    expect(imagesWithoutAlt(body)).toEqual([a, b]);
    expect(imagesWithoutAlt("No images, just [a link]() and ![described](x.png).")).toEqual([]);
  });

  it("writes alt text into the first undescribed copy of that image, escaped so the Markdown still reads as one image", () => {
    const body = `![](${a})\n\n![](${b})`;
    const described = setAltText(body, b, "A map [draft]\nof the coast");
    expect(described).toBe(`![](${a})\n\n![A map \\[draft\\] of the coast](${b})`);
    expect(imagesWithoutAlt(described)).toEqual([a]);
    expect(setAltText(described, "/media/none.jpg", "x")).toBe(described);
  });
});
