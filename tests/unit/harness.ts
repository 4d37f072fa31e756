// A real Quire backend for router tests: a libSQL database built by the real migrations,
// the real better-auth instance, and callers made with createCallerFactory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eq } from "drizzle-orm";
import { createDb, migrateDb, type Db } from "../../db/client.ts";
import { user } from "../../db/schema.ts";
import { initAuth, type Auth } from "../../src/auth.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import type { Role } from "../../src/lib/constants.ts";
import { createCaller } from "../../src/server/root.ts";
import { createTRPCContext } from "../../src/server/trpc.ts";
import { getStore } from "../../src/cache/store.ts";
import { siteInvalidation, useRuntime } from "../../src/runtime.ts";
import { localStore, type MediaStore } from "../../src/media/storage.ts";

export const MIGRATIONS = resolve(import.meta.dirname, "../../db/migrations");

export interface Backend {
  config: Config;
  db: Db;
  auth: Auth;
  /** Every purge call, in order. */
  purged: string[][];
  /** The folder store callers delete images from (a temporary folder). */
  media: MediaStore;
  mediaDir: string;
  /** SQL statements sent so far (reset it to count a stretch). */
  queries: string[];
  anonymous(): Promise<ReturnType<typeof createCaller>>;
  /** A caller for whoever that cookie belongs to now (sessions are looked up afresh). */
  callerWithCookie(cookie: string): Promise<ReturnType<typeof createCaller>>;
  /** A new account with `role` (author unless said); `null` keeps what sign-up gave. */
  signUp(name: string, role?: Role | null): Promise<{ caller: ReturnType<typeof createCaller>; userId: string; cookie: string }>;
  /**
   * Makes this backend the one the API routes (src/pages/api/**) use, so a test can send
   * them real Requests the way the server does. `other` swaps in another database (one
   * that is out of reach, say) under the same configuration.
   */
  mount(other?: Db): void;
  close(): void;
}

/**
 * `file` gives a temporary database file (for tests with parallel writers); default is in
 * memory. `env` adds to or overrides the test configuration.
 */
export async function createBackend(opts: { file?: boolean; env?: Record<string, string> } = {}): Promise<Backend> {
  const dir = opts.file ? mkdtempSync(join(tmpdir(), "quire-test-")) : undefined;
  // The configured store too (what the API routes use without a server around them).
  const mediaDir = mkdtempSync(join(tmpdir(), "quire-test-media-"));
  const config = loadConfig({
    MEDIA_DIR: mediaDir,
    NODE_ENV: "test",
    DATABASE_URL: dir ? `file:${join(dir, "test.db")}` : "file::memory:",
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
    SITE_URL: "http://quire.test",
    LOG_LEVEL: "error",
    ...opts.env,
  });
  const queries: string[] = [];
  const db = await createDb(config.database, { onQuery: (q) => queries.push(q) });
  await migrateDb(db.db, MIGRATIONS);
  const auth = initAuth(config, db.db);
  const purged: string[][] = [];
  const media = localStore(mediaDir);

  const callerFor = async (headers: Headers) =>
    createCaller(
      await createTRPCContext({
        headers,
        db,
        auth,
        purge: async (tags) => {
          purged.push(tags);
        },
        log: () => {},
        media,
      }),
    );

  let n = 0;
  return {
    config,
    db,
    auth,
    purged,
    media,
    mediaDir,
    queries,
    anonymous: () => callerFor(new Headers()),
    callerWithCookie: (cookie) => callerFor(new Headers({ cookie })),
    async signUp(name, role = "author") {
      const email = `${name.toLowerCase().replace(/\W+/g, "")}.${++n}@quire.test`;
      const response = await auth.api.signUpEmail({
        body: { name, email, password: "correct horse battery" },
        asResponse: true,
      });
      if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
      const { user: created } = (await response.json()) as { user: { id: string } };
      if (role !== null) await db.db.update(user).set({ role }).where(eq(user.id, created.id));
      // A sign-up signs nobody in (it answers alike for addresses that have an account).
      const signedIn = await auth.api.signInEmail({ body: { email, password: "correct horse battery" }, asResponse: true });
      if (!signedIn.ok) throw new Error(`sign-in after sign-up failed: ${signedIn.status} ${await signedIn.text()}`);
      const cookie = signedIn.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      return { caller: await callerFor(new Headers({ cookie })), userId: created.id, cookie };
    },
    mount(other) {
      const mounted = other ?? db;
      const invalidation = siteInvalidation(mounted, getStore());
      const mountedAuth = other ? initAuth(config, other.db) : auth;
      useRuntime({ config, db: mounted, auth: mountedAuth, invalidation });
    },
    close() {
      useRuntime(undefined);
      db.close();
      rmSync(mediaDir, { recursive: true, force: true });
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
