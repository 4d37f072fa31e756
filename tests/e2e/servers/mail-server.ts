// A real SMTP server for the end-to-end suite (smtp-server): every message Quire sends is
// written as JSON into a folder the tests read, so they can follow the links in it.
import { mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/**
 * A header's RFC 2047 encoded words ("=?UTF-8?Q?Best=C3=A4tigen?="), as nodemailer writes a
 * subject that is not ASCII. The message was read as latin1, one character a byte: each word
 * becomes its bytes the same way, and the whole header is then read as UTF-8, so a character
 * split across two words comes out whole.
 */
function decodeWords(value: string): string {
  const bytes = value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?[\w-]+\?([QB])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("latin1")
        : text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_hex, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    );
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** Enough MIME for what nodemailer sends Quire's plain-text mail as. */
function parse(raw: string): { subject: string; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  let body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "im").exec(head)?.[1]?.trim() ?? "";
  const encoding = header("Content-Transfer-Encoding").toLowerCase();
  if (encoding === "quoted-printable") {
    body = Buffer.from(
      body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    ).toString("utf8");
  } else if (encoding === "base64") {
    body = Buffer.from(body, "base64").toString("utf8");
  }
  return { subject: decodeWords(header("Subject")), text: body.replace(/\r\n/g, "\n") };
}

export async function startMailServer(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    // Loopback only, so no TLS and no login: Quire's transport must still speak real SMTP.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const mail: ReceivedMail = {
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          ...parse(Buffer.concat(chunks).toString("latin1")),
        };
        writeFileSync(join(dir, `${Date.now()}-${++n}.json`), JSON.stringify(mail));
        callback();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
