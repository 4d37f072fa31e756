// Other platforms' HTML into the Markdown Quire stores: turndown does the conversion; the
// rules here handle what exports carry besides plain HTML (WordPress shortcodes, Gutenberg
// block comments, figures with captions, embeds, tables). Nothing comes out as raw HTML:
// an element Markdown has no form for keeps its text. Links and images keep only web
// addresses; the renderer sanitizes again when the post is saved.
import TurndownService from "turndown";

export interface Converted {
  markdown: string;
  /** What could not come across as it was (an embed became a link, say). */
  notes: string[];
}

/** Gallery shortcodes are resolved after the whole file is read (their images may come later). */
export const GALLERY_MARK = "quire-gallery:";

const SAFE_URL = /^(https?:|mailto:|\/|#|\.{0,2}\/|[^:/?#]+(?:[/?#]|$))/i;

/** An address a reader may follow, or null for `javascript:`, `data:` and the like. */
function safeUrl(url: string | null | undefined): string | null {
  const u = (url ?? "").trim();
  // Control characters and spaces inside a scheme are how `java\tscript:` gets through.
  const compact = u.replace(/[\u0000-\u0020]+/g, "");
  return u && SAFE_URL.test(compact) ? u : null;
}

function attr(source: string, name: string): string | undefined {
  return new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s\\]]+))`, "i")
    .exec(source)
    ?.slice(1)
    .find((v) => v !== undefined);
}

/** WordPress shortcodes Quire understands, as the HTML they stand for; the rest stay as text. */
function expandShortcodes(html: string, notes: string[]): string {
  return html
    .replace(/\[caption([^\]]*)\]([\s\S]*?)\[\/caption\]/gi, (_m, _attrs: string, inner: string) => {
      const image = /<img[^>]*>/i.exec(inner)?.[0] ?? "";
      const linked = /<a[^>]*>\s*<img[^>]*>\s*<\/a>/i.exec(inner)?.[0];
      const caption = inner.replace(linked ?? image, "").trim();
      return `<figure>${linked ?? image}<figcaption>${caption}</figcaption></figure>`;
    })
    .replace(/\[embed([^\]]*)\]([\s\S]*?)\[\/embed\]/gi, (_m, _attrs: string, url: string) => {
      notes.push(`An embed of ${url.trim()} became a link`);
      return `<p><a href="${url.trim()}">${url.trim()}</a></p>`;
    })
    .replace(/\[gallery([^\]]*)\]/gi, (_m, attrs: string) => {
      const ids = attr(attrs, "ids");
      if (!ids) {
        notes.push("A [gallery] without image ids was left out");
        return "";
      }
      return `<p>${GALLERY_MARK}${ids.replace(/\s+/g, "")}</p>`;
    });
}

function cellText(cell: Element): string {
  return (cell.textContent ?? "").replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

let service: TurndownService | undefined;
function turndown(): TurndownService {
  if (service) return service;
  const td = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
    emDelimiter: "_",
    hr: "---",
  });
  td.remove(["script", "style", "noscript", "template", "object", "embed", "form", "button", "input", "select", "textarea"]);
  td.addRule("link", {
    filter: (node) => node.nodeName === "A" && node.getAttribute("href") !== null,
    replacement: (content, node) => {
      const href = safeUrl((node as Element).getAttribute("href"));
      if (!href || !content.trim()) return content;
      const title = (node as Element).getAttribute("title");
      return `[${content}](${href.replace(/[()]/g, (c) => encodeURIComponent(c))}${title ? ` "${title.replace(/"/g, "'")}"` : ""})`;
    },
  });
  td.addRule("image", {
    filter: "img",
    replacement: (_content, node) => {
      const src = safeUrl((node as Element).getAttribute("src"));
      if (!src) return "";
      const alt = ((node as Element).getAttribute("alt") ?? "").replace(/[[\]]/g, "");
      return `![${alt}](${src.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
    },
  });
  td.addRule("listItem", {
    // One space after the marker (turndown's default pads to four), continuation lines indented to match.
    filter: "li",
    replacement: (content, node) => {
      const parent = node.parentNode as Element | null;
      const start = Number(parent?.getAttribute("start") ?? 1) || 1;
      const prefix = parent?.nodeName === "OL" ? `${start + Array.prototype.indexOf.call(parent.children, node)}. ` : "- ";
      const body = content
        .replace(/^\n+/, "")
        .replace(/\n+$/, "\n")
        .replace(/\n/gm, `\n${" ".repeat(prefix.length)}`);
      return prefix + body + (node.nextSibling && !/\n$/.test(body) ? "\n" : "");
    },
  });
  td.addRule("markdown", {
    // A Ghost Markdown card: already Markdown, so it comes through as written.
    filter: (node) => node.nodeName === "PRE" && node.hasAttribute("data-markdown"),
    replacement: (_content, node) => `\n\n${(node.textContent ?? "").trim()}\n\n`,
  });
  td.addRule("figcaption", {
    filter: "figcaption",
    // Markdown has no captions: the caption is the paragraph under its image, in italics.
    replacement: (content) => (content.trim() ? `\n\n_${content.trim()}_\n\n` : ""),
  });
  td.addRule("iframe", {
    filter: "iframe",
    replacement: (_content, node) => {
      const src = safeUrl((node as Element).getAttribute("src"));
      return src ? `\n\n[${src}](${src})\n\n` : "";
    },
  });
  td.addRule("table", {
    filter: "table",
    replacement: (_content, node) => {
      const rows = Array.from((node as Element).querySelectorAll("tr"), (tr) => Array.from(tr.querySelectorAll("th,td"), cellText));
      const width = Math.max(0, ...rows.map((r) => r.length));
      if (width === 0) return "";
      const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? "").join(" | ")} |`;
      const [head, ...body] = rows;
      return `\n\n${[line(head!), line(Array(width).fill("---")), ...body.map(line)].join("\n")}\n\n`;
    },
  });
  return (service = td);
}

/** HTML from an export as Markdown, with notes on what changed shape. */
export function htmlToMarkdown(html: string): Converted {
  const notes: string[] = [];
  if (!html.trim()) return { markdown: "", notes };
  // WordPress's classic editor stores paragraphs as blank lines, not <p>.
  const paragraphs = /<p[\s>]/i.test(html)
    ? html
    : html
        .replace(/\r?\n\s*\r?\n/g, "</p><p>")
        .replace(/^/, "<p>")
        .replace(/$/, "</p>");
  const expanded = expandShortcodes(paragraphs, notes);
  const markdown = turndown()
    .turndown(expanded)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { markdown, notes };
}
