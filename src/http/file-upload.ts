// What the two file routes (images at /api/media, import files at /api/import) share: the
// request's headers, the file name the browser sent, and their JSON answers and failures.
import type { IncomingMessage, ServerResponse } from "node:http";
import { databaseUnavailable } from "../../db/unavailable.ts";
import { PRIVATE_CACHE_CONTROL } from "../lib/cache-tags.ts";
import { logUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGES } from "./unavailable.ts";

export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** The name the file had, as the uploader's browser sent it (percent-encoded), for lists. */
export function fileNameOf(headers: Headers): string {
  const raw = headers.get("x-file-name") ?? "";
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // Not percent-encoding after all: the header as it came.
  }
  const base = name.split(/[/\\]/).at(-1) ?? "";
  return base.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").slice(0, 200);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    "cache-control": PRIVATE_CACHE_CONTROL,
  });
  res.end(json);
}

export function refuseJson(res: ServerResponse, status: number, reason: string, message: string): void {
  sendJson(res, status, { error: { message, reason } });
}

/** A failure that is not the request's fault: 503 for a database out of reach, else 500, logged. */
export function uploadFailed(req: IncomingMessage, res: ServerResponse, e: unknown, area: string): void {
  if (res.headersSent || (e as NodeJS.ErrnoException).code === "ECONNRESET") return void res.destroy();
  const why = databaseUnavailable(e);
  if (why) {
    logUnavailable(`${req.method} ${req.url}`, e);
    res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
    return refuseJson(res, 503, "unavailable", UNAVAILABLE_MESSAGES[why]);
  }
  console.error(`[${area}] ${req.method} ${req.url}:`, e);
  sendJson(res, 500, {
    error: { message: "Something went wrong on the server; it has been logged. Try again in a moment.", reason: "server" },
  });
}
