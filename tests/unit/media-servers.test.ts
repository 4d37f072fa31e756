// Several servers, one database file, one S3-protocol store (s3rver on loopback): an image
// uploaded through one server is served by the other, and a post saved there shows it. With
// MEDIA_PUBLIC_URL, /media/ sends readers to the bucket's public address instead.
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client.ts";
import { initAuth } from "../../src/auth.ts";
import { createStore } from "../../src/cache/store.ts";
import { createServer, type QuireServer } from "../../src/http/server.ts";
import type { UploadAnswer } from "../../src/http/upload.ts";
import { s3Store, type S3MediaStore } from "../../src/media/s3-store.ts";
import { getRuntime, siteInvalidation, type Runtime } from "../../src/runtime.ts";
import { createBackend, type Backend } from "./harness.ts";
import { photo } from "./media-fixtures.ts";

const SITE = "http://quire.test";
const BUCKET = "quire-media";
const astro: RequestListener = (_req, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<p>a page</p>");
};

let s3rver: S3rver;
let endpoint: string;
let b: Backend;
let second: Db;
const stores: S3MediaStore[] = [];
const servers: QuireServer[] = [];
const dirs: string[] = [];

function bucket(publicUrl?: string): S3MediaStore {
  const store = s3Store({
    endpoint,
    bucket: BUCKET,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    publicUrl,
  });
  stores.push(store);
  return store;
}

async function start(runtime: Runtime, media: S3MediaStore): Promise<string> {
  const quire = createServer(runtime, astro, { store: createStore(), media });
  servers.push(quire);
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  return `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "quire-s3rver-"));
  dirs.push(dir);
  s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir, resetOnClose: true });
  endpoint = `http://127.0.0.1:${(await s3rver.run()).port}`;
  const admin = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  admin.destroy();
  b = await createBackend({ file: true });
  b.mount();
  second = await createDb(b.config.database);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop(1000)));
  for (const store of stores) store.destroy();
  second?.close();
  b?.close();
  await s3rver?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("two servers on one database and one bucket", () => {
  it("serve an image uploaded through either, and render it in a post saved through the other", async () => {
    const one = await start(await getRuntime(), bucket());
    const otherRuntime: Runtime = {
      config: b.config,
      db: second,
      auth: initAuth(b.config, second.db),
      invalidation: siteInvalidation(second, createStore()),
    };
    const other = await start(otherRuntime, bucket());
    const { cookie, caller } = await b.signUp("Two Servers");

    const sent = await photo(1000, 750);
    const response = await fetch(`${one}/api/media?for=post`, {
      method: "POST",
      headers: { origin: SITE, cookie, "content-type": "application/octet-stream" },
      body: new Uint8Array(sent),
    });
    expect(response.status).toBe(201);
    const uploaded = (await response.json()) as UploadAnswer;

    const served = await fetch(`${other}${uploaded.src}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({ width: 1000, height: 750 });
    const webp = await fetch(`${other}/media/${uploaded.hash}/480.webp`);
    expect(webp.status).toBe(200);
    expect((await sharp(Buffer.from(await webp.arrayBuffer())).metadata()).format).toBe("webp");

    // The second server's own database connection knows the image: a post saved there shows it.
    const tRPC = await fetch(`${other}/api/trpc/post.create`, {
      method: "POST",
      headers: { origin: SITE, cookie, "content-type": "application/json" },
      body: JSON.stringify({ json: { title: "Shared", body: `![A shared photo](${uploaded.src})` } }),
    });
    expect(tRPC.status).toBe(200);
    const { result } = (await tRPC.json()) as { result: { data: { json: { id: string } } } };
    const saved = await caller.post.byId({ id: result.data.json.id });
    expect(saved.html).toContain(`<img src="${uploaded.src}"`);
    expect(saved.html).toContain('width="1000" height="750"');
  });
});

describe("MEDIA_PUBLIC_URL", () => {
  it("sends /media/ readers to the bucket's public address, for as long as the file lives", async () => {
    const publicUrl = `${endpoint}/${BUCKET}`;
    const site = await start(await getRuntime(), bucket(publicUrl));
    const plain = await start(await getRuntime(), bucket());
    const { cookie } = await b.signUp("Public Bucket");
    const response = await fetch(`${plain}/api/media?for=post`, {
      method: "POST",
      headers: { origin: SITE, cookie, "content-type": "application/octet-stream" },
      body: new Uint8Array(await photo(500, 400)),
    });
    const uploaded = (await response.json()) as UploadAnswer;

    const answer = await fetch(`${site}${uploaded.src}`, { redirect: "manual" });
    expect(answer.status).toBe(301);
    expect(answer.headers.get("location")).toBe(`${publicUrl}${uploaded.src.slice("/media".length)}`);
    expect(answer.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const followed = await fetch(`${site}${uploaded.src}`);
    expect(followed.status).toBe(200);
    expect((await sharp(Buffer.from(await followed.arrayBuffer())).metadata()).width).toBe(500);
    // An address that is no image is not sent anywhere.
    expect((await fetch(`${site}/media/${uploaded.hash}/480.svg`, { redirect: "manual" })).status).toBe(404);
  });
});
