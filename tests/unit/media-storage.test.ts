// One contract, two stores: a folder, and a real S3-protocol server (s3rver) on a free port.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImage } from "../../src/media/pipeline.ts";
import { InvalidMediaKey, localStore, storeMedia, type MediaStore } from "../../src/media/storage.ts";
import { s3Store, type S3MediaStore } from "../../src/media/s3-store.ts";
import { LIMITS, photo } from "./media-fixtures.ts";

const HASH = "a".repeat(64);
const key = (name: string) => `${HASH}/${name}`;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Counts writes, so a test can say an image was stored once. */
function counting(store: MediaStore): MediaStore & { puts: string[] } {
  const puts: string[] = [];
  return { ...store, puts, put: (k, b, t) => (puts.push(k), store.put(k, b, t)) };
}

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

let s3rver: S3rver;
let endpoint: string;
const BUCKET = "quire-media";
const stores: Array<S3MediaStore> = [];

beforeAll(async () => {
  s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: tempDir("quire-s3rver-"), resetOnClose: true });
  const { port } = await s3rver.run();
  endpoint = `http://127.0.0.1:${port}`;
  const admin = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  admin.destroy();
});

afterAll(async () => {
  for (const store of stores) store.destroy();
  await s3rver?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const backends: Array<[string, () => MediaStore]> = [
  ["localStore", () => localStore(tempDir("quire-media-"))],
  [
    "s3Store",
    () => {
      const store = s3Store({
        endpoint,
        bucket: BUCKET,
        region: "us-east-1",
        accessKeyId: "S3RVER",
        secretAccessKey: "S3RVER",
        publicUrl: "https://media.example.com/",
      });
      stores.push(store);
      return store;
    },
  ],
];

describe.each(backends)("%s", (name, makeStore) => {
  let store: MediaStore;
  beforeAll(() => {
    store = makeStore();
  });

  it("gives back what was put: bytes, type, size and an ETag", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 250]);
    await store.put(key("480.webp"), bytes, "image/webp");
    expect(await store.has(key("480.webp"))).toBe(true);
    const got = await store.get(key("480.webp"));
    expect(got).not.toBeNull();
    expect({ contentType: got!.contentType, size: got!.size }).toEqual({ contentType: "image/webp", size: 6 });
    expect(got!.etag).toMatch(/^".+"$/);
    expect(await readAll(got!.stream)).toEqual(Buffer.from(bytes));
  });

  it("says what is missing: null and false, not an error", async () => {
    expect(await store.get(key("missing.png"))).toBeNull();
    expect(await store.has(key("missing.png"))).toBe(false);
  });

  it("replaces an object whole, and deletes it (twice is fine)", async () => {
    await store.put(key("original.jpg"), new Uint8Array(1000).fill(1), "image/jpeg");
    await store.put(key("original.jpg"), new Uint8Array(10).fill(2), "image/jpeg");
    const got = await store.get(key("original.jpg"));
    expect(await readAll(got!.stream)).toEqual(Buffer.alloc(10, 2));
    await store.delete(key("original.jpg"));
    await store.delete(key("original.jpg"));
    expect(await store.has(key("original.jpg"))).toBe(false);
    expect(await store.get(key("original.jpg"))).toBeNull();
  });

  it("refuses keys that could name anything but one image's file, on every operation", async () => {
    const bad = [
      "../etc/passwd",
      `${HASH}/../../etc/passwd.jpg`,
      `${HASH}/..jpg`,
      `/${HASH}/480.webp`,
      `${HASH}/sub/480.webp`,
      `${HASH}\\480.webp`,
      `${HASH}/.tmp-1.webp`,
      `${HASH}/480.html`,
      `${HASH.toUpperCase()}/480.webp`,
      `${HASH.slice(1)}/480.webp`,
      `${HASH}/480.webp\0`,
      "",
    ];
    for (const k of bad) {
      await expect(store.put(k, new Uint8Array([1]), "image/webp"), k).rejects.toBeInstanceOf(InvalidMediaKey);
      await expect(store.get(k), k).rejects.toBeInstanceOf(InvalidMediaKey);
      await expect(store.has(k), k).rejects.toBeInstanceOf(InvalidMediaKey);
      await expect(store.delete(k), k).rejects.toBeInstanceOf(InvalidMediaKey);
    }
  });

  it("refuses a content type other than the one the key's extension names", async () => {
    await expect(store.put(key("480.webp"), new Uint8Array([1]), "text/html")).rejects.toThrow(/image\/webp, not text\/html/);
  });

  it("stores an image's original and every variant under its hash, once: the same upload again writes nothing", async () => {
    const upload = await photo(900, 600);
    const image = await processImage(upload, LIMITS);
    const writes = counting(store);
    const first = await storeMedia(writes, image);
    expect(first.stored).toBe(true);
    expect([...first.keys].sort()).toEqual(
      ["480.jpg", "480.webp", "800.jpg", "800.webp", "900.jpg", "900.webp", "original.jpg"].map((n) => `${image.hash}/${n}`),
    );
    expect(writes.puts).toHaveLength(7);
    expect(writes.puts.at(-1)).toBe(`${image.hash}/original.jpg`); // last: it marks the image complete
    for (const k of first.keys) expect(await store.has(k)).toBe(true);
    const webp = await store.get(`${image.hash}/800.webp`);
    expect(await readAll(webp!.stream)).toEqual(Buffer.from(image.variants.find((v) => v.width === 800 && v.format === "webp")!.bytes));

    const again = await storeMedia(writes, await processImage(Buffer.from(upload), LIMITS));
    expect(again).toEqual({ stored: false, keys: first.keys });
    expect(writes.puts).toHaveLength(7);
  });

  it(name === "s3Store" ? "gives readers the bucket's public address" : "has no public address: Quire serves the files", () => {
    expect(store.publicUrl?.(key("480.webp"))).toBe(name === "s3Store" ? `https://media.example.com/${key("480.webp")}` : undefined);
  });
});

describe("localStore on disk", () => {
  it("keeps one folder per image and leaves no temporary files behind", async () => {
    const dir = tempDir("quire-media-");
    const store = localStore(dir);
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.put(key("480.webp"), new Uint8Array(50_000).fill(i), "image/webp")));
    expect(readdirSync(dir)).toEqual([HASH]);
    expect(readdirSync(join(dir, HASH))).toEqual(["480.webp"]);
    const bytes = await readAll((await store.get(key("480.webp")))!.stream);
    // Whichever write came last, its bytes whole: never a mix.
    expect(new Set(bytes).size).toBe(1);
    await store.delete(key("480.webp"));
    expect(readdirSync(dir)).toEqual([]);
  });
});
