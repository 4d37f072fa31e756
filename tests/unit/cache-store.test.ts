import { describe, expect, it } from "vitest";
import { cacheKey, createStore, etagMatches, strongEtag, type NewEntry } from "../../src/cache/store.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

function page(body: string, tags: string[], extra: Partial<NewEntry> = {}): NewEntry {
  return {
    status: 200,
    body: bytes(body),
    headers: [
      ["Content-Type", "text/html"],
      ["Cache-Control", "public, max-age=0"],
    ],
    tags,
    maxAgeSeconds: 60,
    ...extra,
  };
}

describe("cache store", () => {
  it("answers a stored page until its max-age has passed, then forgets it", () => {
    const store = createStore();
    const t0 = 1_000_000;
    store.set("/posts/a", page("<p>a</p>", ["post:a"]), store.generation(), t0);
    const hit = store.get("/posts/a", t0 + 59_999);
    expect(new TextDecoder().decode(hit!.body)).toBe("<p>a</p>");
    expect(hit!.headers).toContainEqual(["content-type", "text/html"]);
    expect(store.get("/posts/a", t0 + 60_000)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("purging tags drops exactly the entries carrying one of them", () => {
    const store = createStore();
    const since = store.generation();
    store.set("/", page("home", ["list"]), since);
    store.set("/?after=x", page("home 2", ["list"]), since);
    store.set("/posts/a", page("a", ["post:a", "list", "author:1"]), since);
    store.set("/posts/b", page("b", ["post:b", "author:2"]), since);
    store.set("/posts/c", page("c", ["post:c", "author:1"]), since);

    expect(store.purgeTags(["list"])).toBe(3);
    expect(store.get("/")).toBeUndefined();
    expect(store.get("/?after=x")).toBeUndefined();
    expect(store.get("/posts/a")).toBeUndefined();
    expect(store.get("/posts/b")).toBeDefined();
    expect(store.get("/posts/c")).toBeDefined();

    expect(store.purgeTags(["author:1", "nothing"])).toBe(1);
    expect(store.get("/posts/c")).toBeUndefined();
    expect(store.get("/posts/b")).toBeDefined();
    expect(store.size).toBe(1);
  });

  it("does not store a page whose render overlapped a purge of one of its tags", () => {
    const store = createStore();
    const before = store.generation();
    store.purgeTags(["post:a"]);
    expect(store.set("/posts/a", page("old a", ["post:a", "list"]), before)).toBeUndefined();
    expect(store.get("/posts/a")).toBeUndefined();
    // A purge of unrelated tags does not hold other pages back.
    expect(store.set("/posts/b", page("b", ["post:b"]), before)).toBeDefined();
    // Rendered after the purge: stored.
    expect(store.set("/posts/a", page("new a", ["post:a"]), store.generation())).toBeDefined();
  });

  it("never stores Set-Cookie or the cache's own bookkeeping headers", () => {
    const store = createStore();
    const entry = store.set(
      "/",
      page("home", ["list"], {
        headers: [
          ["Content-Type", "text/html"],
          ["Set-Cookie", "session=abc"],
          ["CDN-Cache-Control", "max-age=60"],
          ["Cache-Tag", "list"],
          ["ETag", '"theirs"'],
        ],
      }),
      store.generation(),
    )!;
    const names = entry.headers.map(([name]) => name);
    expect(names).toEqual(["content-type"]);
    expect(entry.rawHeaders.map((h) => h.toLowerCase())).not.toContain("set-cookie");
    expect(entry.etag).toBe(strongEtag(bytes("home")));
  });

  it("gives the same strong ETag for the same bytes and a different one for different bytes", () => {
    const a = strongEtag(bytes("<h1>Hello</h1>"));
    expect(strongEtag(bytes("<h1>Hello</h1>"))).toBe(a);
    expect(strongEtag(bytes("<h1>Hello!</h1>"))).not.toBe(a);
    expect(a).toMatch(/^"[A-Za-z0-9+/=]+"$/);
    const store = createStore();
    const one = store.set("/one", page("same", []), store.generation())!;
    const two = store.set("/two", page("same", []), store.generation())!;
    expect(one.etag).toBe(two.etag);
  });

  it("matches If-None-Match lists, weak forms and *", () => {
    const tag = strongEtag(bytes("x"));
    expect(etagMatches(tag, tag)).toBe(true);
    expect(etagMatches(`"other", ${tag}`, tag)).toBe(true);
    expect(etagMatches(`W/${tag}`, tag)).toBe(true);
    expect(etagMatches("*", tag)).toBe(true);
    expect(etagMatches('"other"', tag)).toBe(false);
    expect(etagMatches(undefined, tag)).toBe(false);
  });

  it("keys pages by path and the parameters the page reads, sorted", () => {
    expect(cacheKey("/posts/a")).toBe("/posts/a");
    expect(cacheKey("/search?q=x&after=10")).toBe("/search?after=10&q=x");
    expect(cacheKey(new URL("http://x.test/search?q=x&after=10"))).toBe("/search?after=10&q=x");
    expect(cacheKey("/?")).toBe("/");
    // Parameters no page reads are one page, whatever they say.
    expect(cacheKey("/posts/a?utm_source=feed&ref=x")).toBe("/posts/a");
    expect(cacheKey("/posts/a?after=x")).toBe("/posts/a");
    expect(cacheKey("/?after=abc&fbclid=1&q=nope")).toBe("/?after=abc");
    expect(cacheKey("/tags/rust?after=abc&utm_medium=x")).toBe("/tags/rust?after=abc");
    expect(cacheKey("/search?q=x&q=y&junk=1")).toBe("/search?q=x");
    // A double slash is a path, as Astro's Node adapter reads it, not a host.
    expect(cacheKey("//evil.test/x")).toBe("//evil.test/x");
  });

  it("keeps a bounded number of copies of one path with different queries, and no other page pays", () => {
    const store = createStore({ maxQueryVariants: 3 });
    const since = store.generation();
    store.set("/posts/a", page("a", []), since);
    store.set("/", page("home", []), since);
    for (let i = 0; i < 50; i++) store.set(`/search?q=${i}`, page(`results ${i}`, []), since);
    expect(store.size).toBe(5);
    expect(store.get("/posts/a")).toBeDefined();
    expect(store.get("/")).toBeDefined();
    expect(store.get("/search?q=49")).toBeDefined();
    expect(store.get("/search?q=46")).toBeUndefined();
    // A purge keeps the count right: the next variants fill the room it made.
    store.purgeTags(["none"]);
    store.set("/search?q=x", page("x", ["t"]), store.generation());
    expect(store.get("/search?q=47")).toBeUndefined();
    expect(store.size).toBe(5);
  });

  it("evicts the least recently used page beyond its limits", () => {
    const store = createStore({ maxEntries: 2 });
    const since = store.generation();
    store.set("/a", page("a", []), since);
    store.set("/b", page("b", []), since);
    store.get("/a");
    store.set("/c", page("c", []), since);
    expect(store.get("/b")).toBeUndefined();
    expect(store.get("/a")).toBeDefined();
    expect(store.get("/c")).toBeDefined();

    const small = createStore({ maxBytes: 10 });
    small.set("/a", page("aaaaaa", []), small.generation());
    small.set("/b", page("bbbbbb", []), small.generation());
    expect(small.get("/a")).toBeUndefined();
    expect(small.bytes).toBe(6);
  });
});
