// A post as a newsletter mail, and the pooled SMTP connection it goes out on. The post is
// rendered once per send; each recipient's copy differs only in its unsubscribe links.
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { Database } from "../../db/client.ts";
import { MailOutbox, Post, user } from "../../db/schema.ts";
import type { Config } from "../config.ts";
import { escapeHtml } from "../lib/html.ts";
import { messages } from "../lib/i18n/index.ts";
import { siteSettings } from "../server/settings.ts";

/** Wide enough for a phone held either way and the usual 600 px mail column, twice over for sharp screens. */
export const MAIL_IMAGE_WIDTH = 600;
const IMAGE_RENDITION_MIN = 800;

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export type MailFor = (to: { email: string; unsubscribeToken: string }) => OutgoingMail;

export const unsubscribePage = (siteUrl: string, token: string) => `${siteUrl}/newsletter/unsubscribe?token=${encodeURIComponent(token)}`;
export const oneClickAddress = (siteUrl: string, token: string) =>
  `${siteUrl}/api/newsletter/unsubscribe?token=${encodeURIComponent(token)}`;

const STYLES: Record<string, string> = {
  h1: "font-size:28px;line-height:1.2;margin:0 0 16px",
  h2: "font-size:22px;line-height:1.3;margin:28px 0 12px",
  h3: "font-size:19px;line-height:1.3;margin:24px 0 8px",
  h4: "font-size:17px;margin:20px 0 8px",
  p: "margin:0 0 16px",
  ul: "margin:0 0 16px;padding-left:24px",
  ol: "margin:0 0 16px;padding-left:24px",
  li: "margin:0 0 6px",
  blockquote: "margin:0 0 16px;padding:0 0 0 16px;border-left:3px solid #8a8a8a;color:inherit",
  pre: "margin:0 0 16px;padding:12px;overflow-x:auto;background:#f3f3f0;color:#1d1d1b;border-radius:6px;font-size:14px;line-height:1.45",
  code: "font-family:ui-monospace,Menlo,Consolas,monospace;font-size:0.92em",
  a: "color:#2159c4;text-decoration:underline",
  hr: "border:0;border-top:1px solid #d4d4d0;margin:28px 0",
  table: "border-collapse:collapse;margin:0 0 16px",
  th: "border:1px solid #d4d4d0;padding:6px 8px;text-align:left",
  td: "border:1px solid #d4d4d0;padding:6px 8px",
  figure: "margin:0 0 16px",
  figcaption: "font-size:14px;color:#6b6b66;margin-top:6px",
};

/** One rendition from a srcset: the narrowest that is still sharp at the mail's width, else the widest. */
function mailRendition(srcset: string): string | null {
  const options = srcset
    .split(",")
    .map((s) => s.trim().split(/\s+/))
    .map(([url, w]) => ({ url: url ?? "", width: Number.parseInt(w ?? "0", 10) }))
    .filter((o) => o.url)
    .sort((a, b) => a.width - b.width);
  return (options.find((o) => o.width >= IMAGE_RENDITION_MIN) ?? options.at(-1))?.url ?? null;
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag)?.[1];

/**
 * The stored HTML made fit for mail: every address absolute, each <picture> one plain image
 * at the mail's width, the styles inline (mail clients drop <style> or rewrite it), nothing
 * that runs.
 */
export function mailHtml(html: string, siteUrl: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, "")
    .replace(/<picture\b[^>]*>[\s\S]*?(<img\b[^>]*>)[\s\S]*?<\/picture>/gi, "$1")
    .replace(/<source\b[^>]*>/gi, "")
    .replace(/<img\b[^>]*>/gi, (tag) => {
      const src = mailRendition(attr(tag, "srcset") ?? "") ?? attr(tag, "src") ?? "";
      const alt = attr(tag, "alt") ?? "";
      const style = `display:block;width:100%;max-width:${MAIL_IMAGE_WIDTH}px;height:auto;border:0;margin:0 auto 16px`;
      return `<img src="${src}" alt="${alt}" width="${MAIL_IMAGE_WIDTH}" style="${style}">`;
    })
    .replace(/(\s(?:href|src)=")\/(?!\/)/gi, `$1${siteUrl}/`)
    .replace(/<(h[1-4]|p|ul|ol|li|blockquote|pre|code|a|hr|table|th|td|figure|figcaption)(\s[^>]*)?>/gi, (tag, name: string, rest = "") => {
      const style = STYLES[name.toLowerCase()]!;
      if (/\sstyle="/i.test(rest)) return tag.replace(/\sstyle="/i, ` style="${style};`);
      return `<${name}${rest} style="${style}">`;
    });
}

/** The Markdown, which reads well as it is, with its site addresses made absolute. */
export function mailText(markdown: string, siteUrl: string): string {
  return markdown.replace(/\]\(\/(?!\/)/g, `](${siteUrl}/`);
}

export async function mailForPost(db: Database, config: Config, postId: string): Promise<MailFor | null> {
  const [row] = await db
    .select({ title: Post.title, html: Post.html, body: Post.body, slug: Post.slug, kind: Post.kind, author: user.name })
    .from(Post)
    .innerJoin(user, eq(user.id, Post.authorId))
    .where(eq(Post.id, postId))
    .limit(1);
  if (!row) return null;
  const settings = await siteSettings(db);
  const t = messages(settings.language).newsletter;
  const { siteUrl } = config;
  const address = /<([^>]+)>/.exec(config.mail.from)?.[1] ?? config.mail.from;
  const view = `${siteUrl}${row.kind === "page" ? `/${row.slug}` : `/posts/${row.slug}`}`;
  const body = mailHtml(row.html, siteUrl);
  const text = mailText(row.body, siteUrl);
  const title = escapeHtml(row.title);
  const site = escapeHtml(settings.title);
  return ({ email, unsubscribeToken }) => {
    const unsubscribe = unsubscribePage(siteUrl, unsubscribeToken);
    return {
      from: { name: t.senderName(row.author, settings.title), address },
      to: email,
      subject: row.title,
      headers: {
        "List-Unsubscribe": `<${oneClickAddress(siteUrl, unsubscribeToken)}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      text: `${row.title}\n${t.by(row.author)}\n\n${t.viewInBrowser}: ${view}\n\n${text}\n\n--\n${t.footer(settings.title)}\n${t.unsubscribe}: ${unsubscribe}\n`,
      html: `<!doctype html>
<html lang="${settings.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"><title>${title}</title>
<style>@media (prefers-color-scheme: dark){body,.page{background:#161615!important;color:#ecece8!important}a{color:#8fb4ff!important}pre{background:#262624!important;color:#ecece8!important}}</style>
</head><body style="margin:0;padding:0;background:#ffffff;color:#1d1d1b">
<div class="page" style="max-width:${MAIL_IMAGE_WIDTH}px;margin:0 auto;padding:24px 20px;font-family:Georgia,'Times New Roman',serif;font-size:17px;line-height:1.6;background:#ffffff;color:#1d1d1b">
<p style="margin:0 0 24px;font-family:-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px;color:#6b6b66">${site} · <a href="${view}" style="color:#6b6b66">${escapeHtml(t.viewInBrowser)}</a></p>
<h1 style="font-size:30px;line-height:1.2;margin:0 0 8px">${title}</h1>
<p style="margin:0 0 28px;font-family:-apple-system,'Segoe UI',Roboto,sans-serif;font-size:14px;color:#6b6b66">${escapeHtml(t.by(row.author))}</p>
${body}
<hr style="border:0;border-top:1px solid #d4d4d0;margin:32px 0 16px">
<p style="margin:0;font-family:-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px;color:#6b6b66">${escapeHtml(t.footer(settings.title))}
<a href="${unsubscribe}" style="color:#6b6b66">${escapeHtml(t.unsubscribe)}</a></p>
</div></body></html>`,
    };
  };
}

/** An SMTP answer that no retry can change (5xx): the address is refused for good. */
export function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

export interface NewsletterTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Pooled SMTP (a few connections kept open, many mails each), capped at `ratePerSecond`;
 * with no SMTP server configured, newsletters go to the outbox as account mail does.
 */
export function newsletterTransport(config: Config, db: Database, options: { maxConnections?: number } = {}): NewsletterTransport {
  const smtp = config.mail.smtp;
  if (!smtp) {
    return {
      async send(mail) {
        await db.insert(MailOutbox).values({ to: mail.to, subject: mail.subject, text: mail.text });
      },
      close() {},
    };
  }
  const pool = {
    pool: true as const,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: 1000,
    rateDelta: 1000,
    rateLimit: config.newsletter.ratePerSecond,
  };
  const transport = nodemailer.createTransport(typeof smtp === "string" ? { url: smtp, ...pool } : { ...smtp, ...pool });
  return {
    async send(mail) {
      await transport.sendMail(mail);
    },
    close: () => transport.close(),
  };
}
