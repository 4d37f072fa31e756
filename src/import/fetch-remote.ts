// Fetches an image an import names from the site it came from, when the admin allows it:
// only http(s), only public addresses (checked on the address actually connected to, so a
// name that resolves to 127.0.0.1, or changes its answer between two lookups, gets nowhere),
// a few redirects each checked again, a time limit and a size limit.
import { lookup as dnsLookup } from "node:dns";
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

export interface RemoteLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Tests serve images from 127.0.0.1: only they turn this on. */
  allowLoopback?: boolean;
}

export class RemoteRefused extends Error {
  override name = "RemoteRefused";
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}
const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** Whether an address is one an import may fetch from. */
export function isPublicAddress(address: string, allowLoopback = false): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped, allowLoopback);
  const type = family === 4 ? "ipv4" : "ipv6";
  if (allowLoopback && loopback.check(address, type)) return true;
  return !blocked.check(address, type);
}

function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const bad = list.find((a) => !isPublicAddress(a.address, allowLoopback));
      if (bad || list.length === 0) {
        return callback(new RemoteRefused(`${hostname} is a private, loopback or link-local address (${bad?.address ?? "none"})`), "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export interface Fetched {
  bytes: Buffer;
  contentType: string;
  url: string;
}

/** The body at `url`, or a RemoteRefused / network error saying why not. */
export async function fetchRemote(url: string, limits: RemoteLimits): Promise<Fetched> {
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    if (target.protocol !== "http:" && target.protocol !== "https:")
      throw new RemoteRefused(`${target.protocol} addresses are not fetched`);
    if (target.username || target.password) throw new RemoteRefused("Addresses with a user name or password are not fetched");
    const literal = target.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal) && !isPublicAddress(literal, limits.allowLoopback)) {
      throw new RemoteRefused(`${literal} is a private, loopback or link-local address`);
    }
    const response = await request(target, limits);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= limits.maxRedirects) throw new RemoteRefused(`More than ${limits.maxRedirects} redirects`);
      target = new URL(response.headers.location, target);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new RemoteRefused(`The server answered ${status}`);
    }
    const declared = Number(response.headers["content-length"] ?? 0);
    if (declared > limits.maxBytes) {
      response.destroy();
      throw new RemoteRefused(`It is ${declared.toLocaleString("en")} bytes, over the ${limits.maxBytes.toLocaleString("en")}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxBytes) {
        response.destroy();
        throw new RemoteRefused(`It is over the ${limits.maxBytes.toLocaleString("en")}-byte limit`);
      }
      chunks.push(chunk);
    }
    return { bytes: Buffer.concat(chunks), contentType: String(response.headers["content-type"] ?? ""), url: target.href };
  }
}

function request(target: URL, limits: RemoteLimits): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = target.protocol === "https:" ? httpsGet : httpGet;
    const req = get(
      target,
      { lookup: guardedLookup(Boolean(limits.allowLoopback)), timeout: limits.timeoutMs, headers: { "user-agent": "Quire-import" } },
      resolve,
    );
    const deadline = setTimeout(() => req.destroy(new RemoteRefused(`No answer within ${limits.timeoutMs / 1000} s`)), limits.timeoutMs);
    req.on("response", (res) => {
      res.on("end", () => clearTimeout(deadline));
      res.on("close", () => clearTimeout(deadline));
    });
    req.on("timeout", () => req.destroy(new RemoteRefused(`No answer within ${limits.timeoutMs / 1000} s`)));
    req.on("error", (e) => {
      clearTimeout(deadline);
      reject(e);
    });
  });
}
