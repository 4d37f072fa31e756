// Which request methods the site answers. Pages are read (GET, HEAD); the APIs also take
// POST. OPTIONS says what a path allows and renders nothing; TRACE, CONNECT and the rest are
// refused with 405 before anything builds a Request for them (the Fetch API refuses TRACE,
// which reached Astro as an uncaught 500).
import type { IncomingMessage, ServerResponse } from "node:http";
import { PRIVATE_CACHE_CONTROL } from "../lib/cache-tags.ts";

const PAGE_METHODS = ["GET", "HEAD"];
const API_METHODS = ["GET", "HEAD", "POST"];
/** The Admin API is REST: a change is a PATCH, a removal a DELETE. */
const REST_METHODS = ["GET", "HEAD", "POST", "PATCH", "DELETE"];

export function allowedMethods(url: string): readonly string[] {
  if (url.startsWith("/api/v1/")) return REST_METHODS;
  return url === "/api" || url.startsWith("/api/") || url.startsWith("/api?") ? API_METHODS : PAGE_METHODS;
}

/** Answers OPTIONS and refuses methods the path does not take; false lets the request go on. */
export function answerMethod(req: IncomingMessage, res: ServerResponse): boolean {
  const method = req.method ?? "GET";
  const allowed = allowedMethods(req.url ?? "/");
  if (allowed.includes(method)) return false;
  const allow = [...allowed, "OPTIONS"].join(", ");
  if (method === "OPTIONS") {
    res.writeHead(204, { allow, "cache-control": PRIVATE_CACHE_CONTROL, "content-length": 0 });
    res.end();
    return true;
  }
  const body = JSON.stringify({
    error: { code: "METHOD_NOT_SUPPORTED", message: `${method} is not supported here; use ${allowed.join(" or ")}` },
  });
  res.writeHead(405, {
    allow,
    "content-type": "application/json",
    "cache-control": PRIVATE_CACHE_CONTROL,
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}
