// The first bytes of an upload as text, which tell its kind: `<` an XML export, `{` a JSON
// one. Its own small module, so the server's thread can ask without loading the readers.
import { open } from "node:fs/promises";

export async function head(file: string, bytes = 512): Promise<string> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\uFEFF/, "");
  } finally {
    await handle.close();
  }
}
