// The site's settings as every process reads them: stored values over the environment's
// defaults, kept in memory, and forgotten (with every cached page) when any process changes them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDb, migrateDb, type Db } from "../../db/client.ts";
import { Setting } from "../../db/schema.ts";
import { createStore } from "../../src/cache/store.ts";
import { cacheTags } from "../../src/lib/cache-tags.ts";
import { defaultSettings, mergeSettings } from "../../src/lib/settings.ts";
import { siteInvalidation } from "../../src/runtime.ts";
import { saveSettings } from "../../src/server/queries/settings.ts";
import { settingsChanged, siteSettings } from "../../src/server/settings.ts";
import { MIGRATIONS } from "./harness.ts";

const env = { siteTitle: "From the environment", siteDescription: "Env description.", feedContent: "excerpt" as const };

const open: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("settings over their defaults", () => {
  it("take the environment's title, description and feed content until an admin sets them", () => {
    const defaults = defaultSettings(env);
    expect(defaults).toMatchObject({
      title: "From the environment",
      description: "Env description.",
      feedContent: "excerpt",
      language: "en",
    });
    expect(mergeSettings(defaults, { title: "Chosen" }).title).toBe("Chosen");
  });

  it("keep the default for a stored value that is no longer valid, and ignore unknown keys", () => {
    const merged = mergeSettings(defaultSettings(env), { postsPerPage: 0, accent: "red", retired: true, language: "de" });
    expect(merged.postsPerPage).toBe(10);
    expect(merged.accent).toBe("#9a3412");
    expect(merged.language).toBe("de");
    expect(merged).not.toHaveProperty("retired");
  });
});

describe("settings in two processes on one database", () => {
  async function proc(file: string) {
    const db = await createDb({ url: `file:${file}`, localPath: file });
    open.push(db);
    const store = createStore();
    return { db, store, invalidation: siteInvalidation(db, store) };
  }

  it("a change in one is read by the other after its next poll, and every cached page there is dropped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quire-settings-"));
    dirs.push(dir);
    const file = join(dir, "site.db");
    const one = await proc(file);
    await migrateDb(one.db.db, MIGRATIONS);
    const two = await proc(file);
    await two.invalidation.poll();

    expect((await siteSettings(two.db.db)).title).toBe("Quire");
    const since = two.store.generation();
    two.store.set("/tags/x", { status: 200, body: new Uint8Array([1]), headers: [], tags: ["tag:x"], maxAgeSeconds: 60 }, since);
    expect(two.store.size).toBe(1);

    await saveSettings(one.db.write, { title: "Renamed" });
    settingsChanged(one.db.db);
    await one.invalidation.purge([cacheTags.site]);
    expect((await siteSettings(one.db.db)).title).toBe("Renamed");
    // Until the other process polls, it keeps what it read.
    expect((await siteSettings(two.db.db)).title).toBe("Quire");

    expect(await two.invalidation.poll()).toBe(1);
    expect(two.store.size).toBe(0);
    expect((await siteSettings(two.db.db)).title).toBe("Renamed");
  });

  it("a render that began before the change is not stored", async () => {
    const store = createStore();
    const since = store.generation();
    store.purgeTags([cacheTags.site]);
    const kept = store.set("/", { status: 200, body: new Uint8Array([1]), headers: [], tags: ["list"], maxAgeSeconds: 60 }, since);
    expect(kept).toBeUndefined();
  });

  it("writes several settings all together", async () => {
    const db = await createDb({ url: "file::memory:" });
    open.push(db);
    await migrateDb(db.db, MIGRATIONS);
    await saveSettings(db.write, { title: "T", postsPerPage: 5 });
    const rows = await db.db.select().from(Setting);
    expect(Object.fromEntries(rows.map((r) => [r.key, r.value]))).toEqual({ title: "T", postsPerPage: 5 });
  });
});
