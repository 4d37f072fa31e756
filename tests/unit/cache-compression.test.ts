// Stored pages are compressed once, when stored, and each reader gets the encoding their
// browser takes: Brotli, gzip or the bytes as rendered, each with its own validator.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore, type Store } from "../../src/cache/store.ts";
import { createFastPath } from "../../src/http/fast-path.ts";
import { chooseEncoding } from "../../src/lib/accept-encoding.ts";

const PAGE = `<!doctype html><html lang="en"><body>${Array.from({ length: 200 }, (_, i) => `<p>Paragraph ${i} of a long essay.</p>`).join("")}</body></html>`;

let store: Store;
let server: Server;
let base: string;

beforeEach(async () => {
  store = createStore();
  server = createServer(
    createFastPath(store, (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("from astro");
    }),
  );
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((ok) => server.close(() => ok())));

function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((ok, fail) => {
    const req = httpRequest(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end();
  });
}

function put(path: string, body: string, type = "text/html; charset=utf-8") {
  return store.set(
    path,
    { status: 200, body: new TextEncoder().encode(body), headers: [["content-type", type]], tags: ["t"], maxAgeSeconds: 60 },
    store.generation(),
  )!;
}

describe("compressed pages", () => {
  it("sends Brotli or gzip made once at store time, the same page when decoded, with its own ETag and length", async () => {
    await put("/essay", PAGE).compressed;
    const br = await get("/essay", { "accept-encoding": "gzip, deflate, br, zstd" });
    const gz = await get("/essay", { "accept-encoding": "gzip" });
    const plain = await get("/essay");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(brotliDecompressSync(br.body).toString()).toBe(PAGE);
    expect(gunzipSync(gz.body).toString()).toBe(PAGE);
    expect(plain.body.toString()).toBe(PAGE);
    expect(br.body.byteLength).toBeLessThan(PAGE.length / 5);
    for (const r of [br, gz, plain]) {
      expect(r.headers.vary).toBe("accept-encoding");
      expect(Number(r.headers["content-length"])).toBe(r.body.byteLength);
    }
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
  });

  it("answers 304 to the validator of the encoding the client gets, and the full page to another encoding's", async () => {
    await put("/essay", PAGE).compressed;
    const br = await get("/essay", { "accept-encoding": "br" });
    const again = await get("/essay", { "accept-encoding": "br", "if-none-match": String(br.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(br.headers.etag);
    expect(again.headers.vary).toBe("accept-encoding");
    expect(again.body.byteLength).toBe(0);
    // Same validator, but this client takes only gzip: a different representation, sent whole.
    const gz = await get("/essay", { "accept-encoding": "gzip", "if-none-match": String(br.headers.etag) });
    expect(gz.status).toBe(200);
    expect(gunzipSync(gz.body).toString()).toBe(PAGE);
    const head = await get("/essay", { "accept-encoding": "br" }, "HEAD");
    expect(head.headers["content-length"]).toBe(br.headers["content-length"]);
    expect(head.body.byteLength).toBe(0);
  });

  it("leaves small bodies and non-text types as they are", async () => {
    await put("/tiny", "<p>hi</p>").compressed;
    await put("/blob", PAGE, "application/octet-stream").compressed;
    for (const path of ["/tiny", "/blob"]) {
      const r = await get(path, { "accept-encoding": "br, gzip" });
      expect(r.headers["content-encoding"], path).toBeUndefined();
      expect(r.headers.vary, path).toBeUndefined();
    }
    const feed = put("/rss.xml", PAGE.replaceAll("p>", "item>"), "application/rss+xml; charset=utf-8");
    await feed.compressed;
    expect(Object.keys(feed.encoded).sort()).toEqual(["br", "gzip"]);
  });

  it("counts the compressed copies against the store's size and drops a purged page's copies", async () => {
    const entry = put("/essay", PAGE);
    const before = store.bytes;
    await entry.compressed;
    expect(store.bytes).toBe(before + entry.encoded.br!.body.byteLength + entry.encoded.gzip!.body.byteLength);
    store.purgeTags(["t"]);
    expect(store.bytes).toBe(0);
    // Purged before its copies were made: they are not added to a page no longer stored.
    const late = put("/late", PAGE);
    store.purgeTags(["t"]);
    await late.compressed;
    expect(store.bytes).toBe(0);
    expect(late.encoded).toEqual({});
  });

  it("holds no more memory for a page than the store counts, so its size limit is the memory it takes", async () => {
    const entries = ["/a", "/b", "/c"].map((path) => put(path, PAGE.replace("essay", path)));
    await Promise.all(entries.map((e) => e.compressed));
    const held = entries
      .flatMap((e) => [e.body, e.encoded.br!.body, e.encoded.gzip!.body])
      .reduce((sum, b) => sum + b.buffer.byteLength, 0);
    expect(held).toBe(store.bytes);
  });
});

describe("choosing an encoding", () => {
  it.each([
    ["gzip, deflate, br", "br"],
    ["gzip", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["br;q=0, gzip;q=0", "identity"],
    ["*", "br"],
    ["*;q=0, gzip", "gzip"],
    ["identity", "identity"],
    ["", "identity"],
    ["deflate", "identity"],
    ["BR;Q=0.5", "br"],
    ["x-gzip", "gzip"],
    [";;, ,q=1", "identity"],
  ])("Accept-Encoding %j → %s", (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});
