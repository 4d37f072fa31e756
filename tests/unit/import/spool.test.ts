// Items' text kept on disk while an import runs: what comes back is what went in, a change is
// kept, and a file read through the spool is the same bundle as one read in memory.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { STREAMED_IMPORT_HEAP, importThreadHeap } from "../../../src/jobs/import.ts";
import type { ImportItem } from "../../../src/import/model.ts";
import { readImport } from "../../../src/import/read.ts";
import { ItemSpool } from "../../../src/import/spool.ts";
import { parseGhost } from "../../../src/import/ghost.ts";
import { parseWxr } from "../../../src/import/wxr.ts";
import { GHOST, WXR } from "./fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "quire-spool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (over: Partial<ImportItem> = {}): ImportItem => ({
  ref: "wp:1",
  kind: "post",
  title: "Boats",
  slug: "boats",
  status: "published",
  publishedAt: new Date("2021-05-01T10:00:00Z"),
  tags: ["Lakes"],
  excerpt: "On the water",
  body: "# Boats\n\nRowing, in *Unicode* too: ñ 漢字 🚣",
  featured: false,
  oldPaths: ["/?p=1"],
  comments: [
    {
      ref: "wp:1#c1",
      authorName: "Ann",
      authorEmail: "ann@example.org",
      body: "Lovely",
      createdAt: new Date("2021-05-02T09:00:00Z"),
      status: "visible",
    },
    {
      ref: "wp:1#c2",
      parentRef: "wp:1#c1",
      authorName: "Bo",
      body: "Agreed",
      createdAt: new Date("2021-05-03T09:00:00Z"),
      editedAt: new Date("2021-05-04T09:00:00Z"),
      status: "held",
    },
  ],
  ...over,
});

describe("the item spool", () => {
  it("gives back each item's body, excerpt and comments as they went in, dates as dates", () => {
    const spool = new ItemSpool(join(dir, "a.spool"));
    const kept = [spool.keep(item()), spool.keep(item({ ref: "wp:2", body: "Second", excerpt: "", comments: [] }))];
    expect(kept[0]).toEqual(item());
    expect(kept[0]!.comments[1]!.editedAt).toBeInstanceOf(Date);
    expect(kept[0]!.comments[0]).not.toHaveProperty("editedAt");
    expect(kept[1]!.body).toBe("Second");
    expect(kept[1]!.comments).toEqual([]);
    // The text is on disk, not in the object.
    expect(Object.getOwnPropertyDescriptor(kept[0], "body")!.get).toBeTypeOf("function");
    expect(statSync(join(dir, "a.spool")).size).toBeGreaterThan(item().body.length);
    spool.close();
  });

  it("keeps a change to an item's text, and leaves the others as they were", () => {
    const spool = new ItemSpool(join(dir, "b.spool"));
    const [a, b] = [spool.keep(item()), spool.keep(item({ ref: "wp:2", body: "Other" }))];
    a!.body = "Rewritten";
    a!.comments = [];
    expect(a!.body).toBe("Rewritten");
    expect(a!.comments).toEqual([]);
    expect(b!.body).toBe("Other");
    expect(b!.comments).toHaveLength(2);
    spool.close();
  });

  it("says so when read after the import closed it, and never reuses another run's file", () => {
    const spool = new ItemSpool(join(dir, "c.spool"));
    const a = spool.keep(item());
    spool.close();
    expect(() => a.body).toThrow(/item store is closed/);
    expect(() => new ItemSpool(join(dir, "c.spool"))).toThrow(/EEXIST/);
  });
});

async function* text(s: string) {
  yield s;
}

describe("reading an upload through the spool", () => {
  it("gives the same WordPress bundle as reading it in memory", async () => {
    const file = join(dir, "site.xml");
    writeFileSync(file, WXR);
    const read = await readImport(file, join(dir, "work-wxr"), { maxBytes: 10 * 1024 * 1024 });
    try {
      expect(read.bundle.items.length).toBeGreaterThan(2);
      expect(read.bundle).toEqual(await parseWxr(text(WXR)));
    } finally {
      read.close();
    }
  });

  it("gives the same Ghost bundle as reading it in memory", async () => {
    const file = join(dir, "ghost.json");
    writeFileSync(file, GHOST);
    const read = await readImport(file, join(dir, "work-ghost"), { maxBytes: 10 * 1024 * 1024 });
    try {
      expect(read.bundle.items.length).toBeGreaterThan(0);
      expect(read.bundle).toEqual(parseGhost(GHOST));
    } finally {
      read.close();
    }
  });
});

describe("the import thread's heap", () => {
  it("is bounded for a WordPress export (streamed) and left to V8 for a Ghost JSON (parsed whole)", async () => {
    mkdirSync(join(dir, "heap"), { recursive: true });
    writeFileSync(join(dir, "heap/site.xml"), `\uFEFF\n  ${WXR}`);
    writeFileSync(join(dir, "heap/ghost.json"), GHOST);
    expect(await importThreadHeap(join(dir, "heap/site.xml"))).toEqual(STREAMED_IMPORT_HEAP);
    expect(await importThreadHeap(join(dir, "heap/ghost.json"))).toBeUndefined();
    expect(await importThreadHeap(join(dir, "heap/gone.xml"))).toBeUndefined();
  });
});
