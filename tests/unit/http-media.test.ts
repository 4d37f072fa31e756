// /media/ through the HTTP layer in this process: a real processed image in a real folder
// store, answered before Astro with an address that never changes its bytes.
import type { RequestListener } from "node:http";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "../../src/cache/store.ts";
import { createServer, type QuireServer } from "../../src/http/server.ts";
import { processImage } from "../../src/media/pipeline.ts";
import { localStore, storeMedia, type MediaStore } from "../../src/media/storage.ts";
import { getRuntime } from "../../src/runtime.ts";
import { createBackend, type Backend } from "./harness.ts";
import { LIMITS, photo } from "./media-fixtures.ts";

let b: Backend;
let quire: QuireServer;
let base: string;
let dir: string;
let keys: string[];
const astroSaw: string[] = [];
const astro: RequestListener = (req, res) => {
  astroSaw.push(`${req.method} ${req.url}`);
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<p>a page</p>");
};

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  dir = mkdtempSync(join(tmpdir(), "quire-media-http-"));
  const media: MediaStore = localStore(dir);
  ({ keys } = await storeMedia(media, await processImage(await photo(1000, 600), LIMITS)));
  quire = createServer(await getRuntime(), astro, { store: createStore(), media });
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await quire.stop(1000);
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

function send(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((done, fail) => {
    // The path as written: a URL would resolve its "..", as a browser does but an attacker need not.
    const { hostname, port } = new URL(base);
    const req = httpRequest({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res
        .on("data", (c: Buffer) => chunks.push(c))
        .on("end", () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("/media/", () => {
  it("serves each stored rendition with its type, a year's immutable caching, and no way to run as a page", async () => {
    const webp = keys.find((k) => k.endsWith("/800.webp"))!;
    expect(webp).toBeDefined();
    const answer = await send("GET", `/media/${webp}`);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("image/webp");
    expect(answer.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(answer.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(Number(answer.headers["content-length"])).toBe(answer.body.length);
    expect((await sharp(answer.body).metadata()).width).toBe(800);
    const jpeg = await send("GET", `/media/${keys.find((k) => k.endsWith("/800.jpg"))!}`);
    expect(jpeg.headers["content-type"]).toBe("image/jpeg");
    expect((await sharp(jpeg.body).metadata()).format).toBe("jpeg");
  });

  it("answers a revalidation with 304 and HEAD with the headers alone", async () => {
    const key = keys.find((k) => k.endsWith("/480.webp"))!;
    const first = await send("GET", `/media/${key}`);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[a-f0-9]{64}-480\.webp"$/);
    const again = await send("GET", `/media/${key}`, { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await send("HEAD", `/media/${key}`);
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(first.headers["content-length"]);
    expect(head.body.length).toBe(0);
  });

  it("says 404 for an image that is not there and for any address that is not an image's, never reaching Astro or the disk outside the store", async () => {
    astroSaw.length = 0;
    const missing = `/media/${"0".repeat(64)}/800.webp`;
    for (const path of [
      missing,
      "/media/../package.json",
      "/media/%2e%2e/package.json",
      `/media/${keys[0]!.split("/")[0]}/.tmp`,
      "/media/",
      "/media/x.webp",
    ]) {
      const answer = await send("GET", path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.toString(), path).toBe("No such image.");
      expect(answer.headers["cache-control"], path).toBe("no-store");
    }
    expect(astroSaw).toEqual([]);
  });

  it("takes no writes: POST, PUT and DELETE are refused with 405", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) expect((await send(method, `/media/${keys[0]}`)).status, method).toBe(405);
  });
});
