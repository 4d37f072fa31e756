// Fetching an import's images from their old site: public addresses only, with limits.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRemote, isPublicAddress } from "../../../src/import/fetch-remote.ts";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/image.png") return res.end(Buffer.from("png bytes"));
    if (req.url === "/big") return res.end(Buffer.alloc(5000));
    if (req.url === "/hop") return res.writeHead(302, { location: "/image.png" }).end();
    if (req.url === "/to-metadata") return res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (req.url === "/slow") return setTimeout(() => res.end("late"), 2000);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const limits = { maxBytes: 1000, timeoutMs: 500, maxRedirects: 3 };

describe("which addresses an import may fetch from", () => {
  it.each([
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.20.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["::1", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false],
    ["0.0.0.0", false],
    ["93.184.216.34", true],
    ["2606:2800:220:1:248:1893:25c8:1946", true],
  ])("%s public: %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("fetching", () => {
  it("refuses loopback unless the test allowance is on", async () => {
    await expect(fetchRemote(`${base}/image.png`, limits)).rejects.toThrow(/private, loopback or link-local/);
    const got = await fetchRemote(`${base}/image.png`, { ...limits, allowLoopback: true });
    expect(got.bytes.toString()).toBe("png bytes");
  });

  it("refuses a name that resolves to loopback, checked at connection time", async () => {
    await expect(fetchRemote(`${base.replace("127.0.0.1", "localhost")}/image.png`, limits)).rejects.toThrow(
      /private, loopback or link-local/,
    );
  });

  it("follows a redirect, but not one to a private address", async () => {
    expect((await fetchRemote(`${base}/hop`, { ...limits, allowLoopback: true })).url).toBe(`${base}/image.png`);
    await expect(fetchRemote(`${base}/to-metadata`, { ...limits, allowLoopback: true })).rejects.toThrow(/169\.254\.169\.254 is a private/);
  });

  it("stops at the size limit, the time limit, and other schemes", async () => {
    await expect(fetchRemote(`${base}/big`, { ...limits, allowLoopback: true })).rejects.toThrow(/over the 1,000-byte limit/);
    await expect(fetchRemote(`${base}/slow`, { ...limits, allowLoopback: true })).rejects.toThrow(/No answer within 0.5 s/);
    await expect(fetchRemote("file:///etc/passwd", limits)).rejects.toThrow(/file: addresses are not fetched/);
    await expect(fetchRemote(`${base}/missing`, { ...limits, allowLoopback: true })).rejects.toThrow(/answered 404/);
  });
});
