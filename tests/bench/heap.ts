// Heap snapshots of a running server, and what grew between two of them, by kind of object:
// the way to tell memory a load keeps (a leak) from memory V8 has merely not given back.
// The server runs with --heapsnapshot-signal=SIGUSR2 and --diagnostic-dir (HEAP_FLAGS); a
// snapshot is taken after a full garbage collection, so it counts only what is still reachable.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export const heapFlags = (dir: string) => [`--heapsnapshot-signal=SIGUSR2`, `--diagnostic-dir=${dir}`];

export interface HeapSummary {
  /** Reachable bytes in all. */
  total: number;
  /** Bytes and count by kind: "object Map", "closure render", "string", "code"… */
  byKind: Map<string, { size: number; count: number }>;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Signals the server, waits until it answers again (it writes the snapshot first), reads it. */
export async function heapSnapshot(pid: number, dir: string, ping: () => Promise<unknown>): Promise<HeapSummary> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  let file: string | undefined;
  for (let tries = 0; !file && tries < 600; tries++) {
    await new Promise((r) => setTimeout(r, 250));
    await ping();
    file = readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
  }
  if (!file) throw new Error("the server wrote no heap snapshot");
  // The file is complete once the server answers a request sent after it appeared.
  await ping();
  const path = join(dir, file);
  const summary = summarize(JSON.parse(readFileSync(path, "utf8")) as Snapshot);
  rmSync(path);
  return summary;
}

function summarize(s: Snapshot): HeapSummary {
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const byKind = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + typeAt]!]!;
    const size = s.nodes[i + sizeAt]!;
    const kind = type === "object" || type === "closure" ? `${type} ${s.strings[s.nodes[i + nameAt]!]}` : type;
    const entry = byKind.get(kind) ?? { size: 0, count: 0 };
    entry.size += size;
    entry.count += 1;
    byKind.set(kind, entry);
    total += size;
  }
  return { total, byKind };
}

/** The kinds that grew most from `a` to `b`, largest first. */
export function grewMost(a: HeapSummary, b: HeapSummary, top = 5): { kind: string; bytes: number; count: number }[] {
  return [...b.byKind]
    .map(([kind, { size, count }]) => {
      const was = a.byKind.get(kind) ?? { size: 0, count: 0 };
      return { kind, bytes: size - was.size, count: count - was.count };
    })
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, top);
}
