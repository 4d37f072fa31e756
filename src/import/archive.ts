// Unpacks an uploaded archive (zip, or tar.gz) into a fresh folder, and refuses the archive
// whole, before or while unpacking, when an entry would land outside that folder (`../`,
// absolute paths, links), when there are too many entries, or when it inflates past its
// caps (a zip bomb). Sizes are counted as bytes arrive, not taken from headers.
import { createReadStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import * as tar from "tar-stream";
import * as yauzl from "yauzl";
import { ImportRefused } from "./model.ts";

export interface ArchiveLimits {
  /** Files and folders in the archive. */
  maxEntries: number;
  /** Bytes of everything unpacked together. */
  maxTotalBytes: number;
  /** Bytes unpacked over bytes packed, for archives big enough to matter. */
  maxRatio: number;
}

export const ARCHIVE_LIMITS: ArchiveLimits = { maxEntries: 50_000, maxTotalBytes: 2 * 1024 ** 3, maxRatio: 200 };

/** Below this much unpacked, any ratio is harmless (a text file of spaces compresses 1000:1). */
const RATIO_FLOOR = 16 * 1024 * 1024;

export type ArchiveKind = "zip" | "tar.gz";

/** What the first bytes say the file is, or null. */
export async function archiveKind(file: string): Promise<ArchiveKind | null> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead >= 4 && buffer.readUInt32LE(0) === 0x04034b50) return "zip";
    if (bytesRead >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return "tar.gz";
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * The entry's path inside the archive, made safe, or a refusal. Folders end in "/"; macOS's
 * resource forks are not content (null).
 */
export function safeEntryPath(name: string): string | null {
  if (name.includes("\0")) throw new ImportRefused(`An entry's name holds a NUL character: ${JSON.stringify(name)}`);
  if (name.includes("\\")) throw new ImportRefused(`“${name}” uses backslashes; archives name paths with “/”`);
  if (/^\/|^[a-z]:/i.test(name)) throw new ImportRefused(`“${name}” is an absolute path; an archive's entries must stay inside it`);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new ImportRefused(`“${name}” points outside the archive (“..”)`);
  if (parts[0] === "__MACOSX" || parts.at(-1) === ".DS_Store") return null;
  return parts.join("/");
}

/** Counts bytes as they inflate; throws once they pass the caps. */
function counter(limits: ArchiveLimits, totals: { out: number }, packed: () => number, name: string): (bytes: number) => void {
  return (bytes) => {
    totals.out += bytes;
    if (totals.out > limits.maxTotalBytes) {
      throw new ImportRefused(
        `The archive unpacks to more than ${(limits.maxTotalBytes / 1024 ** 2).toFixed(0)} MiB, the most an import takes`,
      );
    }
    if (totals.out > RATIO_FLOOR && totals.out / Math.max(1, packed()) > limits.maxRatio) {
      throw new ImportRefused(`“${name}” inflates more than ${limits.maxRatio} times its packed size: refused as a likely zip bomb`);
    }
  };
}

/** Unpacks `file` into `into` (which must not exist yet); returns the files' paths inside it. */
export async function unpackArchive(file: string, into: string, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<string[]> {
  const kind = await archiveKind(file);
  if (!kind) throw new ImportRefused("The file is neither a zip nor a tar.gz archive");
  await mkdir(into, { recursive: false });
  try {
    return kind === "zip" ? await unpackZip(file, into, limits) : await unpackTarGz(file, into, limits);
  } catch (e) {
    await rm(into, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Writes an entry's bytes to `target`, counting them as they come. A plain loop rather than a
 * pipeline: a refusal (or the stream's own error) ends it here, and leaving the loop destroys
 * the entry's stream, so nothing is left emitting errors nobody listens to.
 */
async function writeEntry(stream: AsyncIterable<Buffer>, target: string, count: (bytes: number) => void): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  // "wx": an entry named twice (or a file where a folder was) is refused, never overwritten.
  const handle = await open(target, "wx");
  try {
    for await (const chunk of stream) {
      count(chunk.length);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
}

/** yauzl's own refusals of a name, in the words safeEntryPath uses. */
function zipRefusal(e: Error): ImportRefused {
  const relative = /^invalid relative path: (.*)$/.exec(e.message);
  if (relative) return new ImportRefused(`“${relative[1]}” points outside the archive (“..”)`);
  const absolute = /^absolute path: (.*)$/.exec(e.message);
  if (absolute) return new ImportRefused(`“${absolute[1]}” is an absolute path; an archive's entries must stay inside it`);
  return new ImportRefused(`The zip cannot be read: ${e.message}`);
}

async function unpackZip(file: string, into: string, limits: ArchiveLimits): Promise<string[]> {
  const zip = await yauzl
    .openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true })
    .catch((e: Error) => {
      throw new ImportRefused(`The zip cannot be read: ${e.message}`);
    });
  try {
    // The central directory first: every name and size is checked before a byte is written.
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((done, fail) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        entries.push(entry);
        if (entries.length > limits.maxEntries)
          return fail(new ImportRefused(`The archive has more than ${limits.maxEntries.toLocaleString("en")} entries`));
        zip.readEntry();
      });
      zip.on("end", done);
      zip.on("error", (e: Error) => fail(e instanceof ImportRefused ? e : zipRefusal(e)));
      zip.readEntry();
    });
    let declared = 0;
    const files: [yauzl.Entry, string][] = [];
    for (const entry of entries) {
      const path = safeEntryPath(entry.fileName);
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (mode === 0o120000) throw new ImportRefused(`“${entry.fileName}” is a symbolic link; archives for import hold files only`);
      if (path === null || entry.fileName.endsWith("/")) continue;
      declared += entry.uncompressedSize;
      if (declared > limits.maxTotalBytes) {
        throw new ImportRefused(
          `The archive unpacks to more than ${(limits.maxTotalBytes / 1024 ** 2).toFixed(0)} MiB, the most an import takes`,
        );
      }
      if (entry.uncompressedSize > RATIO_FLOOR && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
        throw new ImportRefused(
          `“${entry.fileName}” inflates more than ${limits.maxRatio} times its packed size: refused as a likely zip bomb`,
        );
      }
      files.push([entry, path]);
    }
    const totals = { out: 0, packed: 0 };
    for (const [entry, path] of files) {
      totals.packed += entry.compressedSize;
      const stream = await zip.openReadStreamPromise(entry);
      // yauzl's inflater may still push into its size check once the loop below has left and
      // destroyed it; that late error is the one already handled.
      stream.on("error", () => undefined);
      await writeEntry(
        stream,
        join(into, path),
        counter(limits, totals, () => totals.packed, entry.fileName),
      ).catch((e: unknown) => {
        if (e instanceof ImportRefused) throw e;
        throw new ImportRefused(`“${entry.fileName}” cannot be unpacked: ${(e as Error).message}`);
      });
    }
    return files.map(([, path]) => path);
  } finally {
    zip.close();
  }
}

async function unpackTarGz(file: string, into: string, limits: ArchiveLimits): Promise<string[]> {
  const source = createReadStream(file);
  let packed = 0;
  source.on("data", (chunk) => (packed += chunk.length));
  const extract = tar.extract();
  const totals = { out: 0 };
  const paths: string[] = [];
  let entries = 0;
  const reading = pipeline(source, createGunzip(), extract).catch((e: unknown) => {
    throw e instanceof ImportRefused ? e : new ImportRefused(`The tar.gz cannot be read: ${(e as Error).message}`);
  });
  // Leaving the loop early (a refusal) cuts the stream short, and it fails while the loop is
  // still closing: that failure is expected, and the refusal is what is reported.
  reading.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const { header } = entry;
      if (++entries > limits.maxEntries)
        throw new ImportRefused(`The archive has more than ${limits.maxEntries.toLocaleString("en")} entries`);
      const path = safeEntryPath(header.name);
      if (header.type === "symlink" || header.type === "link") {
        throw new ImportRefused(`“${header.name}” is a link; archives for import hold files only`);
      }
      if (header.type !== "file" && header.type !== "contiguous-file") {
        entry.resume();
        if (header.type !== "directory") {
          throw new ImportRefused(`“${header.name}” is a ${header.type}; archives for import hold files only`);
        }
        continue;
      }
      if (path === null) {
        entry.resume();
        continue;
      }
      // A tar entry (a streamx stream) yields Buffers; its types say unknown.
      await writeEntry(
        entry as AsyncIterable<Buffer>,
        join(into, path),
        counter(limits, totals, () => packed, header.name),
      ).catch((e: unknown) => {
        if (e instanceof ImportRefused) throw e;
        throw new ImportRefused(`“${header.name}” cannot be unpacked: ${(e as Error).message}`);
      });
      paths.push(path);
    }
    await reading;
  } catch (e) {
    source.destroy();
    await reading.catch(() => undefined);
    throw e;
  }
  return paths;
}
