// The Content API's part of bench:read: a Quire on the scale seed (10,000 posts) with a
// content key, the browse a headless home page makes (15 posts with their tags and
// authors), and its cold latency: each request a cache miss, one at a time.
import { request as httpRequest, Agent } from "node:http";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import { createDb } from "../../db/client.ts";
import { user } from "../../db/schema.ts";
import { createApiKey } from "../../src/server/api/keys.ts";
import { startQuire, type Quire } from "./proc.ts";
import { FULL, seedScale } from "./scale-seed.ts";

export const BROWSE = "/ghost/api/content/posts/?limit=15&include=tags,authors";
export const COLD_P50_GOAL_MS = 10;

export interface ContentApiServer extends Quire {
  /** The browse with this server's key. */
  path: string;
}

/** Seeds the scale database in `dir`, makes a content key in it, and starts Quire on it. */
export async function startScaleQuire(dir: string): Promise<ContentApiServer> {
  const url = `file:${join(dir, "scale.db")}`;
  const { seconds } = await seedScale(url);
  console.log(`Seeded ${FULL.posts} posts for the Content API in ${seconds.toFixed(1)} s.`);
  const db = await createDb({ url, localPath: url.slice("file:".length) });
  const [someone] = await db.db.select({ id: user.id }).from(user).orderBy(asc(user.id)).limit(1);
  const { secret } = await createApiKey(db.write, { type: "content", name: "Bench", userId: someone!.id });
  db.close();
  // The bench is one client sending everything with one key.
  const quire = await startQuire(url, { CONTENT_API_RATE_LIMIT: "10000000" });
  return { ...quire, path: `${BROWSE}&key=${secret}` };
}

/** One GET on a kept-alive connection; resolves with the milliseconds it took and its status. */
function timed(agent: Agent, url: string): Promise<{ ms: number; status: number; cache: string }> {
  const started = performance.now();
  return new Promise((ok, fail) => {
    httpRequest(url, { agent }, (res) => {
      res.resume();
      res.on("end", () =>
        ok({ ms: performance.now() - started, status: res.statusCode!, cache: String(res.headers["x-astro-cache"] ?? "MISS") }),
      );
    })
      .on("error", fail)
      .end();
  });
}

/**
 * p50 and p99 of `count` cold browses, one after another: a parameter the answer ignores but
 * the store key keeps makes each one a miss, so each reads and shapes its 15 posts afresh.
 */
export async function coldLatency(base: string, path: string, count = 300) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < count + 20; i++) {
    const { ms, status, cache } = await timed(agent, `${base}${path}&cold=${i}`);
    if (status !== 200) throw new Error(`cold browse ${i} answered ${status}`);
    if (cache === "HIT") hits++;
    // The first few warm the process (JIT, prepared statements): not what a reader waits for.
    if (i >= 20) times.push(ms);
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p99: at(0.99), hits };
}
