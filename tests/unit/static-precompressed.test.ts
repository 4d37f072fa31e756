// Built scripts and styles are compressed once by the build and sent by Accept-Encoding, with
// the type of the file itself, its own validator, and Vary so caches keep them apart.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { precompressDir } from "../../src/http/precompressed.ts";
import { serveStaticFiles } from "../../src/http/static-files.ts";

const SCRIPT = `export function hello(){return ${JSON.stringify("a sentence that repeats. ".repeat(200))}}`;
let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "quire-static-"));
  mkdirSync(join(dir, "_astro"));
  writeFileSync(join(dir, "_astro/app.abc123.js"), SCRIPT);
  writeFileSync(join(dir, "_astro/tiny.abc123.js"), "export{}");
  writeFileSync(join(dir, "photo.png"), Buffer.alloc(4096, 7));
  const made = await precompressDir(dir);
  expect(made.files).toBe(1);
  server = createServer(
    serveStaticFiles(dir, "_astro", (_req, res) => {
      res.writeHead(404);
      res.end("astro");
    }),
  );
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((ok) => server.close(() => ok()));
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((ok, fail) => {
    const req = httpRequest(`${base}${path}`, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("precompressed build output", () => {
  it("sends the Brotli or gzip copy to a browser that takes it, typed as the script it is", async () => {
    const br = await get("/_astro/app.abc123.js", { "accept-encoding": "gzip, br" });
    const gz = await get("/_astro/app.abc123.js", { "accept-encoding": "gzip" });
    const plain = await get("/_astro/app.abc123.js");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    expect(plain.body.toString()).toBe(SCRIPT);
    for (const r of [br, gz, plain]) {
      expect(r.headers["content-type"]).toMatch(/^text\/javascript/);
      expect(r.headers.vary).toBe("Accept-Encoding");
      expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    }
    expect(br.body.byteLength).toBeLessThan(SCRIPT.length / 10);
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
    const again = await get("/_astro/app.abc123.js", { "accept-encoding": "br", "if-none-match": String(br.headers.etag) });
    expect(again.status).toBe(304);
  });

  it("sends small files and images as they are, without Vary", async () => {
    for (const path of ["/_astro/tiny.abc123.js", "/photo.png"]) {
      const r = await get(path, { "accept-encoding": "br, gzip" });
      expect(r.status, path).toBe(200);
      expect(r.headers["content-encoding"], path).toBeUndefined();
      expect(r.headers.vary, path).toBeUndefined();
    }
  });
});
