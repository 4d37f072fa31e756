// Where an import keeps the text of the items it has read: a file in the run's work folder.
// A big site is mostly its bodies and comments (a WordPress export of 10,000 posts is some
// 45 MiB of them on the heap); held on disk, the import's memory stays the same for any size
// of site. What stays in memory is each item's head (title, slug, dates, tags, addresses),
// which the writer needs for all items at once; `body`, `excerpt` and `comments` read their
// record back when asked, and writing one of them appends a new record.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import type { ImportComment, ImportItem } from "./model.ts";

/** Keeps an item's text somewhere and answers the item to hold. */
export interface ItemKeeper {
  keep(item: ImportItem): ImportItem;
}

/** Items kept as they are (a small source, a test). */
export const inMemory: ItemKeeper = { keep: (item) => item };

type Field = "body" | "excerpt" | "comments";
const FIELDS: readonly Field[] = ["body", "excerpt", "comments"];
type Record_ = { at: number; bytes: number };

export class ItemSpool implements ItemKeeper {
  readonly #fd: number;
  #end = 0;
  #closed = false;

  constructor(file: string) {
    // "wx": a spool is always a new file, never another run's.
    this.#fd = openSync(file, "wx+");
  }

  keep(item: ImportItem): ImportItem {
    const { body, excerpt, comments, ...head } = item;
    const records = new Map<Field, Record_>([
      ["body", this.#put(body)],
      ["excerpt", this.#put(excerpt)],
      ["comments", this.#put(comments)],
    ]);
    const kept = head as ImportItem;
    for (const field of FIELDS) {
      Object.defineProperty(kept, field, {
        enumerable: true,
        get: () => this.#get(field, records.get(field)!),
        set: (value: unknown) => records.set(field, this.#put(value)),
      });
    }
    return kept;
  }

  /** Closes the file (the run's work folder, with it, is removed by the run). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  #put(value: unknown): Record_ {
    // Wrapped, so that undefined comes back undefined.
    const data = Buffer.from(JSON.stringify({ value }), "utf8");
    const record = { at: this.#end, bytes: data.length };
    for (let written = 0; written < data.length;) written += writeSync(this.#fd, data, written, data.length - written, this.#end + written);
    this.#end += data.length;
    return record;
  }

  #get(field: Field, { at, bytes }: Record_): never {
    if (this.#closed) throw new Error("The import's item store is closed");
    const data = Buffer.allocUnsafe(bytes);
    for (let read = 0; read < bytes;) {
      const n = readSync(this.#fd, data, read, bytes - read, at + read);
      if (n === 0) throw new Error("The import's item store was cut short");
      read += n;
    }
    const { value } = JSON.parse(data.toString("utf8")) as { value: unknown };
    return (field === "comments" ? (value as ImportComment[]).map(revive) : value) as never;
  }
}

/** A comment's dates, which JSON made strings. */
function revive(c: ImportComment): ImportComment {
  return { ...c, createdAt: new Date(c.createdAt), ...(c.editedAt === undefined ? {} : { editedAt: new Date(c.editedAt) }) };
}
