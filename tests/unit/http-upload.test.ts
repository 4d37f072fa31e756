// POST /api/media through the HTTP layer in this process: real accounts, a real folder store,
// the real pipeline. Who may upload, what is refused and why, and that a refusal stores nothing.
import type { RequestListener } from "node:http";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Media, MediaUpload } from "../../db/schema.ts";
import { createStore } from "../../src/cache/store.ts";
import { createServer, type QuireServer } from "../../src/http/server.ts";
import type { UploadAnswer } from "../../src/http/upload.ts";
import { workQueue } from "../../src/media/queue.ts";
import { localStore } from "../../src/media/storage.ts";
import { getRuntime } from "../../src/runtime.ts";
import { createBackend, type Backend } from "./harness.ts";
import { photo, pngDeclaring } from "./media-fixtures.ts";

const SITE = "http://quire.test";
const MAX_BYTES = 4 * 1024 * 1024;
let b: Backend;
let quire: QuireServer;
let base: string;
let dir: string;
const queue = workQueue({ concurrency: 2, maxWaiting: 1 });
const people = {} as Record<"author" | "reader", string>;
const astro: RequestListener = (_req, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<p>a page</p>");
};

beforeAll(async () => {
  b = await createBackend({ env: { MEDIA_MAX_BYTES: String(MAX_BYTES) } });
  b.mount();
  dir = mkdtempSync(join(tmpdir(), "quire-upload-"));
  quire = createServer(await getRuntime(), astro, { store: createStore(), media: localStore(dir), uploads: { queue } });
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
  people.author = (await b.signUp("Ann Author", "author")).cookie;
  people.reader = (await b.signUp("Rob Reader", "reader")).cookie;
});
afterAll(async () => {
  await quire.stop(1000);
  b.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  await b.db.db.delete(Media);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { error?: { message: string; reason: string } } & Partial<UploadAnswer>;
}

function send(path: string, body: Uint8Array | undefined, headers: Record<string, string | number> = {}, method = "POST") {
  return new Promise<Answer>((done, fail) => {
    const { hostname, port } = new URL(base);
    const req = httpRequest({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res
        .on("data", (c: Buffer) => chunks.push(c))
        .on("end", () => {
          const text = Buffer.concat(chunks).toString();
          done({ status: res.statusCode!, headers: res.headers, json: text.startsWith("{") ? JSON.parse(text) : {} });
        });
    });
    req.on("error", fail);
    req.end(body);
  });
}

/** An upload as the editor sends it: the file's bytes, from the site's own page, with the cookie. */
function upload(bytes: Uint8Array, opts: { as?: string; for?: string; name?: string; headers?: Record<string, string | number> } = {}) {
  return send(`/api/media?for=${opts.for ?? "post"}`, bytes, {
    origin: SITE,
    "content-type": "application/octet-stream",
    ...(opts.as ? { cookie: opts.as } : {}),
    ...(opts.name ? { "x-file-name": encodeURIComponent(opts.name) } : {}),
    ...opts.headers,
  });
}

const stored = () => readdirSync(dir, { recursive: true }).filter((f) => String(f).includes("."));

describe("POST /api/media: who may upload", () => {
  it("refuses anyone signed out with 401, and stores nothing", async () => {
    const answer = await upload(await photo(300, 200));
    expect(answer.status).toBe(401);
    expect(answer.json.error).toEqual({ reason: "unauthorized", message: "Sign in to upload images." });
    expect(stored()).toEqual([]);
  });

  it("refuses a reader's image for a post (403) but takes their avatar", async () => {
    const refused = await upload(await photo(300, 200), { as: people.reader });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toMatch(/cannot add images to posts/);
    const avatar = await upload(await photo(300, 200), { as: people.reader, for: "avatar" });
    expect(avatar.status).toBe(201);
  });

  it("takes an author's image: 201 with the address for the Markdown, its size, placeholder and variants, all served", async () => {
    const answer = await upload(await photo(1000, 600), { as: people.author, name: "Sea at dawn.jpg" });
    expect(answer.status).toBe(201);
    const { hash, src, width, height, placeholder, variants } = answer.json as UploadAnswer;
    expect(hash).toMatch(/^[a-f0-9]{64}$/);
    expect(src).toBe(`/media/${hash}/1000.jpg`);
    expect({ width, height }).toEqual({ width: 1000, height: 600 });
    expect(placeholder).toMatch(/^#[0-9a-f]{6}$/);
    expect(variants.map((v) => `${v.width}.${v.format}`)).toEqual([
      "480.jpeg",
      "480.webp",
      "800.jpeg",
      "800.webp",
      "1000.jpeg",
      "1000.webp",
    ]);
    const image = await new Promise<Buffer>((done) =>
      httpRequest(`${base}${src}`, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => done(Buffer.concat(chunks)));
      }).end(),
    );
    expect((await sharp(image).metadata()).width).toBe(1000);
    const [row] = await b.db.db.select().from(MediaUpload);
    expect(row?.fileName).toBe("Sea at dawn.jpg");
  });

  it("stores the same image uploaded twice once, and lists it once for its uploader", async () => {
    const bytes = await photo(500, 300);
    const first = await upload(bytes, { as: people.author });
    const second = await upload(bytes, { as: people.author });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.json.hash).toBe(first.json.hash);
    expect(readdirSync(dir)).toEqual([first.json.hash]);
    expect(await b.db.db.select().from(Media)).toHaveLength(1);
    expect(await b.db.db.select().from(MediaUpload)).toHaveLength(1);
  });

  it("asks what the image is for", async () => {
    const answer = await upload(await photo(100, 100), { as: people.author, for: "banner" });
    expect(answer.status).toBe(400);
    expect(answer.json.error?.message).toContain("?for=post or ?for=avatar");
  });
});

describe("POST /api/media: requests another site could send", () => {
  it("refuses a foreign Origin, a missing one, and a form body, storing nothing", async () => {
    const bytes = await photo(300, 200);
    const foreign = await upload(bytes, { as: people.author, headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error?.reason).toBe("cross-site");
    const none = await send("/api/media?for=post", bytes, { cookie: people.author, "content-type": "image/jpeg" });
    expect(none.status).toBe(403);
    for (const type of ["multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "text/plain"]) {
      const form = await upload(bytes, { as: people.author, headers: { "content-type": type } });
      expect(form.status, type).toBe(415);
    }
    expect(stored()).toEqual([]);
  });
});

describe("POST /api/media: limits and hostile files", () => {
  it("answers 413 from the Content-Length alone, before a byte of the body arrives", async () => {
    const answer = await new Promise<Answer>((done, fail) => {
      const { hostname, port } = new URL(base);
      const req = httpRequest(
        {
          hostname,
          port,
          path: "/api/media?for=post",
          method: "POST",
          headers: { origin: SITE, cookie: people.author, "content-length": MAX_BYTES + 1 },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res
            .on("data", (c: Buffer) => chunks.push(c))
            .on("end", () => done({ status: res.statusCode!, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString()) }));
        },
      );
      req.on("error", fail);
      req.flushHeaders(); // the headers only: the body is never sent
    });
    expect(answer.status).toBe(413);
    expect(answer.json.error).toEqual({ reason: "too-large", message: "The file is too large: images may be at most 4 MB." });
  });

  it("counts a body sent without a length and refuses it at the limit", async () => {
    const answer = await upload(new Uint8Array(MAX_BYTES + 10).fill(0xff), {
      as: people.author,
      headers: { "transfer-encoding": "chunked" },
    });
    expect(answer.status).toBe(413);
    expect(answer.json.error?.reason).toBe("too-large");
  });

  it("gives each hostile file its own 4xx and message, stores nothing, and serves others meanwhile", async () => {
    const whole = await photo(400, 300);
    const html = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    const hostile: Array<[string, Uint8Array, number, string, RegExp]> = [
      ["bomb.png", await pngDeclaring(30_000, 30_000), 413, "too-many-pixels", /megapixels/],
      ["cut.jpg", whole.subarray(0, whole.byteLength >> 1), 422, "corrupt", /damaged or incomplete/],
      ["empty.jpg", new Uint8Array(0), 422, "empty", /empty/],
      ["page.jpg", Buffer.from(html), 415, "html", /web page, not an image/],
      ["polyglot.jpg", Buffer.concat([Buffer.from(html), whole]), 415, "html", /web page/],
      [
        "drawing.svg",
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        415,
        "svg",
        /SVG is not accepted/,
      ],
      ["doc.pdf", Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), 415, "pdf", /PDF files are not accepted/],
    ];
    const kept = await upload(await photo(200, 100), { as: people.author });
    expect(kept.status).toBe(201);
    const before = stored();
    const [answers, others] = await Promise.all([
      Promise.all(hostile.map(([name, bytes]) => upload(bytes, { as: people.author, name }))),
      Promise.all([send(kept.json.src!, undefined, {}, "GET"), send("/", undefined, {}, "GET")]),
    ]);
    hostile.forEach(([name, , status, reason, message], i) => {
      expect({ name, status: answers[i]!.status, reason: answers[i]!.json.error?.reason }).toEqual({ name, status, reason });
      expect(answers[i]!.json.error?.message, name).toMatch(message);
    });
    expect(others.map((o) => o.status)).toEqual([200, 200]);
    expect(stored()).toEqual(before);
    expect(await b.db.db.select().from(Media)).toHaveLength(1);
  });

  it("takes a JPEG with HTML after it, but serves only re-encoded pixels: no byte of the HTML is stored", async () => {
    const polyglot = Buffer.concat([await photo(300, 200), Buffer.from("<html><script>alert(1)</script></html>")]);
    const answer = await upload(polyglot, { as: people.author });
    expect(answer.status).toBe(201);
    expect(stored().length).toBeGreaterThan(0);
    for (const file of stored()) expect(readFileSync(join(dir, String(file))).includes("<script")).toBe(false);
  });

  it("turns an upload away with 503 and Retry-After while the queue is full, and takes it once there is room", async () => {
    const held = [queue.admit(), queue.admit(), queue.admit()];
    expect(held.every(Boolean)).toBe(true);
    const refused = await upload(await photo(100, 100), { as: people.author });
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("2");
    expect(refused.json.error?.reason).toBe("busy");
    for (const ticket of held) ticket!.release();
    expect((await upload(await photo(100, 100), { as: people.author })).status).toBe(201);
  });
});

describe("the processing queue", () => {
  it("runs at most `concurrency` tasks at once, lets `maxWaiting` more wait, and refuses beyond", async () => {
    const q = workQueue({ concurrency: 2, maxWaiting: 1 });
    const gates: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const task = () =>
      new Promise<void>((done) => {
        running++;
        most = Math.max(most, running);
        gates.push(() => {
          running--;
          done();
        });
      });
    const tickets = [q.admit(), q.admit(), q.admit()];
    expect(q.admit()).toBeNull();
    const runs = tickets.map((t) => t!.run(task));
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    while (gates.length) gates.shift()!();
    await Promise.all(runs);
    expect(most).toBe(2);
    expect(q.admitted).toBe(0);
    expect(q.admit()).not.toBeNull();
  });
});
