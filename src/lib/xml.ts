// What may stand in an XML 1.0 document, for everything that ends up in a feed or a sitemap.

/**
 * Characters XML 1.0 forbids (C0 controls but tab and line breaks, lone surrogates, U+FFFE
 * and U+FFFF). The schemas refuse them as typed, but Markdown can still spell them as
 * character references (`&#xC;`), and one in the HTML makes every feed that carries it
 * unreadable.
 */
export const XML_FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with every character XML forbids replaced by U+FFFD, as CommonMark does for `&#0;`. */
export function xmlSafe(text: string): string {
  return text.replace(XML_FORBIDDEN, "\uFFFD");
}
