// Shared by the hostile-input specs (naughty strings, XSS payloads): what a page must never
// contain, read from its HTML the way the browser parses it, without running it.
import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The XSS corpus, one payload a line (tests/fixtures/README.md says where it comes from). */
export function xssPayloads(): string[] {
  const path = fileURLToPath(new URL("../fixtures/xss-payloads.txt", import.meta.url));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.length > 0);
}

/** A token no other test and no earlier run uses: letters and digits, one search word. */
export function runToken(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** A code fence longer than any run of backticks in `text`, so the text cannot close it. */
export function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}\n${text}\n${fence}`;
}

/** Runs `work` over `items`, `width` at a time, keeping the order of the results. */
export async function inBatches<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** What a reader sees of one page, as text, plus anything in it that could run or load. */
export interface PageFacts {
  url: string;
  status: number;
  title: string;
  h1: string;
  bio: string;
  /** Text of code blocks in the post body and in comments, in page order. */
  codes: string[];
  tags: string[];
  commenters: string[];
  /** Titles as linked from lists (cards, search results, previous/next). */
  linkedTitles: { href: string; text: string }[];
  searchValue: string | null;
  unsafe: string[];
}

/**
 * Anything in `doc` that could run or load something a user wrote: event-handler
 * attributes, script-bearing URLs, scripts that are not Astro's, and elements no user text
 * may turn into. Self-contained: it is sent to the browser as source.
 */
export function unsafeMarkup(doc: Document): string[] {
  const FORBIDDEN = new Set([
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "meta",
    "link",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "keygen",
    "isindex",
    "video",
    "audio",
    "source",
    "svg",
    "math",
    "marquee",
    "body",
    "html",
    "head",
    "title",
    "xml",
    "layer",
    "bgsound",
    "template",
    "plaintext",
    "xmp",
    "noscript",
    "image",
    "animate",
    "set",
    "use",
    "foreignobject",
    "details",
    "dialog",
    "portal",
  ]);
  const URL_ATTRS = /^(href|src|action|formaction|xlink:href|data|poster|background|srcdoc|dynsrc|lowsrc|codebase)$/i;
  const BAD_URL = /^(javascript|vbscript|data|livescript):/i;
  const found: string[] = [];
  for (const el of doc.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push(`<${el.localName} ${attr.name}="${attr.value.slice(0, 60)}">`);
      if (URL_ATTRS.test(attr.name) && BAD_URL.test(attr.value.replace(/[\u0000-\u0020]+/g, ""))) {
        found.push(`<${el.localName} ${attr.name}="${attr.value.slice(0, 60)}">`);
      }
    }
  }
  // The site's own scripts are Astro's: its island bundles under /_astro/, its inline
  // island loader, and the JSON-LD block in the head. Anything else came from input.
  for (const script of doc.querySelectorAll("script")) {
    const src = script.getAttribute("src");
    const type = script.getAttribute("type") ?? "";
    if (src !== null && !src.startsWith("/_astro/")) found.push(`<script src="${src.slice(0, 60)}">`);
    else if (type === "application/ld+json") {
      if (script.parentElement?.localName !== "head") found.push("JSON-LD outside the head");
      try {
        JSON.parse(script.textContent ?? "");
      } catch {
        found.push("JSON-LD that is not JSON");
      }
    } else if (/alert|prompt\(|confirm\(|XSS|fromCharCode|javascript:/i.test(script.textContent ?? "")) {
      found.push(`<script>${(script.textContent ?? "").slice(0, 60)}`);
    }
  }
  if (doc.querySelectorAll("head > script[type='application/ld+json']").length > 1) found.push("more than one JSON-LD block");
  // Where user text and user Markdown are shown.
  const shown = doc.querySelectorAll(
    "main h1, main h2, .bio, a.tag, a.who, .post-card, .post-nav, .prose, .comments-section .body, .meta, .lede",
  );
  for (const container of shown) {
    for (const el of container.querySelectorAll("*")) {
      if (FORBIDDEN.has(el.localName)) found.push(`<${el.localName}> inside ${container.localName}.${container.className}`);
    }
  }
  // Plain-text fields hold text only (search marks its hits).
  for (const el of doc.querySelectorAll("main h1, .bio, a.tag, a.who, .post-card h2 a, .post-nav strong")) {
    const child = el.querySelector(":not(mark)");
    if (child) found.push(`<${child.localName}> inside the text of ${el.localName}.${el.className}`);
  }
  for (const el of doc.querySelectorAll("meta[http-equiv]")) {
    if ((el.getAttribute("http-equiv") ?? "").toLowerCase() === "refresh") found.push("meta refresh");
  }
  return found;
}

function factsInPage(urls: string[], unsafe: (doc: Document) => string[]): Promise<PageFacts[]> {
  const text = (el: Element | null) => el?.textContent ?? "";
  return Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url, { credentials: "omit" });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      return {
        url,
        status: response.status,
        title: doc.title,
        h1: text(doc.querySelector("main h1")),
        bio: text(doc.querySelector(".bio")),
        codes: [...doc.querySelectorAll(".prose pre code, .comments-section .body pre code")].map((c) => c.textContent ?? ""),
        tags: [...doc.querySelectorAll("main a.tag")].map((a) => a.textContent ?? ""),
        commenters: [...doc.querySelectorAll(".comments-section a.who")].map((a) => a.textContent ?? ""),
        linkedTitles: [...doc.querySelectorAll(".post-card h2 a, .post-nav a")].map((a) => ({
          href: a.getAttribute("href") ?? "",
          text: text(a.querySelector("strong") ?? a),
        })),
        searchValue: doc.querySelector("input#q")?.getAttribute("value") ?? null,
        unsafe: unsafe(doc),
      };
    }),
  );
}

/**
 * Fetches pages from inside `page` (same origin, no cookies) and reads them with
 * DOMParser, which builds the tree exactly as the browser would but runs nothing.
 */
export async function pageFacts(page: Page, urls: string[]): Promise<PageFacts[]> {
  return page.evaluate(`(${factsInPage})(${JSON.stringify(urls)}, ${unsafeMarkup})`) as Promise<PageFacts[]>;
}

/** The same checks on the document a page has actually loaded and run. */
export async function unsafeInPage(page: Page): Promise<string[]> {
  return page.evaluate(`(${unsafeMarkup})(document)`) as Promise<string[]>;
}
