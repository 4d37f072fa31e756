// The site's settings in SQL: every stored key, and a change to some of them in one batch.
import { sql } from "drizzle-orm";
import type { Database, Db } from "../../../db/client.ts";
import { Setting } from "../../../db/schema.ts";
import type { SiteSettings } from "../../lib/settings.ts";

/** Every stored setting, by key; keys never set are absent (their default applies). */
export async function storedSettings(db: Database): Promise<Record<string, unknown>> {
  const rows = await db.select({ key: Setting.key, value: Setting.value }).from(Setting);
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Writes the given settings, all or none. */
export async function saveSettings(write: Db["write"], changes: Partial<SiteSettings>): Promise<void> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  await write(async (db) => {
    const [first, ...rest] = entries.map(([key, given]) => {
      // JSON's null, not SQL's: a cleared image is a value too (and the column is NOT NULL).
      const value = given === null ? sql`'null'` : given;
      return db
        .insert(Setting)
        .values({ key, value })
        .onConflictDoUpdate({ target: Setting.key, set: { value, updatedAt: sql`excluded.updated_at` } });
    });
    if (first) await db.batch([first, ...rest]);
  });
}
