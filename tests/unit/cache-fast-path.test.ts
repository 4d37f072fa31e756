import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFastPath } from "../../src/http/fast-path.ts";
import { createStore, strongEtag, type Store } from "../../src/cache/store.ts";

let store: Store;
let server: Server;
let base: string;
let behind: string[];

beforeEach(async () => {
  store = createStore();
  behind = [];
  server = createServer(
    createFastPath(store, (req, res) => {
      behind.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("from astro");
    }),
  );
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((ok) => server.close(() => ok())));

/** node:http, not fetch: fetch hides a HEAD body and may add its own conditional headers. */
function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((ok, fail) => {
    const req = httpRequest(`${base}${path}`, { method, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("fast path in front of Astro", () => {
  it("writes a fresh stored page itself, with its headers and a strong ETag", async () => {
    const body = new TextEncoder().encode("<h1>Cached</h1>");
    store.set(
      "/posts/a",
      {
        status: 200,
        body,
        headers: [
          ["content-type", "text/html"],
          ["cache-control", "public, max-age=0"],
        ],
        tags: ["post:a"],
        maxAgeSeconds: 60,
      },
      store.generation(),
    );
    const hit = await get("/posts/a");
    expect(hit).toMatchObject({ status: 200, body: "<h1>Cached</h1>" });
    expect(hit.headers).toMatchObject({
      "content-type": "text/html",
      "cache-control": "public, max-age=0",
      etag: strongEtag(body),
      "x-astro-cache": "HIT",
      "content-length": String(body.byteLength),
    });

    const notModified = await get("/posts/a", { "if-none-match": strongEtag(body) });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBe("");
    expect(notModified.headers.etag).toBe(strongEtag(body));
    expect(notModified.headers["cache-control"]).toBe("public, max-age=0");

    const head = await get("/posts/a", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers.etag).toBe(strongEtag(body));
    expect(behind).toEqual([]);
  });

  it("hands everything else to Astro: misses, purged pages, other methods", async () => {
    store.set("/", { status: 200, body: new Uint8Array([1]), headers: [], tags: ["list"], maxAgeSeconds: 60 }, 0);
    await get("/posts/unknown");
    await get("/", {}, "POST");
    store.purgeTags(["list"]);
    expect((await get("/")).body).toBe("from astro");
    expect(behind).toEqual(["GET /posts/unknown", "POST /", "GET /"]);
  });
});
