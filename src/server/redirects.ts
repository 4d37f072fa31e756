// The old addresses an import left (and admins edit), kept in memory per database so the HTTP
// layer answers them without a query, and read again when a purge says they changed.
import type { Database } from "../../db/client.ts";
import { allRedirects } from "./queries/imports.ts";

export interface RedirectTable {
  /** Where an old address (path and query) now lives, if it is one. */
  target(url: string): string | undefined;
  /** Resolves once the table has been read at least once. */
  ready: Promise<void>;
}

interface State {
  table: Map<string, string>;
  ready: Promise<void>;
  reload(): void;
}
const states = new WeakMap<Database, State>();

function stateOf(db: Database): State {
  const known = states.get(db);
  if (known) return known;
  let reading: Promise<void> | undefined;
  let again = false;
  const s: State = {
    table: new Map(),
    ready: Promise.resolve(),
    reload() {
      // A change while a read is under way reads once more after it.
      if (reading) {
        again = true;
        return;
      }
      reading = allRedirects(db)
        .then((t) => void (s.table = t))
        .catch((e: unknown) => console.error("[redirects] could not read the redirect table:", (e as Error).message))
        .finally(() => {
          reading = undefined;
          if (again) {
            again = false;
            s.reload();
          }
        });
      s.ready = reading;
    },
  };
  states.set(db, s);
  s.reload();
  return s;
}

/** The redirect table of `db`, read at once and kept. */
export function redirectTable(db: Database): RedirectTable {
  const s = stateOf(db);
  return {
    target(url) {
      if (s.table.size === 0) return undefined;
      const [path, query] = url.split("?", 2) as [string, string?];
      // WordPress's permalinks end in "/", links to them often do not (and the other way round).
      const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
      const hit = s.table.get(url) ?? (other ? s.table.get(query === undefined ? other : `${other}?${query}`) : undefined);
      // An old address that is the new one but for its slash (/about/ for /about) must not send
      // the new one round in a circle.
      return hit && hit !== url && hit !== path ? hit : undefined;
    },
    get ready() {
      return s.ready;
    },
  };
}

/** Reads the table again (a change here, or another process's). */
export function redirectsChanged(db: Database): void {
  if (states.has(db)) stateOf(db).reload();
}
