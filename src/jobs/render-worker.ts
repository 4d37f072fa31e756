// A render thread (src/jobs/render-workers.ts starts them): renders Markdown it is sent and
// answers with the result, or with the error's message, one render after the other, in the
// order they came. A render can wait (the highlighter loads its grammars asynchronously), and
// the next must not overtake it: the thread's budget and its answers go in that order.
import { parentPort } from "node:worker_threads";
import { renderCommentMarkdownHere, renderMarkdownHere, RenderTooComplex } from "../lib/markdown.ts";
import type { RenderRequest, RenderResponse } from "./render-workers.ts";

const port = parentPort!;
let previous: Promise<void> = Promise.resolve();

function render(job: RenderRequest): Promise<void> {
  const work = job.kind === "post" ? renderMarkdownHere(job.source, job.media) : renderCommentMarkdownHere(job.source);
  return work.then(
    (result) => port.postMessage({ id: job.id, result } satisfies RenderResponse),
    (e: unknown) =>
      port.postMessage({
        id: job.id,
        error: e instanceof Error ? e.message : String(e),
        tooComplex: e instanceof RenderTooComplex,
      } satisfies RenderResponse),
  );
}

port.on("message", (job: RenderRequest) => {
  previous = previous.then(() => render(job));
});
