// The site's settings as pages and procedures read them: stored values over the defaults,
// kept in memory per database until a purge of cacheTags.site says they changed (here, or
// in another process through the purge log), so a render costs no query for them.
import type { Database } from "../../db/client.ts";
import { getConfig } from "../config.ts";
import { defaultSettings, mergeSettings, type SiteSettings } from "../lib/settings.ts";
import { storedSettings } from "./queries/settings.ts";

interface Snapshot {
  value?: Promise<SiteSettings>;
}
const snapshots = new WeakMap<Database, Snapshot>();

function snapshotOf(db: Database): Snapshot {
  let s = snapshots.get(db);
  if (!s) snapshots.set(db, (s = {}));
  return s;
}

/** The defaults a site starts with: the environment's title, description and feed content. */
export function initialSettings(): SiteSettings {
  return defaultSettings(getConfig());
}

/** The site's settings now. */
export function siteSettings(db: Database): Promise<SiteSettings> {
  const snapshot = snapshotOf(db);
  if (snapshot.value) return snapshot.value;
  const value = storedSettings(db).then((stored) => mergeSettings(initialSettings(), stored));
  snapshot.value = value;
  // A failed read is not remembered. (A read a change overtakes is dropped by the change.)
  value.catch(() => {
    if (snapshot.value === value) snapshot.value = undefined;
  });
  return value;
}

/** Forgets what was read: the next read asks the database. */
export function settingsChanged(db: Database): void {
  snapshotOf(db).value = undefined;
}
