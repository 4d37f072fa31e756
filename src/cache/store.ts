// Rendered reader pages kept in this process's memory, ready to be written as they are:
// the Astro cache provider fills it, the HTTP layer's fast path answers from it.
import { createHash } from "node:crypto";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import type { Encoding } from "../lib/accept-encoding.ts";
import { cacheTags } from "../lib/cache-tags.ts";
import { canonicalTarget } from "../lib/page-query.ts";

/** One encoding of a stored page, ready to be written as it is. */
export interface Representation {
  body: Uint8Array;
  /** Strong validator of `body`: each encoding has its own. */
  etag: string;
  /** Flat name/value list for `writeHead`: a hit costs no header building. */
  rawHeaders: string[];
  /** What a 304 repeats: the validators and caching rules, never the body's headers. */
  rawNotModifiedHeaders: string[];
}

/** A stored page: its bytes as rendered (the identity representation) and compressed copies. */
export interface CacheEntry extends Representation {
  key: string;
  status: number;
  /** Response headers as stored: no Set-Cookie, no cache bookkeeping, no ETag. */
  headers: [string, string][];
  tags: string[];
  storedAt: number;
  expiresAt: number;
  /** Brotli and gzip copies, once made: just after the page is stored. */
  encoded: Partial<Record<Exclude<Encoding, "identity">, Representation>>;
  /** Settles once the compressed copies are made, or are known not to be worth making. */
  compressed: Promise<void>;
}

/** The representation of `entry` to send for `encoding`: the compressed copy if there is one yet. */
export function representation(entry: CacheEntry, encoding: Encoding): Representation {
  return encoding === "identity" ? entry : (entry.encoded[encoding] ?? entry);
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

/** Text worth compressing: pages, feeds, the sitemap, JSON. */
const COMPRESSIBLE = /^(text\/|application\/([\w.+-]*\+)?(xml|json)\b|image\/svg\+xml)/i;
/** Below this, a compressed copy saves less than its own headers cost. */
const MIN_COMPRESS_BYTES = 512;
/**
 * Brotli quality 6: a post page of 11 KB becomes 3.8 KB in 0.5 ms; quality 11 makes it
 * 3.4 KB but takes 17 ms, which a site being crawled cold would pay on every page. A 256 KB
 * window (LGWIN 18) is more than any page needs and keeps the encoder's memory small.
 */
const BROTLI_PARAMS = { [zlib.BROTLI_PARAM_QUALITY]: 6, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_LGWIN]: 18 };

function rawHeadersOf(headers: [string, string][], etag: string, length: number) {
  const rawHeaders: string[] = [];
  const rawNotModifiedHeaders: string[] = [];
  for (const [name, value] of headers) {
    rawHeaders.push(name, value);
    if (NOT_MODIFIED_HEADERS.has(name)) rawNotModifiedHeaders.push(name, value);
  }
  rawHeaders.push("etag", etag, "content-length", String(length), "x-astro-cache", "HIT");
  rawNotModifiedHeaders.push("etag", etag, "x-astro-cache", "HIT");
  return { rawHeaders, rawNotModifiedHeaders };
}

/**
 * `bytes` as a Buffer that holds nothing else. zlib's synchronous calls answer a view on a
 * 64 KiB output chunk, and a view keeps its whole chunk alive: a 1 KiB compressed page kept
 * as such a view would hold 64 KiB, and the store's byte count would miss the other 63.
 */
export function ownBytes(bytes: Uint8Array): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength) return Buffer.from(bytes.buffer, 0, bytes.byteLength);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return Buffer.from(copy.buffer);
}

/** `"abc"` → `"abc-br"`: a validator for the same page in another encoding. */
function encodedEtag(etag: string, encoding: string): string {
  return `${etag.slice(0, -1)}-${encoding}"`;
}

function sizeOf(entry: CacheEntry): number {
  return entry.body.byteLength + (entry.encoded.br?.body.byteLength ?? 0) + (entry.encoded.gzip?.body.byteLength ?? 0);
}

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
    bytes -= sizeOf(entry);
    const path = pathOfKey(key);
    const same = path !== key ? variants.get(path) : undefined;
    if (same?.delete(key) && same.size === 0) variants.delete(path);
  }

  function evict(): void {
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      remove(oldest);
    }
  }

  /**
   * Makes the Brotli and gzip copies and adds them to the entry, unless it has been replaced,
   * purged or evicted meanwhile. A failure leaves the page uncompressed. On this thread, not
   * libuv's: each pool thread that compresses keeps a malloc arena of its own, which cost the
   * server 14 MiB after a burst of page views, for half a millisecond a page saved.
   */
  async function compress(entry: CacheEntry): Promise<void> {
    try {
      // Once set() has returned; not at all if the page is gone by then.
      await Promise.resolve();
      if (entries.get(entry.key) !== entry) return;
      const br = ownBytes(
        brotliCompressSync(entry.body, { params: { ...BROTLI_PARAMS, [zlib.BROTLI_PARAM_SIZE_HINT]: entry.body.byteLength } }),
      );
      const gz = ownBytes(gzipSync(entry.body, { level: 9 }));
      for (const [encoding, body] of [
        ["br", br],
        ["gzip", gz],
      ] as const) {
        if (body.byteLength >= entry.body.byteLength) continue;
        const etag = encodedEtag(entry.etag, encoding);
        entry.encoded[encoding] = {
          body,
          etag,
          ...rawHeadersOf([...entry.headers, ["content-encoding", encoding]], etag, body.byteLength),
        };
        bytes += body.byteLength;
      }
      evict();
    } catch {
      // Served as rendered.
    }
  }

  function clear(): void {
    recordPurge(null);
    entries.clear();
    variants.clear();
    bytes = 0;
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
      const type = headers.find(([name]) => name === "content-type")?.[1] ?? "";
      const compressible =
        page.body.byteLength >= MIN_COMPRESS_BYTES && COMPRESSIBLE.test(type) && !headers.some(([name]) => name === "content-encoding");
      // Caches between here and the reader must keep the encodings apart.
      if (compressible) headers.push(["vary", "accept-encoding"]);
      const etag = strongEtag(page.body);
      const entry: CacheEntry = {
        key,
        status: page.status,
        // A Buffer (node:http takes its fastest write path for one) of exactly these bytes.
        body: ownBytes(page.body),
        headers,
        tags: [...new Set(page.tags)],
        etag,
        storedAt: now,
        expiresAt: now + page.maxAgeSeconds * 1000,
        ...rawHeadersOf(headers, etag, page.body.byteLength),
        encoded: {},
        compressed: Promise.resolve(),
      };
      if (compressible) entry.compressed = compress(entry);
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
      evict();
      return entry;
    },

    generation: () => generation,

    purgeTags(tags) {
      if (tags.length === 0) return 0;
      // The site's settings show on every page.
      if (tags.includes(cacheTags.site)) {
        const dropped = entries.size;
        clear();
        return dropped;
      }
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

    clear,

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
