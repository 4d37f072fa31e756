// Requests per key per minute, counted in this process's memory: a fixed window, which is
// enough to keep one key from taking the whole server, and costs a map lookup.
export interface RateLimit {
  /** Seconds to wait when over the limit, or 0 to go on. */
  take(key: string, now?: number): number;
}

const WINDOW_MS = 60_000;

export function rateLimit(perMinute: number): RateLimit {
  const windows = new Map<string, { start: number; used: number }>();
  return {
    take(key, now = Date.now()) {
      let w = windows.get(key);
      if (!w || now - w.start >= WINDOW_MS) {
        // Old windows go with the next new one: the map holds the keys seen this minute.
        if (!w && windows.size > 10_000) for (const [k, old] of windows) if (now - old.start >= WINDOW_MS) windows.delete(k);
        windows.set(key, (w = { start: now, used: 0 }));
      }
      if (w.used >= perMinute) return Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
      w.used++;
      return 0;
    },
  };
}
