// Which addresses the server may open a connection to on someone else's say-so (an import's
// image links, a webhook endpoint): public ones only, checked on the address actually
// connected to, so a name that resolves to 127.0.0.1, or changes its answer between two
// lookups, gets nowhere.
import { lookup as dnsLookup } from "node:dns";
import { lookup as dnsLookupAll } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";

/** An address we will not connect to, or a URL we will not open. */
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
  // The unspecified and loopback addresses, and the old IPv4-compatible form (::127.0.0.1).
  ["::", 96],
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

/** Whether an address is a public one (BlockList also matches IPv4-mapped IPv6 against the IPv4 rules). */
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

const privateWords = (host: string, address: string) =>
  `${host} is a private, loopback or link-local address (${address}): only public addresses are reached`;

/** A DNS lookup for http(s).request that fails unless every address the name has is public. */
export function guardedLookup(allowLoopback = false): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const bad = list.find((a) => !isPublicAddress(a.address, allowLoopback));
      if (bad || list.length === 0) return callback(new RemoteRefused(privateWords(hostname, bad?.address ?? "none")), "", 0);
      if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * Why `url` may not be opened (a scheme other than http(s), credentials in it, or a host
 * with a non-public address, looked up now), or null when it may. The lookup only tells
 * the person early: the connection checks again (guardedLookup), since DNS answers change.
 */
export async function refusedUrl(url: URL, allowLoopback = false): Promise<string | null> {
  if (url.protocol !== "http:" && url.protocol !== "https:") return `${url.protocol} addresses are not reached: use http: or https:`;
  if (url.username || url.password) return "Addresses with a user name or password are not reached";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return isPublicAddress(host, allowLoopback) ? null : privateWords(host, host);
  const addresses = await dnsLookupAll(host, { all: true }).catch(() => null);
  if (!addresses?.length) return `${host} could not be found (no DNS answer)`;
  const bad = addresses.find((a) => !isPublicAddress(a.address, allowLoopback));
  return bad ? privateWords(host, bad.address) : null;
}
