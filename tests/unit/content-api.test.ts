// The Content API through the HTTP layer, on a real database: what it shows (public
// content only), its parameters and their refusals, and its cache (purged with pages,
// ETag/304), CORS, keys and rate limit. The Ghost client itself runs against the built
// server in tests/e2e/content-api.spec.ts.
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStore } from "../../src/cache/store.ts";
import { createServer, type QuireServer } from "../../src/http/server.ts";
import { parseNql } from "../../src/lib/nql.ts";
import { getRuntime } from "../../src/runtime.ts";
import { createApiKey } from "../../src/server/api/keys.ts";
import { createBackend, type Backend } from "./harness.ts";

let b: Backend;
let quire: QuireServer;
let base: string;
let key = "";
let adminKey = "";
let author: Awaited<ReturnType<Backend["signUp"]>>;
const astro: RequestListener = (_req, res) => {
  res.writeHead(404);
  res.end();
};

beforeAll(async () => {
  b = await createBackend({ env: { CONTENT_API_RATE_LIMIT: "40" } });
  b.mount();
  const admin = await b.signUp("Ada Admin", null);
  author = await b.signUp("Olive Owner", "author");
  key = (await createApiKey(b.db.write, { type: "content", name: "Site", userId: admin.userId })).secret;
  for (const [title, tags] of [
    ["First light", ["Astronomy"]],
    ["Second sight", ["Astronomy", "Optics"]],
    ["Third time", ["Optics"]],
  ] as const) {
    const post = await author.caller.post.create({ title, body: `About *${title}* & more.`, tags: [...tags] });
    await author.caller.post.publish({ id: post.id });
  }
  await author.caller.post.create({ title: "Secret draft", tags: ["Astronomy"] });
  adminKey = (await createApiKey(b.db.write, { type: "admin", name: "Script", userId: author.userId })).secret;
  // The store the runtime purges, as the server's is.
  const runtime = await getRuntime();
  getStore().clear();
  quire = createServer(runtime, astro, { store: getStore() });
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await quire.stop(1000);
  b.close();
});

const get = (path: string, query = "", headers: Record<string, string> = {}) =>
  fetch(`${base}/ghost/api/content/${path}?key=${key}${query ? `&${query}` : ""}`, { headers });
const json = async (path: string, query = "") =>
  (await (await get(path, query)).json()) as Record<string, unknown> & { posts: { title: string }[] };

describe("the Content API", () => {
  it("lists public posts newest first with Ghost's pagination, never a draft", async () => {
    const body = await json("posts/", "limit=2");
    expect(body.posts.map((p) => p.title)).toEqual(["Third time", "Second sight"]);
    expect(body.meta).toEqual({ pagination: { page: 1, limit: 2, pages: 2, total: 3, next: 2, prev: null } });
    const all = await json("posts/", "limit=all&filter=tag:astronomy");
    expect(all.posts.map((p) => p.title)).toEqual(["Second sight", "First light"]);
  });

  it("filters with the supported NQL and refuses the rest by name", async () => {
    expect((await json("posts/", "filter=" + encodeURIComponent("tags:[optics]+tag:-astronomy"))).posts.map((p) => p.title)).toEqual([
      "Third time",
    ]);
    expect((await json("posts/", "filter=" + encodeURIComponent("slug:first-light,slug:third-time"))).posts).toHaveLength(2);
    expect((await json("posts/", "filter=" + encodeURIComponent("published_at:>'2000-01-01 00:00:00'"))).posts).toHaveLength(3);
    const refused = await get("posts/", "filter=title:~light");
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ errors: [{ type: "BadRequestError", message: expect.stringMatching(/^filter: ~/) }] });
    const unknown = await (await get("posts/", "filter=email:x")).json();
    expect(JSON.stringify(unknown)).toMatch(/cannot be filtered by \\"email\\"/);
  });

  it("explains a bad limit, page, order or format", async () => {
    for (const query of ["limit=0", "page=x", "order=secret%20desc", "formats=mobiledoc", "include=members"]) {
      const response = await get("posts/", query);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(
        /^(limit|page|order|formats|include):/,
      );
    }
  });

  it("gives plaintext when asked and never an email address", async () => {
    const body = (await (await get("posts/slug/first-light/", "formats=html,plaintext&include=authors")).json()) as {
      posts: { plaintext: string; html: string; authors: object[] }[];
    };
    expect(body.posts[0]!.plaintext).toBe("About First light & more.");
    expect(body.posts[0]!.html).toContain("<em>First light</em>");
    expect(JSON.stringify(body)).not.toContain("@quire.test");
    expect(body.posts[0]!.authors).toEqual([expect.objectContaining({ name: "Olive Owner" })]);
  });

  it("answers a draft's slug as not found", async () => {
    const response = await get("posts/slug/secret-draft/");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ type: "NotFoundError", message: "Post not found." }] });
  });

  it("serves a cached answer with an ETag, 304s it, and purges it when a post is published", async () => {
    await get("posts/", "filter=tag:optics");
    // Compressed copies are made just after the first answer, each with its own ETag.
    const cached = await get("posts/", "filter=tag:optics");
    expect(cached.headers.get("x-astro-cache")).toBe("HIT");
    const etag = cached.headers.get("etag")!;
    expect((await get("posts/", "filter=tag:optics", { "if-none-match": etag })).status).toBe(304);
    // Published the way a script would, so the purge is the server's own.
    const rest = (path: string, body: object) =>
      fetch(`${base}/api/v1${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ id: string }>);
    const post = await rest("/posts", { title: "Fourth wall", tags: ["Optics"] });
    await rest(`/posts/${post.id}/publish`, { id: post.id });
    const after = await get("posts/", "filter=tag:optics", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { posts: { title: string }[] }).posts[0]!.title).toBe("Fourth wall");
  });

  it("answers any origin, and a preflight", async () => {
    const response = await get("tags/", "", { origin: "https://elsewhere.example" });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const preflight = await fetch(`${base}/ghost/api/content/posts/`, {
      method: "OPTIONS",
      headers: { origin: "https://elsewhere.example", "access-control-request-headers": "accept-version" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Accept-Version/);
    expect((await fetch(`${base}/ghost/api/content/posts/?key=${key}`, { method: "POST" })).status).toBe(405);
  });

  it("refuses a missing, unknown or revoked key even for a cached answer", async () => {
    expect((await fetch(`${base}/ghost/api/content/posts/`)).status).toBe(401);
    expect((await fetch(`${base}/ghost/api/content/posts/?key=0123456789abcdef0123456789abcdef`)).status).toBe(401);
    const admin = (await b.signUp("Second Admin", "admin")).caller;
    const made = await admin.apiKey.create({ type: "content", name: "Short-lived" });
    const url = `${base}/ghost/api/content/tags/?key=${made.secret}`;
    expect((await fetch(url)).status).toBe(200);
    await admin.apiKey.revoke({ id: made.id });
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ errors: [{ type: "UnauthorizedError", message: "Unknown Content API Key" }] });
  });

  it("limits requests per key", async () => {
    const admin = (await b.signUp("Third Admin", "admin")).caller;
    const made = await admin.apiKey.create({ type: "content", name: "Busy" });
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await fetch(`${base}/ghost/api/content/settings/?key=${made.secret}`)).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses[40]).toBe(429);
  });
});

describe("the filter language", () => {
  it("binds + tighter than , and reads lists, negations, comparisons and quotes", () => {
    expect(parseNql("tag:a+featured:true,slug:'it''s'".replace("''", "\\'"))).toEqual({
      kind: "or",
      items: [
        {
          kind: "and",
          items: [
            { kind: "term", field: "tag", cmp: "eq", values: ["a"] },
            { kind: "term", field: "featured", cmp: "eq", values: [true] },
          ],
        },
        { kind: "term", field: "slug", cmp: "eq", values: ["it's"] },
      ],
    });
    expect(parseNql("tags:-[a, b]")).toEqual({ kind: "term", field: "tags", cmp: "nin", values: ["a", "b"] });
    expect(parseNql("published_at:>='2024-01-01'")).toMatchObject({ cmp: "gte", values: ["2024-01-01"] });
    expect(() => parseNql("tag:(a")).toThrow(/filter:/);
    expect(() => parseNql("tag:'open")).toThrow(/quote is not closed/);
  });
});
