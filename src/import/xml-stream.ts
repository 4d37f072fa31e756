// A streaming XML reader for exports: elements below a chosen depth come out as small trees,
// one at a time, so a file of any size is read in flat memory. It refuses what an export
// never needs and an attack always does: a DTD (and with it every entity but XML's five),
// deep nesting, and more bytes than the caller allows.
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { ImportRefused } from "./model.ts";

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlNode[];
}

export interface XmlLimits {
  /** Bytes of XML read before the file is refused. */
  maxBytes: number;
  /** Elements open at once. */
  maxDepth: number;
  /** Characters of text one element may hold (a post's body is one). */
  maxText: number;
}

export const XML_LIMITS: XmlLimits = { maxBytes: 512 * 1024 * 1024, maxDepth: 64, maxText: 20 * 1024 * 1024 };

/**
 * A copy of `s` of its own. The parser's text and attribute values are slices of the chunk
 * they were read from, and V8 keeps a whole chunk (256 KiB) alive for as long as any slice of
 * it is: a title kept from every item would keep the whole file in memory.
 */
function own(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

/** The first child named `name`, or undefined. */
export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}
/** The text of the first child named `name` ("" when absent), trimmed. */
export function textOf(node: XmlNode, name: string): string {
  return child(node, name)?.text.trim() ?? "";
}

/**
 * Reads `chunks` and calls `onNode` with each element at `depth` (the root is depth 1) and
 * `onOpen` for each element above it as it opens (its attributes; its text is not kept).
 * Throws ImportRefused with the line and column of the first problem.
 */
export async function readXml(
  chunks: AsyncIterable<Uint8Array | string>,
  depth: number,
  onNode: (node: XmlNode, path: string[]) => void,
  limits: XmlLimits = XML_LIMITS,
): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlNode[] = [];
  const path: string[] = [];
  let failure: ImportRefused | undefined;
  const where = () => `line ${parser.line}, column ${parser.column}`;
  const fail = (message: string) => {
    failure ??= new ImportRefused(`${message} (at ${where()})`);
  };

  parser.on("error", (e) => fail(`The XML is not well-formed: ${e.message.replace(/^\d+:\d+: /, "")}`));
  parser.on("doctype", () =>
    fail("The file declares a DTD (<!DOCTYPE …>). Exports have none, and Quire reads no DTDs or entities from a file"),
  );
  parser.on("opentag", (tag: SaxesTagPlain) => {
    path.push(tag.name);
    if (path.length > limits.maxDepth) return fail(`Elements are nested deeper than ${limits.maxDepth} levels`);
    if (path.length >= depth) {
      const attrs: Record<string, string> = {};
      for (const [key, value] of Object.entries(tag.attributes)) attrs[key] = own(value);
      const node: XmlNode = { name: tag.name, attrs, text: "", children: [] };
      stack.at(-1)?.children.push(node);
      stack.push(node);
    }
  });
  const addText = (text: string) => {
    const node = stack.at(-1);
    if (!node) return;
    if (node.text.length + text.length > limits.maxText) {
      return fail(`<${node.name}> holds more than ${limits.maxText.toLocaleString("en")} characters`);
    }
    node.text += text;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("closetag", () => {
    if (path.length >= depth) {
      const node = stack.pop()!;
      node.text = own(node.text);
      if (path.length === depth) onNode(node, path.slice(0, -1));
    }
    path.pop();
  });

  let bytes = 0;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for await (const chunk of chunks) {
    bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (bytes > limits.maxBytes) {
      throw new ImportRefused(`The file is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MiB, the most an import takes`);
    }
    let text: string;
    try {
      text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    } catch {
      throw new ImportRefused(`The file is not UTF-8 text (near byte ${bytes.toLocaleString("en")})`);
    }
    parser.write(text);
    if (failure) throw failure;
  }
  parser.close();
  if (failure) throw failure;
}
