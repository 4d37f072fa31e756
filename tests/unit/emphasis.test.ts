// The linear emphasis resolver (src/lib/emphasis.ts) must read Markdown exactly as
// micromark's own does: the same HTML for every text, only without the quadratic walk.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { useLinearEmphasis } from "../../src/lib/emphasis.ts";
import { renderCommentMarkdownHere, renderMarkdownHere, RenderTooComplex } from "../../src/lib/markdown.ts";
import { createBackend } from "./harness.ts";

afterAll(() => useLinearEmphasis(true));

async function both(source: string) {
  useLinearEmphasis(false);
  const micromark = (await renderMarkdownHere(source)).html;
  useLinearEmphasis(true);
  const linear = (await renderMarkdownHere(source)).html;
  return { micromark, linear };
}

// Pieces that make emphasis interesting: both markers, runs of them, flanking by spaces
// and punctuation, links and code spans that cut runs, escapes and line breaks.
const piece = fc.constantFrom(
  "*",
  "**",
  "***",
  "_",
  "__",
  "a",
  "b c",
  " ",
  ".",
  "!",
  "\n",
  "[",
  "](u)",
  "`",
  "\\",
  "~",
  "~~",
  "é",
  "*a*",
  "_a_",
);
const text = fc.array(piece, { maxLength: 24 }).map((parts) => parts.join(""));

describe("linear emphasis", () => {
  it("renders every text as micromark does", async () => {
    await fc.assert(
      fc.asyncProperty(text, async (source) => {
        const { micromark, linear } = await both(source);
        expect(linear, JSON.stringify(source)).toBe(micromark);
      }),
      { numRuns: 3000 },
    );
  });

  it("renders CommonMark's hard cases as micromark does", async () => {
    for (const source of [
      "*foo**bar**baz*",
      "*foo**bar*",
      "***foo** bar*",
      "**foo*bar*baz**",
      "foo***bar***baz",
      "foo******bar*********baz",
      "*foo _bar* baz_",
      "**foo*bar**",
      "*a **b** c*",
      "_foo __bar__ baz_",
      "*[link*](u)*",
      "**a [b**](c) d**",
      "*a_".repeat(50),
      "*a".repeat(50),
      "_a_ *b* **c** ".repeat(20),
    ]) {
      const { micromark, linear } = await both(source);
      expect(linear, source).toBe(micromark);
    }
  });

  it("formats long runs of unmatched markers, and comments of them", async () => {
    const { html } = await renderMarkdownHere("*a_".repeat(1600));
    // Compared whole but reported short: a failure must not print 30 KB.
    expect(html === `<p>${"*a_".repeat(1600)}</p>`, html.slice(0, 200)).toBe(true);
    const comment = await renderCommentMarkdownHere("*a_".repeat(1600));
    expect(comment === `<p>${"*a_".repeat(1600)}</p>`, comment.slice(0, 200)).toBe(true);
  });
});

describe("text too deeply nested to format", () => {
  it("is a RenderTooComplex, and procedures answer it with a 400 on the body", async () => {
    const nested = `${">".repeat(5000)} deep`;
    await expect(renderMarkdownHere(nested)).rejects.toBeInstanceOf(RenderTooComplex);
    const b = await createBackend();
    try {
      const { caller } = await b.signUp("Nestor Deep");
      const refused = await caller.post.preview({ body: nested }).catch((e: { code: string; message: string }) => e);
      expect(refused).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^body: This text is too complex to format/) });
      const draft = await caller.post.create({ title: "Deep" }).catch((e: unknown) => e);
      expect(draft).toMatchObject({ title: "Deep" });
    } finally {
      b.close();
    }
  });
});
