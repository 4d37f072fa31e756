// GET /api/export through the server's HTTP layer in this process: only admins, never cached,
// a file the browser saves, and an archive that holds the site.
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "../../../src/cache/store.ts";
import { createServer, type QuireServer } from "../../../src/http/server.ts";
import { getRuntime } from "../../../src/runtime.ts";
import { createBackend, type Backend } from "../harness.ts";
import { untar } from "./untar.ts";

let b: Backend;
let quire: QuireServer;
let base: string;
let admin: Awaited<ReturnType<Backend["signUp"]>>;
let author: Awaited<ReturnType<Backend["signUp"]>>;
const astro: RequestListener = (_req, res) => res.writeHead(200).end("page");

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  quire = createServer(await getRuntime(), astro, { store: createStore(), media: b.media });
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
  admin = await b.signUp("Ida Admin", "admin");
  author = await b.signUp("Art Author", "author");
  const post = await author.caller.post.create({ title: "Exported", body: "Take me along." });
  await author.caller.post.publish({ id: post.id });
});
afterAll(async () => {
  await quire.stop(1000);
  b.close();
});

const get = (headers: Record<string, string> = {}, method = "GET") => fetch(`${base}/api/export`, { method, headers });

describe("GET /api/export", () => {
  it("answers only admins, and only requests from the site's own pages", async () => {
    expect((await get()).status).toBe(401);
    const asAuthor = await get({ cookie: author.cookie });
    expect(asAuthor.status).toBe(403);
    expect(((await asAuthor.json()) as { error: { message: string } }).error.message).toBe("Only admins export the site.");
    expect((await get({ cookie: admin.cookie, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await get({ cookie: admin.cookie }, "POST")).status).toBe(405);
  });

  it("streams the archive as a download that is never cached", async () => {
    const answer = await get({ cookie: admin.cookie, "sec-fetch-site": "same-origin" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/gzip");
    expect(answer.headers.get("content-disposition")).toMatch(/^attachment; filename="quire-export-quire\.test-\d{4}-\d\d-\d\d\.tar\.gz"$/);
    expect(answer.headers.get("cache-control")).toContain("no-store");
    // Sent as it is made: no length known in advance.
    expect(answer.headers.get("content-length")).toBeNull();
    const files = await untar(Buffer.from(await answer.arrayBuffer()));
    expect(JSON.parse(files.get("manifest.json")!.toString())).toMatchObject({
      format: "quire-export",
      counts: { posts: 1, people: 2 },
    });
    expect(files.get("posts/exported.md")!.toString()).toContain("\nTake me along.\n");
  });
});
