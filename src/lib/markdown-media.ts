// Images in a post's Markdown. An image whose address is one of this site's stored images
// becomes a <picture>: WebP first, then the JPEG/PNG/GIF renditions, with its real width and
// height (so nothing moves when it loads) and its placeholder colour behind it. Any other
// image (another site's, an unknown /media/ address, a javascript: one) loads nothing: it
// becomes a link to its address, its alt text the link's text, and the sanitizer then drops
// any address that is not http(s). Readers' browsers never ask a third party for anything.
import type { Element, ElementContent, Root } from "hast";
import type { Options as Schema } from "rehype-sanitize";
import type { VFile } from "vfile";
import { fallbackSrc, mediaHashOf, renditionPath, type MediaInfo } from "../media/urls.ts";

/** The width a post's text column takes (src/styles/global.css, .wrap: 46rem less its padding). */
export const PROSE_SIZES = "(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)";

const RENDITION = String.raw`/media/[a-f0-9]{64}/\d{1,5}\.(?:webp|jpg|png|gif)`;
const SRCSET = new RegExp(String.raw`^${RENDITION} \d{1,5}w(?:, ${RENDITION} \d{1,5}w)*$`);

/** What the sanitizer lets through on the elements this plugin makes, and nothing more. */
export const imageSchema: NonNullable<Schema["attributes"]> = {
  img: [
    "alt",
    "width",
    "height",
    ["src", new RegExp(`^${RENDITION}$`)],
    ["srcSet", SRCSET],
    ["sizes", PROSE_SIZES],
    ["loading", "lazy", "eager"],
    ["decoding", "async"],
    ["fetchPriority", "high"],
    ["style", /^background-color:#[0-9a-f]{6}$/],
  ],
  source: [
    ["srcSet", SRCSET],
    ["sizes", PROSE_SIZES],
    ["type", "image/webp"],
  ],
};

declare module "vfile" {
  interface DataMap {
    /** The stored images a render may show, as the main thread looked them up. */
    media: readonly MediaInfo[];
  }
}

/** Every stored-image hash a Markdown text names (a superset: the renderer decides what is an image). */
export function mediaHashesIn(markdown: string): string[] {
  return [...new Set(Array.from(markdown.matchAll(/\/media\/([a-f0-9]{64})\//g), (m) => m[1]!))];
}

/** The renditions in WebP, or in the other format, as a srcset ("" for none). */
export function srcset(info: MediaInfo, webp: boolean): string {
  return info.variants
    .filter((v) => (v.format === "webp") === webp)
    .map((v) => `${renditionPath(info.hash, v)} ${v.width}w`)
    .join(", ");
}

/** The <picture> of a stored image; the first of a post is fetched first, the others when near. */
export function pictureOf(info: MediaInfo, alt: string, first: boolean): Element {
  const webp = srcset(info, true);
  const plain = srcset(info, false);
  const img: Element = {
    type: "element",
    tagName: "img",
    properties: {
      src: fallbackSrc(info),
      ...(plain ? { srcSet: plain, sizes: PROSE_SIZES } : {}),
      width: info.width,
      height: info.height,
      alt,
      loading: first ? "eager" : "lazy",
      decoding: "async",
      ...(first ? { fetchPriority: "high" } : {}),
      style: `background-color:${info.placeholder}`,
    },
    children: [],
  };
  const sources: Element[] = webp
    ? [{ type: "element", tagName: "source", properties: { type: "image/webp", srcSet: webp, sizes: PROSE_SIZES }, children: [] }]
    : [];
  return { type: "element", tagName: "picture", properties: {}, children: [...sources, img] };
}

/** What an image that is not one of ours becomes: a link to it (text alone inside another link). */
function linkInstead(image: Element, insideLink: boolean): ElementContent {
  const src = typeof image.properties.src === "string" ? image.properties.src : "";
  const alt = typeof image.properties.alt === "string" ? image.properties.alt : "";
  const text: ElementContent = { type: "text", value: alt || src || "image" };
  if (insideLink || !src) return text;
  return { type: "element", tagName: "a", properties: { href: src }, children: [text] };
}

/** The rehype plugin: runs before the sanitizer, which then checks everything it made. */
export function mediaImages() {
  return (tree: Root, file: VFile) => {
    const known = new Map((file.data.media ?? []).map((m) => [m.hash, m]));
    let first = true;
    const visit = (node: Root | Element, insideLink: boolean) => {
      node.children.forEach((child, i) => {
        if (child.type !== "element") return;
        if (child.tagName === "img") {
          const src = typeof child.properties.src === "string" ? child.properties.src : "";
          const hash = mediaHashOf(src);
          const info = hash ? known.get(hash) : undefined;
          const alt = typeof child.properties.alt === "string" ? child.properties.alt : "";
          node.children[i] = info ? pictureOf(info, alt, first) : linkInstead(child, insideLink);
          if (info) first = false;
          return;
        }
        visit(child, insideLink || child.tagName === "a");
      });
    };
    visit(tree, false);
  };
}
