// A render thread (src/lib/render-workers.ts starts them): renders Markdown it is sent and
// answers with the result, or with the error's message.
import { parentPort } from "node:worker_threads";
import { renderCommentMarkdownHere, renderMarkdownHere, RenderTooComplex } from "./markdown.ts";
import type { RenderRequest, RenderResponse } from "./render-workers.ts";

const port = parentPort!;
port.on("message", (job: RenderRequest) => {
  const work = job.kind === "post" ? renderMarkdownHere(job.source) : renderCommentMarkdownHere(job.source);
  work.then(
    (result) => port.postMessage({ id: job.id, result } satisfies RenderResponse),
    (e: unknown) =>
      port.postMessage({
        id: job.id,
        error: e instanceof Error ? e.message : String(e),
        tooComplex: e instanceof RenderTooComplex,
      } satisfies RenderResponse),
  );
});
