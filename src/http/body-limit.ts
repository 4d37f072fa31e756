// Request bodies are capped in the node:http layer, before Astro, tRPC or better-auth read
// a byte of them: a body declared too large is refused from its headers, and one sent
// without a length (chunked) is counted as it arrives and refused at the limit. Either way
// the server answers 413 and stops reading, so a 10 MB upload costs it nothing, and other
// clients are served meanwhile.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { isTrpcPath } from "../lib/constants.ts";
import { PRIVATE_CACHE_CONTROL } from "../lib/cache-tags.ts";

/**
 * The tRPC endpoint carries post saves: the longest post (BODY_MAX characters in
 * src/lib/schemas.ts) JSON-encoded in the worst case (4 bytes a character: control characters,
 * 6 bytes in JSON, are refused by the schemas)
 * stays under this.
 */
export const TRPC_BODY_LIMIT = 2 * 1024 * 1024;
/** Everything else (sign-in, sign-up, the auth API, forms) sends a few fields. */
export const BODY_LIMIT = 64 * 1024;

export function bodyLimitFor(url: string): number {
  return isTrpcPath(url) ? TRPC_BODY_LIMIT : BODY_LIMIT;
}

/** "2 MB", "64 KB": the limit as the error message states it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/**
 * How long a refused client may go on sending before its connection is cut. Closing at
 * once, with its upload still arriving, would make the kernel reset the connection and
 * could drop the 413 before the client reads it; reading and discarding for a moment
 * first lets the answer arrive (the "lingering close" web servers do).
 */
const LINGER_MS = 2_000;

export function limitRequestBodies(next: RequestListener, limitFor: (url: string) => number = bodyLimitFor): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const limit = limitFor(req.url ?? "/");
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      // Node's parser delivers no more than the declared length, so checking it is enough.
      if (Number(declared) > limit) refuse(req, res, limit);
      else next(req, res);
      return;
    }
    if (!req.headers["transfer-encoding"]) {
      next(req, res);
      return;
    }
    // No length given: take the body in, up to the limit, and hand it to Astro whole
    // (its Node adapter reads a `body` already on the request instead of the stream).
    readBodyUpTo(req, limit).then(
      (body) => {
        if (!body) return refuse(req, res, limit);
        (req as IncomingMessage & { body?: Buffer }).body = body;
        next(req, res);
      },
      () => res.destroy(),
    );
  };
}

/**
 * The body, or null once it passes `limit` (then the rest is not read). Fails if the client
 * goes away before the end, so nothing waits on a body that will not come.
 */
export function readBodyUpTo(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData).off("end", onEnd);
        chunks.length = 0;
        done(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    req.on("data", onData).on("end", onEnd).once("error", fail);
    // A client that goes away mid-body must not hold its place (in the upload queue, say).
    req.once("close", () => {
      if (!req.complete) fail(Object.assign(new Error("The request body was cut off"), { code: "ECONNRESET" }));
    });
  });
}

function refuse(req: IncomingMessage, res: ServerResponse, limit: number): void {
  refuseBody(req, res, {
    error: { code: "PAYLOAD_TOO_LARGE", message: `The request body is over the ${formatBytes(limit)} limit for this address` },
  });
}

/** Answers 413 with `answer` as JSON and stops reading the request (the upload route has its own words). */
export function refuseBody(req: IncomingMessage, res: ServerResponse, answer: unknown): void {
  const body = JSON.stringify(answer);
  const socket = req.socket as Socket & { destroySoon?: () => void };
  // After a "Connection: close" answer Node ends the socket and destroys it at once; here it
  // only ends it (the client reads the answer and sees the end), reads nothing more, and
  // cuts the connection a moment later.
  socket.destroySoon = () => {
    socket.end();
    socket.pause();
    const cut = setTimeout(() => socket.destroy(), LINGER_MS);
    cut.unref();
    socket.once("close", () => clearTimeout(cut));
  };
  res.writeHead(413, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "cache-control": PRIVATE_CACHE_CONTROL,
    connection: "close",
  });
  res.end(body);
}
