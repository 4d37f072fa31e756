// Rendered reader pages kept in this process's memory, ready to be written as they are:
// the Astro cache provider fills it, the HTTP layer's fast path answers from it.
import { createHash } from "node:crypto";
import { canonicalTarget } from "../lib/page-query.ts";

export interface CacheEntry {
  key: string;
  status: number;
  body: Uint8Array;
  /** Response headers as stored: no Set-Cookie, no cache bookkeeping, no ETag. */
  headers: [string, string][];
  tags: string[];
  /** Strong validator of `body`. */
  etag: string;
  storedAt: number;
  expiresAt: number;
  /** Flat name/value list for `writeHead`: a hit costs no header building. */
  rawHeaders: string[];
  /** What a 304 repeats: the validators and caching rules, never the body's headers. */
  rawNotModifiedHeaders: string[];
}

export interface NewEntry {
  status: number;
  body: Uint8Array;
  headers: Iterable<[string, string]>;
  tags: string[];
  maxAgeSeconds: number;
}

export interface Store {
  get(key: string, now?: number): CacheEntry | undefined;
  /**
   * Stores a page rendered since `since` (a `generation()` value), unless a purge since
   * then named one of its tags: that render may have read what the purge replaced.
   */
  set(key: string, page: NewEntry, since: number, now?: number): CacheEntry | undefined;
  /** Current purge generation: take it before rendering, pass it to `set`. */
  generation(): number;
  purgeTags(tags: readonly string[]): number;
  purgePath(path: string): number;
  clear(): void;
  readonly size: number;
  readonly bytes: number;
}

export interface StoreOptions {
  maxEntries?: number;
  maxBytes?: number;
  maxQueryVariants?: number;
}

export const DEFAULT_MAX_ENTRIES = 5000;
/**
 * How many copies of one path with different queries are kept (search results, pages of
 * a list): a client that walks through endless `?q=` values evicts only the oldest of
 * those, never the site's other pages.
 */
export const MAX_QUERY_VARIANTS = 200;
export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;
/** How many recent purges a render in progress is checked against. */
const PURGE_LOG_SIZE = 512;

// Never stored: per-response state, or bookkeeping the cache itself adds.
const DROPPED_HEADERS = new Set([
  "set-cookie",
  "cdn-cache-control",
  "cache-tag",
  "x-astro-cache",
  "etag",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "date",
]);
const NOT_MODIFIED_HEADERS = new Set(["cache-control", "expires", "vary", "content-location"]);

/** `"` + base64 SHA-1 of the bytes + `"`: the same bytes always give the same tag. */
export function strongEtag(body: Uint8Array): string {
  return `"${createHash("sha1").update(body).digest("base64")}"`;
}

/**
 * True when an If-None-Match header names this entity tag. Comparison is weak, as the
 * RFC asks for If-None-Match, so a W/ prefix added by a proxy still matches.
 */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.startsWith("W/") ? etag.slice(2) : etag;
  for (const part of ifNoneMatch.split(",")) {
    const candidate = part.trim();
    if (candidate === "*") return true;
    if ((candidate.startsWith("W/") ? candidate.slice(2) : candidate) === bare) return true;
  }
  return false;
}

/**
 * The store key: the path, and the query parameters that page reads, sorted, so
 * `?utm_source=x&after=y` and `?after=y` are one page (src/lib/page-query.ts). Takes a URL
 * or a request target (`/posts/x?a=1`).
 */
export function cacheKey(target: URL | string): string {
  if (typeof target === "string") {
    // A target without a query and nothing URL parsing would rewrite is its own key.
    if (target.startsWith("/") && !/[?%\\.#]|\/\//.test(target)) return target;
    // Joined as Astro's Node adapter joins it, so "//x" stays a path, not a host.
    target = new URL(`http://quire.invalid${target.startsWith("/") ? "" : "/"}${target}`);
  }
  return canonicalTarget(target);
}

function pathOfKey(key: string): string {
  const q = key.indexOf("?");
  return q === -1 ? key : key.slice(0, q);
}

export function createStore(options: StoreOptions = {}): Store {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxVariants = options.maxQueryVariants ?? MAX_QUERY_VARIANTS;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently
  // used entry first, which is the one to evict.
  const entries = new Map<string, CacheEntry>();
  let bytes = 0;
  let generation = 0;
  // The stored keys with a query, by path, oldest first.
  const variants = new Map<string, Set<string>>();
  // Recent purges, oldest first: [generation, tags or null for everything].
  const purgeLog: [number, Set<string> | null][] = [];

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.body.byteLength;
    const path = pathOfKey(key);
    const same = path !== key ? variants.get(path) : undefined;
    if (same?.delete(key) && same.size === 0) variants.delete(path);
  }

  function recordPurge(tags: Set<string> | null): void {
    generation++;
    purgeLog.push([generation, tags]);
    if (purgeLog.length > PURGE_LOG_SIZE) purgeLog.shift();
  }

  function purgedSince(since: number, tags: readonly string[]): boolean {
    if (since === generation) return false;
    const oldest = purgeLog[0]?.[0] ?? generation + 1;
    // The log no longer reaches back to when this render began: assume the worst.
    if (since < oldest - 1) return true;
    for (const [gen, purged] of purgeLog) {
      if (gen <= since) continue;
      if (purged === null || tags.some((t) => purged.has(t))) return true;
    }
    return false;
  }

  return {
    get(key, now = Date.now()) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now) {
        remove(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry;
    },

    set(key, page, since, now = Date.now()) {
      if (page.maxAgeSeconds <= 0 || page.body.byteLength > maxBytes) return undefined;
      if (purgedSince(since, page.tags)) return undefined;
      const headers: [string, string][] = [];
      for (const [name, value] of page.headers) {
        if (!DROPPED_HEADERS.has(name.toLowerCase())) headers.push([name.toLowerCase(), value]);
      }
      const etag = strongEtag(page.body);
      const rawHeaders: string[] = [];
      const rawNotModifiedHeaders: string[] = [];
      for (const [name, value] of headers) {
        rawHeaders.push(name, value);
        if (NOT_MODIFIED_HEADERS.has(name)) rawNotModifiedHeaders.push(name, value);
      }
      rawHeaders.push("etag", etag, "content-length", String(page.body.byteLength), "x-astro-cache", "HIT");
      rawNotModifiedHeaders.push("etag", etag, "x-astro-cache", "HIT");
      const entry: CacheEntry = {
        key,
        status: page.status,
        // A Buffer view of the same bytes: node:http takes its fastest write path for one.
        body: Buffer.from(page.body.buffer, page.body.byteOffset, page.body.byteLength),
        headers,
        tags: [...new Set(page.tags)],
        etag,
        storedAt: now,
        expiresAt: now + page.maxAgeSeconds * 1000,
        rawHeaders,
        rawNotModifiedHeaders,
      };
      remove(key);
      entries.set(key, entry);
      bytes += entry.body.byteLength;
      const path = pathOfKey(key);
      if (path !== key) {
        const same = variants.get(path) ?? variants.set(path, new Set()).get(path)!;
        same.add(key);
        for (const oldest of same) {
          if (same.size <= maxVariants) break;
          remove(oldest);
        }
      }
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        remove(oldest);
      }
      return entry;
    },

    generation: () => generation,

    purgeTags(tags) {
      if (tags.length === 0) return 0;
      const purged = new Set(tags);
      recordPurge(purged);
      let dropped = 0;
      for (const [key, entry] of entries) {
        if (entry.tags.some((t) => purged.has(t))) {
          remove(key);
          dropped++;
        }
      }
      return dropped;
    },

    purgePath(path) {
      // Tags are unknown here, so a render in progress for any page is not stored.
      recordPurge(null);
      let dropped = 0;
      for (const key of [...entries.keys()]) {
        if (pathOfKey(key) === path) {
          remove(key);
          dropped++;
        }
      }
      return dropped;
    },

    clear() {
      recordPurge(null);
      entries.clear();
      variants.clear();
      bytes = 0;
    },

    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}

let processStore: Store | undefined;

/** This process's store, made on first use. */
export function getStore(): Store {
  return (processStore ??= createStore());
}
