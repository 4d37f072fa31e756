// The built server's HTTP layer (src/http/server.ts) in this process, on port 0: every rule
// in its place, around a stand-in for Astro's handler and the real tRPC listener.
import type { RequestListener } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "../../src/cache/store.ts";
import { PRIVATE_CACHE_CONTROL } from "../../src/lib/cache-tags.ts";
import { createServer, type QuireServer } from "../../src/http/server.ts";
import { getRuntime } from "../../src/runtime.ts";
import { createBackend, type Backend } from "./harness.ts";

let b: Backend;
let quire: QuireServer;
let base: string;
const store = createStore();
const astroSaw: string[] = [];

// What Astro does with what reaches it: a page with headers of its own, or a failure that
// answers 500 with none (an uncaught error in a page).
const astro: RequestListener = (req, res) => {
  astroSaw.push(`${req.method} ${req.url}`);
  if (req.url === "/boom") {
    res.writeHead(500);
    res.end();
    return;
  }
  res.writeHead(200, { "content-type": "text/html", "cache-control": "public, max-age=0, must-revalidate" });
  res.end("<p>a page</p>");
};

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  quire = createServer(await getRuntime(), astro, { store });
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await quire.stop(1000);
  b.close();
});

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((done, fail) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      let text = "";
      res
        .setEncoding("utf8")
        .on("data", (c: string) => (text += c))
        .on("end", () => done({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on("error", fail);
    req.end(body);
  });
}

describe("the HTTP server", () => {
  it("hands pages to Astro with the baseline headers under Astro's own", async () => {
    const page = await send("GET", "/posts/x");
    expect(page.body).toBe("<p>a page</p>");
    expect(page.headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("keeps nothing of an answer that says nothing about keeping it: a page's failure is no-store", async () => {
    const failed = await send("GET", "/boom");
    expect(failed.status).toBe(500);
    expect(failed.headers["cache-control"]).toBe(PRIVATE_CACHE_CONTROL);
  });

  it("answers OPTIONS and refuses TRACE before Astro sees either", async () => {
    astroSaw.length = 0;
    expect((await send("OPTIONS", "/")).status).toBe(204);
    const trace = await send("TRACE", "/");
    expect(trace.status).toBe(405);
    expect(trace.headers["allow"]).toBe("GET, HEAD, OPTIONS");
    expect(astroSaw).toEqual([]);
  });

  it("refuses an oversized body from its headers, no-store", async () => {
    const refused = await send("POST", "/api/trpc/post.create", {
      "content-type": "application/json",
      "content-length": String(5 * 1024 * 1024),
    });
    expect(refused.status).toBe(413);
    expect(refused.headers["cache-control"]).toBe(PRIVATE_CACHE_CONTROL);
  });

  it("answers /api/trpc itself, never through Astro", async () => {
    astroSaw.length = 0;
    const tags = await send("GET", "/api/trpc/tag.all");
    expect(tags.status).toBe(200);
    expect(JSON.parse(tags.body)).toMatchObject({ result: { data: { json: [] } } });
    expect(astroSaw).toEqual([]);
  });

  it("writes a cached page from the store before any other rule", async () => {
    astroSaw.length = 0;
    store.set(
      "/cached",
      {
        status: 200,
        body: new TextEncoder().encode("stored"),
        headers: [["content-type", "text/html"]],
        tags: ["list"],
        maxAgeSeconds: 60,
      },
      store.generation(),
    );
    const hit = await send("GET", "/cached?utm_source=x");
    expect([hit.status, hit.body, hit.headers["x-astro-cache"]]).toEqual([200, "stored", "HIT"]);
    expect(astroSaw).toEqual([]);
  });
});

/** Writes `raw` on a connection of its own and answers all the server wrote back. */
function rawExchange(raw: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect((quire.server.address() as AddressInfo).port, "127.0.0.1", () => socket.end(raw));
    let text = "";
    socket.setEncoding("utf8").on("data", (c: string) => (text += c));
    socket.on("end", () => done(text)).on("error", fail);
  });
}

describe("what Node's parser refuses", () => {
  it("answers an address over 16 KiB with 431 and a message an API client reads, and keeps serving", async () => {
    const answer = await rawExchange(`GET /api/v1/posts/${"x".repeat(20_000)} HTTP/1.1\r\nhost: quire.test\r\n\r\n`);
    const [head, body] = answer.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toMatch(/content-type: application\/json/);
    const parsed = JSON.parse(body!) as { message: string; errors: { message: string; type: string }[] };
    expect(parsed.message).toMatch(/too long/);
    expect(parsed.errors).toEqual([{ message: parsed.message, type: "BadRequestError" }]);
    expect((await send("GET", "/posts/x")).status).toBe(200);
  });

  it("answers a request that is not HTTP with 400 and says so", async () => {
    const answer = await rawExchange("HELLO THERE\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.split("\r\n\r\n")[1]!)).toMatchObject({ message: "This is not a well-formed HTTP request" });
  });
});
