// Full-text search over public posts and pages (FTS5): the query a reader types made safe, ranked on the
// index, with the matches marked for the page to show. Rows in, rows out; no tRPC.
import { sql } from "drizzle-orm";
import { Post, user, type PostRow } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";

/**
 * A reader's words → an FTS5 query: every word must appear, the last one as a prefix
 * (search as you type). Quoting each word means no input is FTS5 syntax. The index keeps
 * text as written, so a word is looked up as typed, or in its NFKC form when that differs
 * (fullwidth "ｔｅｓｔ" also finds "test"; "ªº" still finds "ªº", which NFKC alone turns
 * into "ao" and would miss).
 */
function ftsQuery(q: string): string | null {
  const words = (q.match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 12);
  if (!words.length) return null;
  const phrase = (w: string, last: boolean) => `"${w.replaceAll('"', '""')}"${last ? "*" : ""}`;
  return (
    words
      .map((w, i) => {
        const last = i === words.length - 1;
        const folded = w.normalize("NFKC");
        return folded === w ? phrase(w, last) : `(${phrase(w, last)} OR ${phrase(folded, last)})`;
      })
      // FTS5 takes an implicit AND between phrases but not after a bracket: say it.
      .join(" AND ")
  );
}

/** Text in parts, the matches of a search marked: the page that shows it escapes and marks it. */
export type Marked = { text: string; match: boolean }[];

/** FTS5 marks matches with \x01…\x02 in raw text: the parts between. */
export function marked(raw: string): Marked {
  const parts: Marked = [];
  for (const [i, chunk] of raw.split(/[\x01\x02]/).entries()) if (chunk) parts.push({ text: chunk, match: i % 2 === 1 });
  return parts;
}

/** Scripts written without spaces between words: the word index cannot split their runs. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** Trigram index: a term this long is looked up on it, a shorter one by LIKE (a scan). */
const TRIGRAM = 3;

/** A hit as both searches select it. */
interface Hit {
  id: string;
  /** A page (About, Contact…) is found like a post, and lives at /<slug>. */
  kind: PostRow["kind"];
  slug: string;
  title: string;
  published_at: number;
  author_id: string;
  author_name: string;
  total: number;
}

/** One page of hits (the query asks for one more than `limit`, to know there is a next), marked by `mark`. */
function resultPage<R extends Hit>(
  rows: R[],
  search: { limit: number },
  offset: number,
  mark: (r: R) => { title: Marked; snippet: Marked },
) {
  const items = rows.slice(0, search.limit).map((r) => {
    const marks = mark(r);
    return {
      id: r.id,
      kind: r.kind,
      slug: r.slug,
      title: r.title,
      titleMarked: marks.title,
      snippetMarked: marks.snippet,
      publishedAt: new Date(r.published_at),
      author: { id: r.author_id, name: r.author_name },
    };
  });
  return { items, nextCursor: rows.length > search.limit ? String(offset + search.limit) : null, total: rows[0]?.total ?? 0 };
}

/** Ranked full-text search over public posts and pages, with the matches marked, a page at a time from `cursor`. */
export async function searchPublic(db: Database, search: { q: string; cursor?: string; limit: number }) {
  const words = (search.q.match(/[\p{L}\p{N}\p{M}_]+/gu) ?? []).slice(0, 12);
  if (words.some((w) => UNSPACED.test(w))) return searchSubstrings(db, words, search);
  const match = ftsQuery(search.q);
  if (!match) return { items: [], nextCursor: null, total: 0 };
  const offset = Number(search.cursor ?? 0);
  const now = Date.now();
  // Rank first, on the index alone: FTS5 drives (CROSS JOIN keeps SQLite from looking
  // the query up once per post), and snippets are made only for the page shown, so a
  // word in every post costs a sort, not a snippet of every post.
  const rows = await db.all<Hit & { rid: number }>(sql`
    select hits.*, u.name as author_name, count(*) over () as total from (
      select p.rowid as rid, p.id, p.kind, p.slug, p.title, p.published_at, p.author_id,
             bm25(post_fts, 10.0, 1.0) as rank
      from post_fts cross join ${Post} p on p.rowid = post_fts.rowid
      where post_fts match ${match}
        and (p.status = 'published' or (p.status = 'scheduled' and p.published_at <= ${now}))
    ) hits
    join ${user} u on u.id = hits.author_id
    order by hits.rank, hits.published_at desc, hits.id
    limit ${search.limit + 1} offset ${offset}`);
  const marks = rows.length
    ? await db.all<{ rowid: number; title_hl: string; snippet: string }>(sql`
        select rowid, highlight(post_fts, 0, char(1), char(2)) as title_hl,
               snippet(post_fts, 1, char(1), char(2), '…', 24) as snippet
        from post_fts
        where post_fts match ${match} and rowid in (select value from json_each(${JSON.stringify(rows.map((r) => r.rid))}))`)
    : [];
  const highlights = new Map(marks.map((m) => [m.rowid, m]));
  return resultPage(rows, search, offset, (r) => ({
    title: marked(highlights.get(r.rid)?.title_hl ?? r.title),
    snippet: marked(highlights.get(r.rid)?.snippet ?? ""),
  }));
}

/**
 * Search for text in scripts without spaces, on the trigram index: every term must occur as a
 * substring of the title or body (case and Latin accents aside). Terms of three characters or
 * more are looked up on the index and ranked by it; shorter ones (a two-character Japanese
 * word) are matched by LIKE, which reads the index's text, and with no longer term the newest
 * come first. Matches are marked here, as the index's snippets cannot mark a LIKE.
 */
async function searchSubstrings(db: Database, words: string[], search: { cursor?: string; limit: number }) {
  // Each word as typed or in its NFKC form: typed halfwidth "ｶﾀｶﾅ" finds "ｶﾀｶﾅ" and "カタカナ" (the
  // index keeps text as written, so fullwidth typed does not find halfwidth stored).
  const terms = [...new Set(words)].map((w) => [...new Set([w, w.normalize("NFKC")])]);
  const isLong = (forms: string[]) => forms.every((f) => Array.from(f).length >= TRIGRAM);
  const long = terms.filter(isLong);
  const short = terms.filter((forms) => !isLong(forms));
  const phrase = (f: string) => `"${f.replaceAll('"', '""')}"`;
  const match = long.map((forms) => `(${forms.map(phrase).join(" OR ")})`).join(" AND ");
  const like = (t: string) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const contains = (f: string) =>
    sql`post_fts_trigram.title like ${like(f)} escape '\\' or post_fts_trigram.body like ${like(f)} escape '\\'`;
  const offset = Number(search.cursor ?? 0);
  const now = Date.now();
  const rows = await db.all<Hit & { body: string }>(sql`
    select hits.*, u.name as author_name, count(*) over () as total from (
      select p.id, p.kind, p.slug, p.title, p.body, p.published_at, p.author_id,
             ${match ? sql`bm25(post_fts_trigram, 10.0, 1.0)` : sql`0`} as rank
      from post_fts_trigram cross join ${Post} p on p.rowid = post_fts_trigram.rowid
      where ${match ? sql`post_fts_trigram match ${match}` : sql`1`}
        ${sql.join(short.map((forms) => sql` and (${sql.join(forms.map(contains), sql` or `)})`))}
        and (p.status = 'published' or (p.status = 'scheduled' and p.published_at <= ${now}))
    ) hits
    join ${user} u on u.id = hits.author_id
    order by hits.rank, hits.published_at desc, hits.id
    limit ${search.limit + 1} offset ${offset}`);
  const marks = terms.flat();
  return resultPage(rows, search, offset, (r) => ({
    title: markTerms(r.title, marks),
    snippet: markTerms(excerptAround(r.body, marks), marks),
  }));
}

/** About 24 words' worth of text (48 characters of these scripts) around the first match. */
function excerptAround(body: string, terms: string[]): string {
  const text = body.replace(/\s+/g, " ");
  const folded = text.toLowerCase();
  const at = Math.min(...terms.map((t) => folded.indexOf(t.toLowerCase())).filter((i) => i >= 0), text.length);
  const chars = Array.from(text);
  const start = Math.max(0, Array.from(text.slice(0, at)).length - 16);
  const part = chars.slice(start, start + 48).join("");
  return `${start > 0 ? "…" : ""}${part}${start + 48 < chars.length ? "…" : ""}`;
}

/** Each occurrence of a term, case aside, marked. */
function markTerms(text: string, terms: string[]): Marked {
  const pattern = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "giu");
  const parts: Marked = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index), match: false });
    parts.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}
