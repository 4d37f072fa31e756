// Addresses from titles and tag names, in any script. Latin letters lose their accents
// ("Ünïcode" → "unicode"), as readers type them; every other script keeps its letters and marks
// (Cyrillic й is not и, a Devanagari vowel sign is part of its word), lower-cased where the
// script has case and NFC-normalized, so one title always gives one slug. URLs carry them
// percent-encoded; browsers show them as written.

/** Words of letters, digits and marks of any script (a mark never first), joined by single hyphens. */
export const SLUG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:-[\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*$/u;
/** In characters (code points), not UTF-16 units or bytes. */
export const SLUG_MAX = 80;

/** A slug as typed is acceptable as it is: the pattern, lower case and NFC. */
export function isSlug(text: string): boolean {
  return SLUG_PATTERN.test(text) && text === text.normalize("NFC").toLowerCase();
}

/** The first `max` characters, never half of one. */
export function truncateChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join("");
}

/** "Ünïcode & Friends!" → "unicode-friends", "Καλημέρα κόσμε" → "καλημέρα-κόσμε". Empty when nothing usable is left. */
export function slugify(text: string, max = SLUG_MAX): string {
  const words = text
    .normalize("NFKD")
    // Accents off Latin letters only: elsewhere a mark can be a letter of its own.
    .replace(/(\p{Script=Latin})\p{M}+/gu, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, "-")
    // A mark with no letter before it (a spacing tilde "˜" decomposes to one) marks nothing.
    .replace(/(^|-)\p{M}+/gu, "$1")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return truncateChars(words, max).replace(/-+$/g, "");
}
