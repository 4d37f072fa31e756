import { brotliDecompressSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import quireCache from "../../src/cache/provider.ts";
import { getStore, strongEtag } from "../../src/cache/store.ts";

const provider = quireCache(undefined);
const logger = { info() {}, warn() {}, error() {} };

function call(path: string, next: () => Promise<Response>, headers: Record<string, string> = {}, method = "GET") {
  const request = new Request(`http://quire.test${path}`, { method, headers });
  return provider.onRequest!({ request, url: new URL(request.url), logger }, next);
}

/** What Astro hands the provider for a page that called Astro.cache.set. */
function cachedPage(body: string, tags = "list", extra: Record<string, string> = {}) {
  let renders = 0;
  const next = async () => {
    renders++;
    return new Response(body, {
      headers: {
        "content-type": "text/html",
        "cache-control": "public, max-age=0, must-revalidate",
        "cdn-cache-control": "max-age=3600",
        "cache-tag": tags,
        ...extra,
      },
    });
  };
  return { next, renders: () => renders };
}

beforeEach(() => getStore().clear());

describe("quire cache provider", () => {
  it("sends even the first reader of a page its Brotli copy, made as the page is stored", async () => {
    const html = `<main>${"<p>A paragraph of a long post.</p>".repeat(100)}</main>`;
    const page = cachedPage(html);
    const miss = await call("/long", page.next, { "accept-encoding": "gzip, br" });
    expect(miss.headers.get("x-astro-cache")).toBe("MISS");
    expect(miss.headers.get("content-encoding")).toBe("br");
    expect(miss.headers.get("vary")).toBe("accept-encoding");
    const bytes = Buffer.from(await miss.arrayBuffer());
    expect(Number(miss.headers.get("content-length"))).toBe(bytes.byteLength);
    expect(brotliDecompressSync(bytes).toString()).toBe(html);
    const plain = await call("/long", page.next);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(html);
    expect(page.renders()).toBe(1);
  });

  it("stores a page that asked to be cached and answers the next request from memory", async () => {
    const page = cachedPage("<p>home</p>");
    const miss = await call("/", page.next);
    expect(miss.headers.get("x-astro-cache")).toBe("MISS");
    expect(miss.headers.get("etag")).toBe(strongEtag(new TextEncoder().encode("<p>home</p>")));
    expect(await miss.text()).toBe("<p>home</p>");

    const hit = await call("/", page.next);
    expect(hit.headers.get("x-astro-cache")).toBe("HIT");
    expect(hit.headers.get("etag")).toBe(miss.headers.get("etag"));
    expect(hit.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    expect(await hit.text()).toBe("<p>home</p>");
    expect(page.renders()).toBe(1);
  });

  it("answers 304 to a matching If-None-Match, on the miss that stores the page too", async () => {
    const page = cachedPage("<p>same bytes</p>");
    const etag = strongEtag(new TextEncoder().encode("<p>same bytes</p>"));
    const miss = await call("/posts/a", page.next, { "if-none-match": etag });
    expect(miss.status).toBe(304);
    expect(await miss.text()).toBe("");
    const hit = await call("/posts/a", page.next, { "if-none-match": etag });
    expect(hit.status).toBe(304);
    expect(hit.headers.get("etag")).toBe(etag);
    const other = await call("/posts/a", page.next, { "if-none-match": '"not-it"' });
    expect(other.status).toBe(200);
    expect(other.headers.get("etag")).toBe(etag);
    expect(page.renders()).toBe(1);
  });

  it("never stores a response that sets a cookie", async () => {
    const page = cachedPage("<p>hi</p>", "list", { "set-cookie": "session=abc; HttpOnly" });
    const first = await call("/", page.next);
    expect(first.headers.get("set-cookie")).toBe("session=abc; HttpOnly");
    expect(first.headers.get("x-astro-cache")).toBeNull();
    await call("/", page.next);
    expect(page.renders()).toBe(2);
    expect(getStore().size).toBe(0);
  });

  it("never stores a page that did not call Astro.cache.set", async () => {
    let renders = 0;
    const next = async () => {
      renders++;
      return new Response("<p>dashboard</p>", { headers: { "cache-control": "private, no-store" } });
    };
    await call("/dashboard", next);
    const second = await call("/dashboard", next);
    expect(second.headers.get("etag")).toBeNull();
    expect(renders).toBe(2);
    expect(getStore().size).toBe(0);
  });

  it("keys by sorted query and leaves other methods alone", async () => {
    const page = cachedPage("<p>page 2</p>");
    await call("/?after=x&b=1", page.next);
    expect((await call("/?b=1&after=x", page.next)).headers.get("x-astro-cache")).toBe("HIT");
    await call("/?b=1&after=x", page.next, {}, "POST");
    expect(page.renders()).toBe(2);
  });

  it("invalidate drops the tagged pages only", async () => {
    await call("/", cachedPage("home", "list").next);
    await call("/posts/b", cachedPage("b", "post:b, author:2").next);
    await provider.invalidate({ tags: ["list"] });
    expect(getStore().get("/")).toBeUndefined();
    expect(getStore().get("/posts/b")).toBeDefined();
  });
});
