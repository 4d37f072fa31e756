import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_LIMIT, bodyLimitFor, limitRequestBodies, TRPC_BODY_LIMIT } from "../../src/http/body-limit.ts";
import { BODY_MAX, EXCERPT_MAX, PostUpdateInput, TAG_MAX, TAGS_PER_POST, TITLE_MAX } from "../../src/lib/schemas.ts";

describe("which limit applies", () => {
  it("gives the tRPC endpoint room for posts and everything else a few fields' worth", () => {
    expect(bodyLimitFor("/api/trpc/post.update")).toBe(TRPC_BODY_LIMIT);
    expect(bodyLimitFor("/api/trpc/post.update,post.byId?batch=1")).toBe(TRPC_BODY_LIMIT);
    expect(bodyLimitFor("/api/auth/sign-up/email")).toBe(BODY_LIMIT);
    expect(bodyLimitFor("/api/trpcx")).toBe(BODY_LIMIT);
    expect(bodyLimitFor("/")).toBe(BODY_LIMIT);
  });

  it("lets the largest post save the editor can send through, in the most expensive encoding", () => {
    // Control characters (six bytes each in JSON) are refused, so the costliest character a
    // post may hold is one outside the BMP: one character to the schema, four bytes on the wire.
    const c = "😀";
    const input = {
      id: "x".repeat(64),
      version: Number.MAX_SAFE_INTEGER,
      title: `a${c.repeat(TITLE_MAX - 1)}`,
      slug: "a".repeat(80),
      body: c.repeat(BODY_MAX),
      excerpt: `a${c.repeat(EXCERPT_MAX - 1)}`,
      tags: Array.from({ length: TAGS_PER_POST }, (_, i) => `${i}${c.repeat(TAG_MAX - 1)}`),
    };
    expect(PostUpdateInput.safeParse(input).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(superjson.serialize(input)))).toBeLessThanOrEqual(TRPC_BODY_LIMIT);
  });
});

describe("limitRequestBodies in front of a real node:http server", () => {
  let server: Server;
  let base: string;
  const reached: { url: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer(
      limitRequestBodies(
        (req, res) => {
          // Astro's adapter reads a body already on the request, else the stream.
          const buffered = (req as IncomingMessage & { body?: Buffer }).body;
          const done = (body: string) => {
            reached.push({ url: req.url!, body });
            res.end("ok");
          };
          if (buffered) return done(buffered.toString());
          let body = "";
          req
            .setEncoding("utf8")
            .on("data", (c: string) => (body += c))
            .on("end", () => done(body));
        },
        () => 1000,
      ),
    );
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  function post(path: string, body: string, chunked: boolean) {
    return new Promise<{ status: number; body: string }>((ok, fail) => {
      const headers = chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(Buffer.byteLength(body)) };
      const req = httpRequest(`${base}${path}`, { method: "POST", headers, agent: false }, (res) => {
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => (text += c))
          .on("end", () => ok({ status: res.statusCode!, body: text }));
      });
      req.on("error", fail);
      // Two writes, so a chunked body really comes in pieces.
      req.write(body.slice(0, body.length / 2));
      req.end(body.slice(body.length / 2));
    });
  }

  it.each([false, true])("passes a body within the limit on whole (chunked: %s)", async (chunked) => {
    const body = "y".repeat(1000);
    expect(await post(`/within-${chunked}`, body, chunked)).toEqual({ status: 200, body: "ok" });
    expect(reached.find((r) => r.url === `/within-${chunked}`)?.body).toBe(body);
  });

  it.each([false, true])("refuses a body over the limit with a 413 that says the limit (chunked: %s)", async (chunked) => {
    const answer = await post(`/over-${chunked}`, "n".repeat(1001), chunked);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: "PAYLOAD_TOO_LARGE", message: "The request body is over the 1000 bytes limit for this address" },
    });
    expect(reached.some((r) => r.url === `/over-${chunked}`)).toBe(false);
  });
});
