// Writes a .tar.gz as it is made: each entry goes out as it is added and the next waits until
// the destination (a file, a download) has taken it, so an archive of any size passes through
// a few buffers of memory. A tar needs each entry's size before its bytes; files too large to
// hold are spooled to a temporary file first (see Spool).
import { randomUUID } from "node:crypto";
import { open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import * as tar from "tar-stream";

export interface TarEntries {
  /** Adds a file whose bytes are at hand. */
  file(name: string, data: string | Uint8Array, mtime?: Date): Promise<void>;
  /** Adds a file of `size` bytes read from `source` as the destination takes them. */
  stream(name: string, size: number, source: Readable, mtime?: Date): Promise<void>;
  /** A file built in pieces, kept in memory while small and on disk beyond that. */
  spool(): Spool;
}

/**
 * Writes the archive `produce` makes into `out`, gzipped. Resolves when every byte is out;
 * rejects (and stops `produce` at its next entry) when either side fails, as when a download's
 * connection closes.
 */
export async function writeTarGz(out: Writable, produce: (tar: TarEntries) => Promise<void>): Promise<void> {
  const pack = tar.pack();
  // A failure reaches the producer through each entry's callback and the pipeline's promise;
  // the "error" events of the pack and its entries (streamx streams, which the pipeline does
  // not listen to) would otherwise be uncaught exceptions.
  const quiet = <S extends { on(event: "error", listener: () => void): unknown }>(stream: S) => (stream.on("error", () => {}), stream);
  quiet(pack);
  const gzip = createGzip();
  // tar-stream's pack is a streamx stream, which Node's pipeline reads like its own.
  const sending = pipeline(pack as unknown as Readable, gzip, out);
  const spools: Spool[] = [];
  const entries: TarEntries = {
    file: (name, data, mtime = new Date()) =>
      new Promise<void>((done, fail) => {
        quiet(
          pack.entry(
            { name, mtime },
            typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
            (e) => (e ? fail(e) : done()),
          ),
        );
      }),
    stream: (name, size, source, mtime = new Date()) =>
      new Promise<void>((done, fail) => {
        if (pack.destroyed) {
          source.destroy();
          return fail(new Error("The archive was closed"));
        }
        // Called once the entry is whole, or with the error that ended it (its own or the archive's).
        const sink = quiet(
          pack.entry({ name, size, mtime }, (e) => {
            if (e) source.destroy();
            return e ? fail(e) : done();
          }),
        );
        void (async () => {
          for await (const chunk of source) {
            if (sink.write(chunk as Buffer)) continue;
            await new Promise<void>((next) => {
              const go = () => {
                sink.off("drain", go);
                sink.off("close", go);
                next();
              };
              sink.on("drain", go);
              sink.on("close", go);
            });
            if (sink.destroyed) return;
          }
          sink.end(null);
        })().catch((e: unknown) => sink.destroy(e as Error));
      }),
    spool: () => {
      const s = new Spool(entries);
      spools.push(s);
      return s;
    },
  };
  try {
    await Promise.all([
      (async () => {
        try {
          await produce(entries);
          pack.finalize();
        } catch (e) {
          pack.destroy(e as Error);
          throw e;
        }
      })(),
      sending.catch((e: unknown) => {
        // The destination failed: the producer's next entry fails with it.
        pack.destroy(e as Error);
        throw e;
      }),
    ]);
  } finally {
    await Promise.all(spools.map((s) => s.discard()));
  }
}

/** Past this, a spooled file goes to disk. */
const SPOOL_MEMORY = 1024 * 1024;

/**
 * A file whose size is known only once it is complete (a JSON list of every comment): pieces
 * are appended in memory up to a MiB, then to a temporary file, and the whole is added to the
 * archive at the end.
 */
export class Spool {
  #pieces: Buffer[] = [];
  #size = 0;
  #file?: { path: string; handle: FileHandle };
  #tar: TarEntries;

  constructor(tar: TarEntries) {
    this.#tar = tar;
  }

  get size(): number {
    return this.#size;
  }

  async write(text: string): Promise<void> {
    const piece = Buffer.from(text);
    this.#size += piece.length;
    if (!this.#file && this.#size <= SPOOL_MEMORY) {
      this.#pieces.push(piece);
      return;
    }
    if (!this.#file) {
      const path = join(tmpdir(), `quire-spool-${randomUUID()}`);
      this.#file = { path, handle: await open(path, "wx", 0o600) };
      await this.#file.handle.writeFile(Buffer.concat(this.#pieces));
      this.#pieces = [];
    }
    await this.#file.handle.writeFile(piece);
  }

  /** Adds what was written as `name`. */
  async addAs(name: string, mtime?: Date): Promise<void> {
    if (!this.#file) return this.#tar.file(name, Buffer.concat(this.#pieces), mtime);
    await this.#file.handle.close();
    const { path } = this.#file;
    this.#file = { path, handle: await open(path, "r") };
    await this.#tar.stream(name, this.#size, this.#file.handle.createReadStream({ autoClose: false }), mtime);
  }

  async discard(): Promise<void> {
    this.#pieces = [];
    if (!this.#file) return;
    await this.#file.handle.close().catch(() => undefined);
    await rm(this.#file.path, { force: true });
    this.#file = undefined;
  }
}
