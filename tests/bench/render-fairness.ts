// npm run bench:render-fairness — can one person's crafted Markdown hold up everyone else's?
// The built server on a fresh database, with its default render threads:
//  1. an ordinary comment from a reader, alone (the baseline);
//  2. the same while another account has twelve crafted comments in flight (`*a_` repeated
//     to the 5,000-character limit: half a second each to format before emphasis was linear);
//  3. the same while an author previews 40 KB of `*a` (twelve seconds to format before).
// Also, in this process, the time to format each crafted text with micromark's own emphasis
// resolver and with Quire's linear one. Goal: the reader's comment answered in ≤ 500 ms
// while the crafted ones are in flight.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useLinearEmphasis } from "../../src/lib/emphasis.ts";
import { renderCommentMarkdownHere, renderMarkdownHere } from "../../src/lib/markdown.ts";
import { signUp, type Client } from "./http-client.ts";
import { startQuire } from "./proc.ts";
import { report } from "./report.ts";

const GOAL_MS = 500;
const ROUNDS = 5;
const CRAFTED_COMMENT = "*a_".repeat(1666);
const CRAFTED_POST = "*a".repeat(20_000);

const dir = mkdtempSync(join(tmpdir(), "quire-fairness-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

// In this process: what each text costs to format, with each resolver.
const formatting: [string, string][] = [];
await renderMarkdownHere("Warm *up*.\n\n```ts\nconst a = 1;\n```");
for (const linear of [false, true]) {
  useLinearEmphasis(linear);
  const [comment] = await timed(() => renderCommentMarkdownHere(CRAFTED_COMMENT));
  const [post] = await timed(() => renderMarkdownHere(CRAFTED_POST));
  formatting.push([
    `format crafted comment / 40 KB post, ${linear ? "linear emphasis (Quire)" : "micromark's emphasis"}`,
    `${comment.toFixed(0)} ms / ${post.toFixed(0)} ms`,
  ]);
}

const server = await startQuire(`file:${join(dir, "bench.db")}`, { AUTH_RATE_LIMIT: "100000" });
try {
  const stamp = Date.now().toString(36);
  const admin = await signUp(server.base, "Ada Admin", `admin.${stamp}@quire.test`);
  const mallory = await signUp(server.base, "Mallory Markdown", `mallory.${stamp}@quire.test`);
  const reader = await signUp(server.base, "Rita Reader", `rita.${stamp}@quire.test`);
  const draft = await admin.mutate<{ id: string }>("post.create", { title: "Fairness", body: "Comment below." });
  if (!draft.ok) throw new Error(draft.message);
  const postId = draft.data.id;
  const published = await admin.mutate("post.publish", { id: postId });
  if (!published.ok) throw new Error(published.message);

  const readerComment = async (client: Client) => {
    const [ms, outcome] = await timed(() => client.mutate("comment.create", { postId, body: "An *ordinary* comment." }));
    if (!outcome.ok) throw new Error(`the reader's comment failed: ${outcome.message}`);
    return ms;
  };
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
  };

  const alone: number[] = [];
  for (let i = 0; i < ROUNDS; i++) alone.push(await readerComment(reader));

  const underComments: number[] = [];
  const craftedOutcomes: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const flood = Array.from({ length: 12 }, () => mallory.mutate("comment.create", { postId, body: CRAFTED_COMMENT }));
    await new Promise((r) => setTimeout(r, 30));
    underComments.push(await readerComment(reader));
    for (const o of await Promise.all(flood)) craftedOutcomes.push(o.ok ? "stored" : `refused ${o.code}`);
  }

  const underPreview: number[] = [];
  const previewOutcomes: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const preview = admin.mutate("post.preview", { body: CRAFTED_POST });
    await new Promise((r) => setTimeout(r, 30));
    underPreview.push(await readerComment(reader));
    const o = await preview;
    previewOutcomes.push(o.ok ? "formatted" : `refused ${o.code}`);
  }

  const count = (xs: string[]) =>
    Object.entries(xs.reduce<Record<string, number>>((acc, x) => ((acc[x] = (acc[x] ?? 0) + 1), acc), {}))
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
  const a = stats(alone);
  const c = stats(underComments);
  const p = stats(underPreview);
  report(
    "Render fairness (`npm run bench:render-fairness`)",
    "npm run bench:render-fairness",
    [
      ...formatting,
      ["reader's comment alone: median / max", `${a.median.toFixed(0)} ms / ${a.max.toFixed(0)} ms`],
      [
        `reader's comment, 12 crafted comments in flight: median / max (goal ≤ ${GOAL_MS} ms)`,
        `${c.median.toFixed(0)} ms / ${c.max.toFixed(0)} ms (${c.max <= GOAL_MS ? "met" : "NOT met"})`,
      ],
      ["the crafted comments", count(craftedOutcomes)],
      ["reader's comment, 40 KB crafted preview in flight: median / max", `${p.median.toFixed(0)} ms / ${p.max.toFixed(0)} ms`],
      ["the crafted previews", count(previewOutcomes)],
    ],
    [
      `${ROUNDS} rounds of each. The server runs its default render threads (RENDER_WORKERS: cores − 1, at least 1). Renders are taken from each account in turn, a thread holding at most two (the one it is on and the next), and stopped past their budget (comments 1 s, posts 5 s). With one render thread, a reader's comment waits for a long preview that thread is on: the budget bounds that wait.`,
    ],
  );
} finally {
  await server.stop();
}
