// Archives for import: unpacked whole, or refused whole with a reason, whatever they hold.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as tar from "tar-stream";
import { afterEach, describe, expect, it } from "vitest";
import { unpackArchive } from "../../../src/import/archive.ts";
import { zip, type ZipEntry } from "./zip-writer.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), "quire-archive-"));
  dirs.push(dir);
  return dir;
}

async function unpackZip(entries: ZipEntry[]) {
  const dir = scratch();
  writeFileSync(join(dir, "in.zip"), zip(entries));
  const into = join(dir, "out");
  const result: { paths?: string[]; error?: Error } = await unpackArchive(join(dir, "in.zip"), into).then(
    (paths) => ({ paths }),
    (e: unknown) => ({ error: e as Error }),
  );
  return { ...result, into, leftBehind: existsSync(into) };
}

async function tarGz(entries: { name: string; data?: string; type?: "file" | "symlink" | "link"; linkname?: string }[]) {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? "file", linkname: e.linkname }, e.data ?? "");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe("a zip", () => {
  it("unpacks its files in their folders, skipping macOS's resource forks", async () => {
    const { paths, into } = await unpackZip([
      { name: "posts/hello.md", data: "---\ntitle: Hello\n---\nHi" },
      { name: "posts/images/", data: "" },
      { name: "posts/images/a.png", data: "png bytes" },
      { name: "__MACOSX/posts/._hello.md", data: "junk" },
    ]);
    expect(paths).toEqual(["posts/hello.md", "posts/images/a.png"]);
    expect(readFileSync(join(into, "posts/hello.md"), "utf8")).toContain("title: Hello");
    expect(readdirSync(into)).toEqual(["posts"]);
  });

  it.each([
    ["../escape.md", /points outside the archive/],
    ["posts/../../escape.md", /points outside the archive/],
    ["/etc/cron.d/evil", /absolute path/],
  ])("refuses an entry named %s, and unpacks nothing", async (name, message) => {
    const { error, leftBehind } = await unpackZip([
      { name: "fine.md", data: "fine" },
      { name, data: "evil" },
    ]);
    expect(error?.message).toMatch(message);
    expect(leftBehind).toBe(false);
  });

  it("refuses a symbolic link", async () => {
    const { error, leftBehind } = await unpackZip([{ name: "passwd", data: "/etc/passwd", mode: 0o120777 }]);
    expect(error?.message).toMatch(/symbolic link/);
    expect(leftBehind).toBe(false);
  });

  it("refuses a zip bomb by its ratio before inflating it", async () => {
    const { error, leftBehind } = await unpackZip([{ name: "zeros.txt", data: Buffer.alloc(20 * 1024 * 1024) }]);
    expect(error?.message).toMatch(/inflates more than 200 times.*zip bomb/);
    expect(leftBehind).toBe(false);
  });

  it("refuses an entry that inflates past the size it declares", async () => {
    const { error } = await unpackZip([{ name: "liar.txt", data: "x".repeat(10_000), declaredSize: 10 }]);
    expect(error?.message).toMatch(/cannot be unpacked|too many bytes/i);
  });

  it("refuses a file that is not an archive", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "x.zip"), "just text");
    await expect(unpackArchive(join(dir, "x.zip"), join(dir, "out"))).rejects.toThrow(/neither a zip nor a tar.gz/);
  });

  it("refuses archives over the total size cap, counting what actually inflates", async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, "in.zip"),
      zip([
        { name: "a.md", data: "a".repeat(5000) },
        { name: "b.md", data: "b".repeat(5000) },
      ]),
    );
    await expect(
      unpackArchive(join(dir, "in.zip"), join(dir, "out"), { maxEntries: 10, maxTotalBytes: 8000, maxRatio: 200 }),
    ).rejects.toThrow(/unpacks to more than/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("a tar.gz", () => {
  it("unpacks its files", async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, "in.tar.gz"),
      await tarGz([
        { name: "site/post.md", data: "# Post" },
        { name: "site/img/x.png", data: "png" },
      ]),
    );
    const paths = await unpackArchive(join(dir, "in.tar.gz"), join(dir, "out"));
    expect(paths).toEqual(["site/post.md", "site/img/x.png"]);
    expect(readFileSync(join(dir, "out/site/post.md"), "utf8")).toBe("# Post");
  });

  it.each([
    [{ name: "../../escape.md", data: "x" }, /points outside/],
    [{ name: "link", type: "symlink" as const, linkname: "/etc/passwd" }, /is a link/],
    [{ name: "hard", type: "link" as const, linkname: "../outside" }, /is a link/],
  ])("refuses %o and leaves nothing behind", async (entry, message) => {
    const dir = scratch();
    writeFileSync(join(dir, "in.tar.gz"), await tarGz([{ name: "ok.md", data: "ok" }, entry]));
    await expect(unpackArchive(join(dir, "in.tar.gz"), join(dir, "out"))).rejects.toThrow(message);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("refuses a gzip bomb while inflating", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "in.tar.gz"), await tarGz([{ name: "zeros.txt", data: "\0".repeat(40 * 1024 * 1024) }]));
    await expect(unpackArchive(join(dir, "in.tar.gz"), join(dir, "out"))).rejects.toThrow(/zip bomb/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
