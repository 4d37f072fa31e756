// The accent's contrast checks: WCAG 2's arithmetic against ratios published for known
// pairs, what the settings refuse and why, and the dark scheme's variant.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AA,
  accentCss,
  bestText,
  checkAccent,
  contrast,
  DARK_BACKGROUND,
  DEFAULT_DARK,
  DARK_SURFACE,
  darkVariant,
  formatRatio,
  LIGHT_BACKGROUND,
  linkContrast,
  luminance,
  mix,
  LIGHT_SURFACE,
  NEAR_BLACK,
  schemeAccents,
  WHITE,
} from "../../src/lib/contrast.ts";
import { DEFAULT_ACCENT } from "../../src/lib/site-options.ts";
import { SiteSettings } from "../../src/lib/settings.ts";

describe("contrast ratios", () => {
  it("match the known ones", () => {
    expect(luminance("#000000")).toBe(0);
    expect(luminance("#ffffff")).toBe(1);
    expect(contrast("#000000", "#ffffff")).toBe(21);
    expect(contrast("#ffffff", "#ffffff")).toBe(1);
    // The usual examples: #767676 is the lightest grey that passes AA on white, #777777 just fails.
    expect(contrast("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrast("#0000ff", "#ffffff")).toBeCloseTo(8.59, 2);
    expect(contrast("#ff0000", "#ffffff")).toBeCloseTo(4.0, 2);
    // Order does not matter.
    expect(contrast("#ffffff", "#767676")).toBe(contrast("#767676", "#ffffff"));
  });

  it("are shown rounded down, so a ratio shown as passing passes", () => {
    expect(formatRatio(4.4999)).toBe("4.49:1");
    expect(formatRatio(21)).toBe("21.00:1");
  });

  it("mix colours as CSS color-mix in srgb does", () => {
    expect(mix("#000000", "#ffffff", 0.5)).toBe("#808080");
    expect(mix("#9a3412", "#fdfcfa", 0)).toBe("#fdfcfa");
  });
});

describe("an accent colour", () => {
  it("the stylesheet's own passes, as links and as a button with white text", () => {
    const check = checkAccent("#9a3412");
    expect(check.problems).toEqual([]);
    expect(check.link.page).toBeCloseTo(7.13, 2);
    expect(check.button).toEqual({ text: WHITE, ratio: contrast("#9a3412", WHITE) });
  });

  it("too light for links is refused with its ratio and what to do", () => {
    const check = checkAccent("#ffcc00");
    expect(check.link.page).toBeCloseTo(contrast("#ffcc00", LIGHT_BACKGROUND), 10);
    expect(check.problems).toEqual([
      "As link text #ffcc00 has a contrast of 1.47:1 on the page background, under the 4.5:1 readers need: pick a darker colour",
    ]);
    // As a button it would do, with near-black text.
    expect(check.button.text).toBe(NEAR_BLACK);
    expect(check.button.ratio).toBeGreaterThan(AA);
  });

  it("that passes on the page but not on the tag chips tinted with it is refused, saying where", () => {
    const check = checkAccent("#008000");
    expect(check.link.page).toBeGreaterThan(AA);
    expect(check.link.chip).toBeLessThan(AA);
    expect(check.problems[0]).toBe(
      "As link text #008000 has a contrast of 4.36:1 on tag chips, which are tinted with it (5.01:1 on the page), under the 4.5:1 readers need: pick a darker colour",
    );
  });

  it("whose best button text falls short is refused with that ratio too", () => {
    // A mid-grey: neither white nor near-black reaches 4.5:1 on it.
    expect(checkAccent("#797979").problems).toEqual([
      "As link text #797979 has a contrast of 4.24:1 on the page background, under the 4.5:1 readers need: pick a darker colour",
      "As a button #797979 gives its text at most 4.37:1, under the 4.5:1 readers need: pick a darker or a lighter colour",
    ]);
    expect(bestText("#797979")).toEqual({ colour: NEAR_BLACK, ratio: contrast("#797979", NEAR_BLACK) });
  });

  it("is refused by the settings schema under the accent field", () => {
    const parsed = SiteSettings.shape.accent.safeParse("#FFCC00");
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain("1.47:1");
    expect(SiteSettings.shape.accent.parse("#1D4ED8")).toBe("#1d4ed8");
    expect(SiteSettings.shape.accent.safeParse("blue").error?.issues[0]?.message).toBe("Use a colour like #9a3412");
  });
});

describe("the dark scheme's variant", () => {
  for (const accent of ["#9a3412", "#1d4ed8", "#0000ff", "#6b21a8", "#14532d", "#000000"]) {
    it(`of ${accent} is lighter and reads on the dark background, on cards, on tag chips and under its own text`, () => {
      const dark = darkVariant(accent);
      expect(luminance(dark.accent)).toBeGreaterThan(luminance(accent));
      expect(contrast(dark.accent, DARK_BACKGROUND)).toBeGreaterThanOrEqual(AA);
      expect(contrast(dark.accent, DARK_SURFACE)).toBeGreaterThanOrEqual(AA);
      expect(linkContrast(dark.accent, "dark").chip).toBeGreaterThanOrEqual(AA);
      expect(contrast(dark.text, dark.accent)).toBeGreaterThanOrEqual(AA);
    });
  }

  it("keeps a colour that already reads on the dark background", () => {
    expect(darkVariant("#ffcc00").accent).toBe("#ffcc00");
  });

  it("keeps the hue: a blue stays blue", () => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(darkVariant("#1d4ed8").accent.slice(i, i + 2), 16)) as [number, number, number];
    expect(b).toBeGreaterThan(r);
    expect(b).toBeGreaterThan(g);
  });
});

describe("the accent's CSS", () => {
  it("sets both schemes' variables, outranking the stylesheet's :root", () => {
    const dark = darkVariant("#1d4ed8");
    expect(accentCss("#1d4ed8")).toBe(
      `html:root{--accent:#1d4ed8;--accent-text:#ffffff}@media (prefers-color-scheme: dark){html:root{--accent:${dark.accent};--accent-text:${dark.text}}}`,
    );
  });
});

describe("the stylesheet's colours", () => {
  const css = readFileSync(resolve(import.meta.dirname, "../../src/styles/global.css"), "utf8");
  const [light, dark] = css.split("@media (prefers-color-scheme: dark)") as [string, string];
  const value = (block: string, name: string) => new RegExp(`${name}:\\s*(#[0-9a-f]{6})`).exec(block)?.[1];

  it("are the ones the checks measure against", () => {
    expect(value(light, "--bg")).toBe(LIGHT_BACKGROUND);
    expect(value(light, "--surface")).toBe(LIGHT_SURFACE);
    expect(value(light, "--accent")).toBe(DEFAULT_ACCENT);
    expect(value(dark, "--bg")).toBe(DARK_BACKGROUND);
    expect(value(dark, "--surface")).toBe(DARK_SURFACE);
    expect(value(dark, "--accent")).toBe(DEFAULT_DARK.accent);
    expect(value(dark, "--accent-text")).toBe(DEFAULT_DARK.text);
  });

  it("go with the default accent, which pages leave to the stylesheet; any other gets its derived shade", () => {
    expect(schemeAccents(DEFAULT_ACCENT)).toEqual({ light: { accent: DEFAULT_ACCENT, text: WHITE }, dark: DEFAULT_DARK });
    expect(schemeAccents("#1D4ED8").dark).toEqual(darkVariant("#1d4ed8"));
  });
});
