// Images in a post's Markdown, as the editor adds them: `![alt](src)`. Pure: the editor and
// tests share it.

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** An image with empty (or blank) alt text; group 1 is its address. */
const NO_ALT = /!\[\s*\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** The addresses of the images in `body` that have no alt text, in the order they appear. */
export function imagesWithoutAlt(body: string): string[] {
  return [...body.matchAll(NO_ALT)].map((m) => m[1]!);
}

/** Alt text as Markdown reads it back: one line, with brackets and backslashes escaped. */
export function escapeAlt(alt: string): string {
  return alt
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\\[\]]/g, "\\$&");
}

/** `body` with the first image at `src` that has no alt text given `alt`. */
export function setAltText(body: string, src: string, alt: string): string {
  const image = new RegExp(`!\\[\\s*\\]\\(\\s*<?${escapeRegExp(src)}>?`);
  return body.replace(image, (found) => found.replace(/^!\[\s*\]/, () => `![${escapeAlt(alt)}]`));
}
