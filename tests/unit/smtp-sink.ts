// A real SMTP server for the newsletter tests and benchmark (smtp-server on loopback): it keeps
// every accepted message as it came, can answer a recipient with an error of the test's
// choosing (421 for a while, 550 for good), and parses what it kept with mailparser.
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface Kept {
  to: string;
  raw: Buffer;
}

export interface SmtpSink {
  url: string;
  /** Every accepted message, in order. */
  kept: Kept[];
  /** Recipient addresses tried, accepted or not, in order. */
  tried: string[];
  /** An SMTP error for a recipient (`{ code: 421, message }`), or null to accept it. */
  refuse: (address: string) => { code: number; message: string } | null;
  /** Accepted messages to `address`, parsed. */
  mailTo(address: string): Promise<ParsedMail[]>;
  countsByRecipient(): Map<string, number>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { keepRaw?: boolean } = {}): Promise<SmtpSink> {
  const keepRaw = options.keepRaw ?? true;
  const sink: Omit<SmtpSink, "url" | "close"> = {
    kept: [],
    tried: [],
    refuse: () => null,
    async mailTo(address) {
      return Promise.all(sink.kept.filter((k) => k.to === address.toLowerCase()).map((k) => simpleParser(k.raw)));
    },
    countsByRecipient() {
      const counts = new Map<string, number>();
      for (const k of sink.kept) counts.set(k.to, (counts.get(k.to) ?? 0) + 1);
      return counts;
    },
  };
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      sink.tried.push(to);
      const refusal = sink.refuse(to);
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => keepRaw && chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        for (const r of session.envelope.rcptTo) sink.kept.push({ to: r.address.toLowerCase(), raw });
        callback();
      });
    },
  });
  // A sender killed mid-conversation resets its connection: that is the test, not a failure.
  server.on("error", () => {});
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  });
}
