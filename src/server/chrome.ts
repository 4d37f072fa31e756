// What every page shows around its content, from the site's settings: the menus, the logo,
// the icons, the default link-preview image and the accent's colours. Read once per render
// (src/layouts/Base.astro), in one round of queries: the images the settings name, and
// what the menus name.
import { createHash } from "node:crypto";
import { getRuntime } from "../runtime.ts";
import { accentCss } from "../lib/contrast.ts";
import { DEFAULT_ACCENT } from "../lib/settings.ts";
import { srcset } from "../lib/markdown-media.ts";
import { fallbackSrc, previewRendition, renditionPath, type MediaInfo } from "../media/urls.ts";
import { resolveMenus } from "./menus.ts";
import { mediaByHashes } from "./queries/media.ts";
import type { Site } from "./site.ts";

/** An inline style and the hash the page's Content-Security-Policy allows it by. */
function inlineStyle(css: string) {
  return { css, hash: `sha256-${createHash("sha256").update(css).digest("base64")}` as const };
}

/** A browser tab's icon and a home screen's: the smallest plain rendition (PNG for a PNG upload). */
function iconsOf(icon: MediaInfo) {
  const plain = icon.variants.filter((v) => v.format !== "webp");
  const smallest = (plain.length ? plain : icon.variants)[0]!;
  return { href: renditionPath(icon.hash, smallest), type: `image/${smallest.format}`, sizes: `${smallest.width}x${smallest.height}` };
}

/** The header shows the logo this tall, and at most this wide (.brand-logo in global.css). */
const LOGO_HEIGHT = 40;
const LOGO_MAX_WIDTH = 160;

/** The logo's <picture>: every width it was made in, for the browser to pick by its screen. No placeholder: a logo may be transparent. */
function logoOf(logo: MediaInfo) {
  const width = Math.min(LOGO_MAX_WIDTH, Math.ceil((LOGO_HEIGHT * logo.width) / logo.height));
  return {
    src: fallbackSrc(logo),
    srcset: srcset(logo, false),
    webp: srcset(logo, true),
    sizes: `${width}px`,
    width: logo.width,
    height: logo.height,
  };
}

export async function pageChrome(s: Site) {
  const { db } = (await getRuntime()).db;
  const hashes = [s.logo, s.icon, s.socialImage].filter((h): h is string => Boolean(h));
  const [media, menus] = await Promise.all([mediaByHashes(db, hashes), resolveMenus(db, s)]);
  const image = (hash: string | null) => (hash ? (media.get(hash) ?? null) : null);
  const social = image(s.socialImage);
  const preview = social && previewRendition(social);
  const icon = image(s.icon);
  const logo = image(s.logo);
  return {
    header: menus.header,
    footer: menus.footer,
    /** Tags to add to a cached page's own: it shows the menus. */
    tags: menus.tags,
    logo: logo && logoOf(logo),
    icon: icon && iconsOf(icon),
    /** The link preview of a page without an image of its own. */
    socialImage: preview ? { url: s.abs(preview.path), width: preview.width, height: preview.height, alt: "" } : undefined,
    /** The accent's CSS variables; none for the default, which the stylesheet has. */
    accent: s.accent === DEFAULT_ACCENT ? null : inlineStyle(accentCss(s.accent)),
  };
}
