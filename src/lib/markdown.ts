// One Markdown pipeline for the reader page, the editor preview and the stored HTML.
// Raw HTML in the source is dropped, the tree is sanitized (no scripts, no event
// handlers, no javascript:/data: links), and only then is code highlighted, so the
// highlighter's output is the only styled markup.
import rehypeShikiFromHighlighter, { type RehypeShikiCoreOptions } from "@shikijs/rehype/core";
import { createHighlighter, createJavaScriptRegexEngine, type BundledLanguage } from "shiki";
import type { Element, ElementContent, Root } from "hast";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import type { VFile } from "vfile";
import type { MediaInfo } from "../media/urls.ts";
import { imageSchema, mediaImages } from "./markdown-media.ts";
import { xmlSafe } from "./xml.ts";
// Emphasis in linear time, for every Markdown parse in the process.
import "./emphasis.ts";

const LANGS: BundledLanguage[] = [
  "bash",
  "c",
  "cpp",
  "css",
  "diff",
  "go",
  "html",
  "java",
  "javascript",
  "json",
  "jsx",
  "markdown",
  "python",
  "ruby",
  "rust",
  "shell",
  "sql",
  "svelte",
  "toml",
  "tsx",
  "typescript",
  "yaml",
];

const sanitizeSchema = {
  ...defaultSchema,
  // GitHub's schema, minus the clobber prefix on footnote ids, which GFM footnotes need.
  protocols: { ...defaultSchema.protocols, href: ["http", "https", "mailto"], src: ["http", "https"] },
  // Images only as src/lib/markdown-media.ts makes them: this site's renditions, nothing else.
  attributes: { ...defaultSchema.attributes, ...imageSchema },
};

export interface Rendered {
  html: string;
  /** Plain text of the first paragraph, cut to a sentence-friendly length. */
  excerpt: string;
  words: number;
}

function textOf(node: Root | ElementContent): string {
  if (node.type === "text") return node.value;
  if ("children" in node) return node.children.map((c) => textOf(c as ElementContent)).join("");
  return "";
}

function firstParagraph(tree: Root): Element | undefined {
  const stack: (Root | ElementContent)[] = [tree];
  while (stack.length) {
    const node = stack.shift()!;
    if (node.type === "element" && node.tagName === "p") return node;
    if ("children" in node && !(node.type === "element" && node.tagName === "pre")) {
      stack.push(...(node.children as ElementContent[]));
    }
  }
  return undefined;
}

export function cutExcerpt(text: string, max = 240): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s.,;:!?-]+$/, "")}…`;
}

/** Replaces forbidden characters in every text and attribute of the tree, however they were written. */
function xmlSafeTree() {
  return (tree: Root) => {
    const visit = (node: Root | ElementContent) => {
      if (node.type === "text" || node.type === "comment" || node.type === "raw") node.value = xmlSafe(node.value);
      if (node.type === "element") {
        for (const [name, value] of Object.entries(node.properties)) {
          if (typeof value === "string") node.properties[name] = xmlSafe(value);
          else if (Array.isArray(value)) node.properties[name] = value.map((v) => (typeof v === "string" ? xmlSafe(v) : v));
        }
      }
      if ("children" in node) node.children.forEach((c) => visit(c as ElementContent));
    };
    visit(tree);
  };
}

/** Code blocks in a language outside LANGS are highlighted as plain text, as before lazy loading. */
function knownLanguagesOnly() {
  const known = new Set<string>(LANGS);
  return (tree: Root) => {
    const visit = (node: Root | ElementContent) => {
      if (node.type === "element" && node.tagName === "code" && Array.isArray(node.properties.className)) {
        node.properties.className = node.properties.className.filter(
          (c) => typeof c !== "string" || !c.startsWith("language-") || known.has(c.slice(9)),
        );
      }
      if ("children" in node) node.children.forEach((c) => visit(c as ElementContent));
    };
    visit(tree);
  };
}

/** Notes the excerpt and word count on the file: the processor is shared, so no closure state. */
function collectFacts() {
  return (tree: Root, file: VFile) => {
    const p = firstParagraph(tree);
    file.data.excerpt = p ? cutExcerpt(textOf(p)) : "";
    file.data.words = countWords(textOf(tree));
  };
}

/** GitHub's current (Primer) themes: every token colour meets WCAG AA on its background (the
 *  older github-light/-dark have orange parameters and grey comments that do not). */
const THEMES = { light: "github-light-default", dark: "github-dark-default" } as const;

const highlightOptions: RehypeShikiCoreOptions = {
  themes: THEMES,
  // A grammar is loaded the first time a code block needs it, not all of them up front.
  lazy: true,
  fallbackLanguage: "text",
  defaultLanguage: "text",
};

/**
 * Code blocks coloured by Shiki, its highlighter made on the first render. It matches the
 * grammars with JavaScript's own regular expressions rather than the Oniguruma engine, whose
 * WebAssembly memory every render thread would hold; a pattern JavaScript cannot express
 * is skipped (that token stays uncoloured) rather than failing the render.
 */
function highlightCode(this: unknown) {
  let handler: Promise<(tree: Root) => Promise<void> | void> | undefined;
  return async (tree: Root): Promise<void> => {
    handler ??= createHighlighter({
      themes: Object.values(THEMES),
      langs: [],
      engine: createJavaScriptRegexEngine({ forgiving: true }),
    }).then(
      (highlighter) => rehypeShikiFromHighlighter.call(this as never, highlighter, highlightOptions) as (tree: Root) => Promise<void>,
    );
    await (
      await handler
    )(tree);
  };
}

// Built and frozen once: the highlighter is then made on the first render instead of on
// every one.
const postProcessor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(xmlSafeTree)
  .use(mediaImages)
  .use(rehypeSanitize, sanitizeSchema)
  .use(knownLanguagesOnly)
  .use(collectFacts)
  .use(highlightCode)
  .use(rehypeStringify)
  .freeze();

/**
 * Renders on the render threads when the server started them (src/jobs/render-workers.ts),
 * else here.
 */
export interface Renderer {
  /** `owner` is whose render it is (a user id): renders are taken from owners in turn. */
  /** `media` holds the stored images the text names (those it names but are not stored load nothing). */
  post(source: string, owner?: string, media?: readonly MediaInfo[]): Promise<Rendered>;
  comment(source: string, owner?: string): Promise<string>;
}

/**
 * Text that cannot be formatted within the time budget, or nests deeper than the
 * formatter can follow. Procedures answer it with a 400 on the body.
 */
export class RenderTooComplex extends Error {
  constructor() {
    super("This text is too complex to format (thousands of nested or unmatched * or _, say): simplify it and try again");
    this.name = "RenderTooComplex";
  }
}

/** A failure that is the text's, not the server's: nesting deeper than the call stack. */
function asTooComplex(e: unknown): never {
  if (e instanceof RangeError && /call stack/i.test(e.message)) throw new RenderTooComplex();
  throw e;
}

let installed: Renderer | undefined;

/** Installs (or with undefined removes) the renderer that renderMarkdown and renderCommentMarkdown use. */
export function useRenderer(renderer: Renderer | undefined): void {
  installed = renderer;
}

export function renderMarkdown(source: string, owner?: string, media: readonly MediaInfo[] = []): Promise<Rendered> {
  return installed ? installed.post(source, owner, media) : renderMarkdownHere(source, media);
}

export function renderCommentMarkdown(source: string, owner?: string): Promise<string> {
  return installed ? installed.comment(source, owner) : renderCommentMarkdownHere(source);
}

/** A post's Markdown rendered on this thread. */
export async function renderMarkdownHere(source: string, media: readonly MediaInfo[] = []): Promise<Rendered> {
  const file = await postProcessor.process({ value: source, data: { media } }).catch(asTooComplex);
  return { html: String(file), excerpt: String(file.data.excerpt ?? ""), words: Number(file.data.words ?? 0) };
}

// Comments get a small, safe subset: emphasis, code, lists, quotes and links that open
// with rel="nofollow ugc". No headings, images, tables or raw HTML.
const commentSchema = {
  ...defaultSchema,
  tagNames: ["p", "br", "em", "strong", "del", "code", "pre", "a", "ul", "ol", "li", "blockquote"],
  attributes: { a: ["href"] },
  protocols: { href: ["http", "https", "mailto"] },
  clobber: [],
};

function relUgc() {
  return (tree: Root) => {
    const visit = (node: Root | ElementContent) => {
      if (node.type === "element" && node.tagName === "a") {
        node.properties = { ...node.properties, rel: ["nofollow", "ugc", "noopener"] };
      }
      if ("children" in node) node.children.forEach((c) => visit(c as ElementContent));
    };
    visit(tree);
  };
}

// Built and frozen once: its plugins keep no state, and every comment write renders.
const commentProcessor = unified()
  .use(remarkParse)
  .use(remarkGfm, { singleTilde: false })
  .use(remarkRehype)
  .use(xmlSafeTree)
  .use(rehypeSanitize, commentSchema)
  .use(relUgc)
  .use(rehypeStringify)
  .freeze();

/** A comment's Markdown rendered on this thread. */
export async function renderCommentMarkdownHere(source: string): Promise<string> {
  return String(await commentProcessor.process(source).catch(asTooComplex));
}

/** Words in a text, as the post page and the renderer count them: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function readingMinutes(words: number): number {
  return Math.max(1, Math.round(words / 220));
}
