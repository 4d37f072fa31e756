// The tRPC endpoint served by the built server straight from node:http (src/http/server.ts).
// Astro would turn each call into a page render: a Request with a streamed body, routing,
// middleware, locals, a cookie jar, and a Response streamed back. Here the body (at most
// TRPC_BODY_LIMIT, already enforced in front of this) is read whole, one Request is made
// for tRPC, and its answer is written with the headers the middleware gives every API
// answer: the baseline security headers, no page policy, and never stored by a cache.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Runtime } from "../runtime.ts";
import { handleTrpc } from "./trpc.ts";
import type { MediaStore } from "../media/storage.ts";
import { jsonError } from "./request.ts";
import { baselineHeaders } from "./headers.ts";
import { logUnavailable, unavailableResponse } from "./unavailable.ts";

type Body = IncomingMessage & { body?: Buffer };

function readBody(req: Body): Promise<Buffer> {
  // A body sent without a length was read by limitRequestBodies already.
  if (req.body) return Promise.resolve(req.body);
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => ok(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once("error", fail);
  });
}

/** A request whose Host header or path makes no URL. */
class BadTarget extends Error {}

/** The request as Astro's Node adapter builds it: the URL from the socket and the Host header. */
async function toRequest(req: Body): Promise<Request> {
  const protocol = (req.socket as TLSSocket).encrypted ? "https" : "http";
  const url = URL.parse(`${protocol}://${req.headers.host ?? "localhost"}${req.url ?? "/"}`);
  if (!url) throw new BadTarget();
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const method = req.method ?? "GET";
  const bytes = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
  const body = bytes && new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  return new Request(url, { method, headers, body });
}

/** What answers the Request: tRPC, or the Admin API (src/http/admin-api.ts), which is the same procedures over REST. */
type Handler = (request: Request, clientAddress: string | undefined, runtime: Runtime, media?: MediaStore) => Promise<Response>;

export function trpcListener(
  runtime: Runtime,
  media?: MediaStore,
  handle: Handler = handleTrpc,
): (req: IncomingMessage, res: ServerResponse) => void {
  const baseline = baselineHeaders(runtime.config.siteUrl);
  /** The answer, or null when the client went away while sending: nobody to answer or to log. */
  async function answer(req: Body): Promise<Response | null> {
    let request: Request | undefined;
    try {
      request = await toRequest(req);
      return await handle(request, req.socket.remoteAddress, runtime, media);
    } catch (e) {
      if (!request && (req.destroyed || (e as NodeJS.ErrnoException).code === "ECONNRESET")) return null;
      if (e instanceof BadTarget) return jsonError(400, "BAD_REQUEST", "The request's Host header and path do not make a valid address");
      // As the middleware does for pages: a database out of reach is a 503 to retry.
      const unavailable = request && unavailableResponse(e, request);
      if (unavailable) {
        logUnavailable(`${req.method} ${req.url}`, e);
        return unavailable;
      }
      console.error(`[trpc] ${req.method} ${req.url}:`, e);
      return Response.json(
        { error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server; it has been logged." } },
        { status: 500 },
      );
    }
  }
  return (req, res) => {
    void answer(req)
      .then(async (response) => {
        if (!response) return void res.destroy();
        const headers: Record<string, string | string[]> = { ...baseline };
        response.headers.forEach((value, name) => {
          if (name !== "set-cookie") headers[name] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) headers["set-cookie"] = cookies;
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, headers);
        res.end(body);
      })
      .catch((e: unknown) => {
        // The client went away while the answer was written: nothing left to tell it.
        if (!res.headersSent) res.writeHead(500, baseline);
        res.end();
        if ((e as NodeJS.ErrnoException)?.code !== "ERR_STREAM_DESTROYED") console.error(`[trpc] writing ${req.url}:`, e);
      });
  };
}
