// Full-text search over public posts (FTS5): the query a reader types made safe, ranked on the
// index, with the matches marked for the page to show. Rows in, rows out; no tRPC.
import { sql } from "drizzle-orm";
import { Post, user } from "../../../db/schema.ts";
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

/** Ranked full-text search over public posts, with the matches marked, a page at a time from `cursor`. */
export async function searchPublic(db: Database, search: { q: string; cursor?: string; limit: number }) {
  const match = ftsQuery(search.q);
  if (!match) return { items: [], nextCursor: null, total: 0 };
  const offset = Number(search.cursor ?? 0);
  const now = Date.now();
  // Rank first, on the index alone: FTS5 drives (CROSS JOIN keeps SQLite from looking
  // the query up once per post), and snippets are made only for the page shown, so a
  // word in every post costs a sort, not a snippet of every post.
  const rows = await db.all<{
    rid: number;
    id: string;
    slug: string;
    title: string;
    published_at: number;
    author_id: string;
    author_name: string;
    total: number;
  }>(sql`
    select hits.*, u.name as author_name, count(*) over () as total from (
      select p.rowid as rid, p.id, p.slug, p.title, p.published_at, p.author_id,
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
  const items = rows.slice(0, search.limit).map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    titleMarked: marked(highlights.get(r.rid)?.title_hl ?? r.title),
    snippetMarked: marked(highlights.get(r.rid)?.snippet ?? ""),
    publishedAt: new Date(r.published_at),
    author: { id: r.author_id, name: r.author_name },
  }));
  return {
    items,
    nextCursor: rows.length > search.limit ? String(offset + search.limit) : null,
    total: rows[0]?.total ?? 0,
  };
}
