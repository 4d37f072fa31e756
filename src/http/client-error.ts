// What Node's HTTP parser refuses before there is a request: an address or headers over its
// 16 KiB limit, a malformed request line, a client too slow to send its headers. Node's own
// answer has a status and no body, so an API client (or a person) reads nothing; this one
// has the same statuses, with a message in both API shapes (the Admin API's `message`, the
// Content API's `errors`). There is no request here, so it is written to the socket itself.
import type { Duplex } from "node:stream";

const ANSWERS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    message: "The request's address and headers are too long: together they may be at most 16 KiB",
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, reason: "Payload Too Large", message: "The request's chunk extensions are too long" },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: "Request Timeout", message: "The request's headers took too long to arrive" },
};
const MALFORMED = { status: 400, reason: "Bad Request", message: "This is not a well-formed HTTP request" };

export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Gone, or in the middle of an answer already: nothing more can be said on it.
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || !socket.writable || answering) {
    socket.destroy();
    return;
  }
  const { status, reason, message } = ANSWERS[error.code ?? ""] ?? MALFORMED;
  const body = JSON.stringify({ message, errors: [{ message, type: status === 408 ? "RequestTimeoutError" : "BadRequestError" }] });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
