// Markdown rendered on the render threads is the Markdown rendered here, and a thread that
// dies fails only the renders it had, is replaced, and the next render works.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  renderCommentMarkdown,
  renderCommentMarkdownHere,
  renderMarkdown,
  renderMarkdownHere,
  RenderTooComplex,
  useRenderer,
} from "../../src/lib/markdown.ts";
import { MAX_FAILED_STARTS, startRenderWorkers } from "../../src/jobs/render-workers.ts";

const workers = startRenderWorkers(2);
afterAll(async () => {
  useRenderer(undefined);
  await workers.close();
});

const POST = `# A title

The **first** paragraph, with [a link](https://example.com) and [a trap](javascript:alert(1)).

\`\`\`ts
export const answer: number = 42;
\`\`\`

<script>alert(1)</script>

| a | b |
|---|---|
| 1 | 2 |
`;
/**
 * A stand-in render thread whose renders take as long as they say: `wait <ms> <text>`
 * answers `<p><text></p>` after blocking its thread for that long.
 */
function fakeRenderer(dir: string) {
  const script = join(dir, "fake-renderer.mjs");
  writeFileSync(
    script,
    `import { parentPort } from "node:worker_threads";
parentPort.on("message", ({ id, source }) => {
  const [, ms, text] = /^wait (\\d+) (.*)$/s.exec(source) ?? [, "0", source];
  const until = Date.now() + Number(ms);
  while (Date.now() < until);
  parentPort.postMessage({ id, result: typeof text === "string" && source.startsWith("wait") ? "<p>" + text + "</p>" : { html: "", excerpt: "", words: 0 } });
});
`,
  );
  return pathToFileURL(script);
}

const COMMENT = "Agreed, *mostly*: see <https://example.com> and [this](javascript:alert(1)).\n\n# not a heading here";

describe("render threads", () => {
  it("render posts and comments exactly as this thread does", async () => {
    expect(await workers.post(POST)).toEqual(await renderMarkdownHere(POST));
    expect(await workers.comment(COMMENT)).toBe(await renderCommentMarkdownHere(COMMENT));
  });

  it("render a post's stored images from the image data they are handed", async () => {
    const hash = "e".repeat(64);
    const variants = [480, 640].flatMap((width) =>
      (["webp", "jpeg"] as const).map((format) => ({ width, height: width / 2, format, bytes: 1 })),
    );
    const media = [{ hash, width: 640, height: 320, placeholder: "#123456", variants }];
    const source = `![Wide](/media/${hash}/640.jpg)`;
    const onThread = await workers.post(source, "someone", media);
    expect(onThread).toEqual(await renderMarkdownHere(source, media));
    expect(onThread.html).toContain(`<img src="/media/${hash}/640.jpg" srcset="/media/${hash}/480.jpg 480w, /media/${hash}/640.jpg 640w"`);
  });

  it("are what renderMarkdown and renderCommentMarkdown use once installed", async () => {
    const sent: string[] = [];
    const spy = { post: (s: string) => (sent.push(s), workers.post(s)), comment: (s: string) => (sent.push(s), workers.comment(s)) };
    useRenderer(spy);
    expect((await renderMarkdown(POST)).html).toContain("<table>");
    expect(await renderCommentMarkdown(COMMENT)).not.toContain("javascript:");
    expect(sent).toEqual([POST, COMMENT]);
    useRenderer(undefined);
  });

  it("take many renders at once and answer each with its own result", async () => {
    const sources = Array.from({ length: 200 }, (_, i) => `Comment **${i}**`);
    const html = await Promise.all(sources.map((s) => workers.comment(s)));
    expect(html).toEqual(sources.map((_, i) => `<p>Comment <strong>${i}</strong></p>`));
  });

  it("replace a thread that dies: its renders fail with a clear error, later ones work", async () => {
    const [first] = workers.workers;
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      workers.post(`Post ${i}\n\n\`\`\`ts\nlet x = ${i};\n\`\`\``).then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
    // Stopped before it can have answered any of them.
    void first!.terminate();
    const outcomes = await Promise.all(inFlight);
    expect(outcomes.filter((o) => o !== "ok").length).toBeGreaterThan(0);
    for (const o of outcomes) expect(o === "ok" || /^The Markdown renderer stopped/.test(o), o).toBe(true);
    await expect.poll(() => workers.workers.length === 2 && !workers.workers.includes(first!)).toBe(true);
    const again = await Promise.all([1, 2, 3, 4].map((i) => workers.comment(`after *${i}*`)));
    expect(again).toEqual([1, 2, 3, 4].map((i) => `<p>after <em>${i}</em></p>`));
  });

  it("take renders from each writer in turn: twelve from one wait behind each other, not before another's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quire-render-"));
    const slow = startRenderWorkers(1, { script: fakeRenderer(dir) });
    try {
      await slow.comment("ready");
      const done: string[] = [];
      const track = (p: Promise<string>, name: string) => p.then(() => done.push(name));
      const flood = Array.from({ length: 12 }, (_, i) => track(slow.comment(`wait 100 ${i}`, "mallory"), `mallory ${i}`));
      const other = track(slow.comment("wait 0 hello", "reader"), "reader");
      await Promise.all([...flood, other]);
      // The reader's render came right after the two the thread already held when it arrived.
      expect(done.indexOf("reader")).toBeLessThanOrEqual(2);
      expect(done.filter((d) => d.startsWith("mallory"))).toEqual(Array.from({ length: 12 }, (_, i) => `mallory ${i}`));
    } finally {
      await slow.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answer a render handed on behind the first one's warm-up, in order, within its budget", async () => {
    // A new thread's first render loads the highlighter asynchronously; a comment handed on
    // behind it must wait for it, not overtake it and have its answer taken for the other's.
    const fresh = startRenderWorkers(1, { budgetMs: { comment: 300 } });
    try {
      expect(await fresh.comment("*hi*", "reader")).toBe("<p><em>hi</em></p>");
    } finally {
      await fresh.close();
    }
  });

  it("stop a render past its budget: the writer is told the text is too complex, the thread is replaced", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quire-render-"));
    const bounded = startRenderWorkers(1, { script: fakeRenderer(dir), budgetMs: { comment: 300 } });
    try {
      await bounded.comment("ready");
      const [first] = bounded.workers;
      const stuck = bounded.comment("wait 60000 forever", "mallory");
      const next = bounded.comment("wait 0 after", "reader");
      await expect(stuck).rejects.toBeInstanceOf(RenderTooComplex);
      expect(await next).toBe("<p>after</p>");
      expect(bounded.workers).toHaveLength(1);
      expect(bounded.workers[0]).not.toBe(first);
    } finally {
      await bounded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("give up on a thread that cannot start, after a few tries, and render here instead", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quire-render-"));
    const script = join(dir, "broken.mjs");
    writeFileSync(script, 'throw new Error("broken on purpose");\n');
    const errors: string[] = [];
    const broken = startRenderWorkers(1, { script: pathToFileURL(script), onError: (m) => errors.push(m) });
    try {
      await expect
        .poll(() => errors.at(-1) ?? "", { timeout: 15_000, interval: 100 })
        .toMatch(/rendering on the request thread from now on/);
      expect(broken.workers).toHaveLength(0);
      expect(errors.filter((m) => m.startsWith("a render thread failed"))).toHaveLength(MAX_FAILED_STARTS);
      expect(await broken.comment(COMMENT)).toBe(await renderCommentMarkdownHere(COMMENT));
      expect(await broken.post(POST)).toEqual(await renderMarkdownHere(POST));
    } finally {
      await broken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
