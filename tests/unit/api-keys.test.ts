// API keys: made in the dashboard's procedures or on the shell, listed without their
// secrets, their last use recorded cheaply.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKey, user } from "../../db/schema.ts";
import { createDb, migrateDb } from "../../db/client.ts";
import { loadConfig } from "../../src/config.ts";
import { checkAdminKey, checkContentKey, hashSecret } from "../../src/server/api/keys.ts";
import { createBackend, MIGRATIONS, type Backend } from "./harness.ts";

let b: Backend;
beforeAll(async () => {
  b = await createBackend();
});
afterAll(() => b.close());

describe("API keys", () => {
  it("shows a secret once, keeps only its hash, and lists keys with their person and last use", async () => {
    const admin = await b.signUp("Ada Admin", "admin");
    const made = await admin.caller.apiKey.create({ type: "admin", name: "Deploy bot", draftsOnly: true });
    expect(made.secret).toMatch(/^quire_admin_[0-9a-f]{48}$/);
    const content = await admin.caller.apiKey.create({ type: "content", name: "Front end" });
    expect(content.secret).toMatch(/^[0-9a-f]{32}$/);
    const rows = await b.db.db.select().from(ApiKey);
    expect(rows.map((r) => r.secretHash).sort()).toEqual([hashSecret(made.secret), hashSecret(content.secret)].sort());
    expect(JSON.stringify(rows)).not.toContain(made.secret);

    const listed = await admin.caller.apiKey.list();
    expect(JSON.stringify(listed)).not.toMatch(/secret|[0-9a-f]{32}/i);
    expect(listed.find((k) => k.id === made.id)).toMatchObject({
      name: "Deploy bot",
      draftsOnly: true,
      lastUsedAt: null,
      person: { name: "Ada Admin" },
    });

    expect((await checkAdminKey(b.db, made.secret)).ok).toBe(true);
    expect(await checkContentKey(b.db, content.secret)).toBe(content.id);
    // The write is not awaited by the request: give it its turn.
    await b.db.write(async () => {});
    const used = (await admin.caller.apiKey.list()).find((k) => k.id === made.id)!;
    expect(used.lastUsedAt).toBeInstanceOf(Date);
    // Used again at once: the time is not written again within the minute.
    b.queries.length = 0;
    await checkAdminKey(b.db, made.secret);
    await b.db.write(async () => {});
    expect(b.queries.filter((q) => q.startsWith("update"))).toEqual([]);
  });

  it("refuses a bad name, and a content key is never an admin key", async () => {
    const admin = await b.signUp("Second Admin", "admin");
    await expect(admin.caller.apiKey.create({ type: "admin", name: " " })).rejects.toThrow(/Name the key after what will use it/);
    const content = await admin.caller.apiKey.create({ type: "content", name: "Site" });
    expect(await checkAdminKey(b.db, content.secret)).toEqual({ ok: false, reason: "wrong-type" });
  });
});

describe("npm run key:create", () => {
  it("prints only the new key, which works, and explains bad arguments", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quire-keys-"));
    const env = { ...process.env, NODE_ENV: "test", DATABASE_URL: `file:${join(dir, "cli.db")}`, BETTER_AUTH_SECRET: "x".repeat(40) };
    const run = (script: string, ...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env });
    try {
      const db = await createDb(
        loadConfig({ NODE_ENV: "test", DATABASE_URL: env.DATABASE_URL, BETTER_AUTH_SECRET: env.BETTER_AUTH_SECRET }).database,
      );
      await migrateDb(db.db, MIGRATIONS);
      const noAdmin = run("scripts/key-create.ts", "--type", "content");
      expect(noAdmin.status).toBe(2);
      expect(noAdmin.stderr).toContain("No admin yet");
      await db.db.insert(user).values([
        { id: "boss", name: "Boss", email: "boss@example.com", role: "admin" },
        { id: "writer", name: "Writer", email: "writer@example.com", role: "author" },
      ]);

      const content = run("scripts/key-create.ts", "--type", "content", "--name", "Front end");
      expect(content.stdout).toMatch(/^[0-9a-f]{32}\n$/);
      const admin = run("scripts/key-create.ts", "--type", "admin", "--email", "Writer@Example.com");
      expect(admin.stdout).toMatch(/^quire_admin_[0-9a-f]{48}\n$/);

      const bad = run("scripts/key-create.ts", "--type", "admin");
      expect(bad.status).toBe(2);
      expect(bad.stdout).toBe("");
      expect(bad.stderr).toContain("--email: an admin key acts as someone");
      expect(run("scripts/key-create.ts", "--type", "root").stderr).toContain("--type: content or admin");
      expect(run("scripts/key-create.ts", "--type", "admin", "--email", "nobody@example.com").stderr).toContain("nobody has the address");

      const check = await checkAdminKey(db, admin.stdout.trim());
      expect(check.ok && check.holder.user.email).toBe("writer@example.com");
      expect(await checkContentKey(db, content.stdout.trim())).toEqual(expect.any(String));
      expect(await checkContentKey(db, "0".repeat(content.stdout.trim().length))).toBeNull();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
