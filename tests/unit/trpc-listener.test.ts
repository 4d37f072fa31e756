// The built server's tRPC listener (src/http/trpc-listener.ts), on a real socket: answers with
// the headers API answers carry, refuses what it must, and takes a client that hangs up
// mid-upload, or a Host that makes no address, without a 500 or a logged stack.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getRuntime } from "../../src/runtime.ts";
import { trpcListener } from "../../src/http/trpc-listener.ts";
import { createBackend, type Backend } from "./harness.ts";

let b: Backend;
let server: Server;
let port: number;

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  server = createServer(trpcListener(await getRuntime()));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  b.close();
});

/** Sends `raw` as it is and returns what came back (empty if the server just closed). */
function exchange(raw: string, { hangUp = false } = {}): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(raw);
      if (hangUp) socket.destroy();
      else socket.end();
    });
    let text = "";
    socket
      .on("data", (chunk) => (text += chunk))
      .on("close", () => done(text))
      .on("error", (e) => (hangUp ? done(text) : fail(e)));
  });
}

const base = () => `http://127.0.0.1:${port}`;

describe("the tRPC listener of the built server", () => {
  it("answers a query with the API headers: never stored, no page policy", async () => {
    const response = await fetch(`${base()}/api/trpc/post.list`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(((await response.json()) as { result: { data: { json: { items: unknown[] } } } }).result.data.json.items).toEqual([]);
  });

  it("refuses a cross-site mutation and a form post", async () => {
    const crossSite = await fetch(`${base()}/api/trpc/post.create`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: "{}",
    });
    expect(crossSite.status).toBe(403);
    const form = await fetch(`${base()}/api/trpc/post.create`, {
      method: "POST",
      headers: { origin: "http://quire.test" },
      body: new URLSearchParams({ title: "x" }),
    });
    expect(form.status).toBe(415);
  });

  it("answers a Host header that makes no address with a 400 that says so", async () => {
    const raw = await exchange("GET /api/trpc/post.list HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n");
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain("Host header");
  });

  it("lets a client hang up mid-upload without an error logged, and goes on serving", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await exchange(
        `POST /api/trpc/post.create HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://quire.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"json":`,
        { hangUp: true },
      );
      // The next client is served as usual.
      expect((await fetch(`${base()}/api/trpc/post.list`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});
