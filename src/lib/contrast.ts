// Colour contrast as WCAG 2 measures it, for the site's accent colour: the settings form shows
// the ratios as the admin picks, and the settings schema refuses an accent readers could not
// read. Pure, so the form and the server run the same arithmetic.
import { DEFAULT_ACCENT } from "./site-options.ts";

/** The page background of each scheme (--bg in src/styles/global.css), and its cards and header (--surface). */
export const LIGHT_BACKGROUND = "#fdfcfa";
export const LIGHT_SURFACE = "#ffffff";
export const DARK_BACKGROUND = "#151412";
export const DARK_SURFACE = "#1d1b19";
/** How much of the accent tints a tag chip's background (.tag in global.css), under the accent's own text. */
const TAG_TINT = 0.1;
/** The text colours a button on the accent may take: white, or the near-black of the dark scheme's buttons. */
export const WHITE = "#ffffff";
export const NEAR_BLACK = "#1a0d05";
/** WCAG 2 AA for body-size text. */
export const AA = 4.5;

const HEX = /^#[0-9a-f]{6}$/i;

export function isHexColour(colour: string): boolean {
  return HEX.test(colour);
}

function channels(hex: string): [number, number, number] {
  if (!isHexColour(hex)) throw new Error(`Not a #rrggbb colour: ${hex}`);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

const toHex = (rgb: readonly number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;

/** WCAG's relative luminance: 0 for black, 1 for white. */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours, 1 (none) to 21 (black on white), whichever is lighter. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** "4.52:1", rounded down so a ratio shown as passing always passes. */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}

/** `part` of `colour` over `base`, as CSS color-mix() in srgb makes it. */
export function mix(colour: string, base: string, part: number): string {
  const [a, b] = [channels(colour), channels(base)];
  return toHex(a.map((c, i) => c * part + b[i]! * (1 - part)));
}

/**
 * The accent as link text in a scheme: on the page (cards and the header are lighter in the
 * light scheme and darker in the dark one, so never worse), on a card or the header of the
 * dark scheme, and on a tag chip, whose background is tinted with the accent itself.
 */
export function linkContrast(accent: string, scheme: "light" | "dark"): { page: number; chip: number; lowest: number } {
  const page = scheme === "light" ? LIGHT_BACKGROUND : DARK_BACKGROUND;
  const onPage = Math.min(contrast(accent, page), scheme === "dark" ? contrast(accent, DARK_SURFACE) : Infinity);
  const chip = contrast(accent, mix(accent, page, TAG_TINT));
  return { page: onPage, chip, lowest: Math.min(onPage, chip) };
}

/** The text colour that reads best on `background` (white or near-black), and its ratio. */
export function bestText(background: string): { colour: string; ratio: number } {
  const white = contrast(WHITE, background);
  const black = contrast(NEAR_BLACK, background);
  return white >= black ? { colour: WHITE, ratio: white } : { colour: NEAR_BLACK, ratio: black };
}

export interface AccentCheck {
  /** The accent as link text in the light scheme: on the page, and on a tag chip. */
  link: { page: number; chip: number; lowest: number };
  /** The accent as a button, with the text colour that reads best on it. */
  button: { text: string; ratio: number };
  /** What is wrong, in words that say the ratio and what to do; empty when the accent passes. */
  problems: string[];
}

/** Whether `accent` reads as links on the light background and as a button under its text. */
export function checkAccent(accent: string): AccentCheck {
  const link = linkContrast(accent, "light");
  const { colour, ratio } = bestText(accent);
  const problems: string[] = [];
  if (link.lowest < AA) {
    const where =
      link.page < AA
        ? `${formatRatio(link.page)} on the page background`
        : `${formatRatio(link.chip)} on tag chips, which are tinted with it (${formatRatio(link.page)} on the page)`;
    problems.push(`As link text ${accent} has a contrast of ${where}, under the ${AA}:1 readers need: pick a darker colour`);
  }
  if (ratio < AA) {
    problems.push(
      `As a button ${accent} gives its text at most ${formatRatio(ratio)}, under the ${AA}:1 readers need: pick a darker or a lighter colour`,
    );
  }
  return { link, button: { text: colour, ratio }, problems };
}

function toHsl(hex: string): [number, number, number] {
  const [r, g, b] = channels(hex).map((c) => c / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h / 6, s, l];
}

function fromHsl(h: number, s: number, l: number): string {
  if (s === 0) return toHex([l * 255, l * 255, l * 255]);
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const hue = (t: number) => {
    const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (u < 1 / 6) return p + (q - p) * 6 * u;
    if (u < 1 / 2) return q;
    if (u < 2 / 3) return p + (q - p) * (2 / 3 - u) * 6;
    return p;
  };
  return toHex([hue(h + 1 / 3) * 255, hue(h) * 255, hue(h - 1 / 3) * 255]);
}

/**
 * The accent for the dark scheme: the same hue and saturation, made just light enough that
 * it reads as links on the dark background and its best text reads on it as a button. The
 * accent itself when it already does.
 */
export function darkVariant(accent: string): { accent: string; text: string } {
  const fits = (c: string) => linkContrast(c, "dark").lowest >= AA && bestText(c).ratio >= AA;
  const done = (c: string) => ({ accent: c, text: bestText(c).colour });
  const colour = accent.toLowerCase();
  if (fits(colour)) return done(colour);
  const [h, s, l] = toHsl(colour);
  // Lightness only grows from here; the lightest that still fits is white's neighbourhood, which
  // always does, so the search ends on a colour that fits.
  let low = l;
  let high = 1;
  for (let i = 0; i < 24; i++) {
    const mid = (low + high) / 2;
    if (fits(fromHsl(h, s, mid))) high = mid;
    else low = mid;
  }
  return done(fromHsl(h, s, high));
}

/** The stylesheet's own dark-scheme accent and its text, which go with the default accent. */
export const DEFAULT_DARK = { accent: "#fb923c", text: "#1a0d05" } as const;

/** The accent and its button text in each scheme, as pages show them. */
export function schemeAccents(accent: string): { light: { accent: string; text: string }; dark: { accent: string; text: string } } {
  const colour = accent.toLowerCase();
  return {
    light: { accent: colour, text: bestText(colour).colour },
    dark: colour === DEFAULT_ACCENT ? { ...DEFAULT_DARK } : darkVariant(colour),
  };
}

/** The CSS variables the accent sets, both schemes: for an inline <style> in every page's head. */
export function accentCss(accent: string): string {
  const light = bestText(accent).colour;
  const dark = darkVariant(accent);
  // html:root outranks the stylesheet's :root wherever the two are in the page.
  return (
    `html:root{--accent:${accent};--accent-text:${light}}` +
    `@media (prefers-color-scheme: dark){html:root{--accent:${dark.accent};--accent-text:${dark.text}}}`
  );
}
