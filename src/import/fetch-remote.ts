// Fetches an image an import names from the site it came from, when the admin allows it:
// only http(s), only public addresses (http/public-address.ts, checked on the address
// actually connected to), a few redirects each checked again, a time limit and a size limit.
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { isIP } from "node:net";
import { guardedLookup, isPublicAddress, RemoteRefused } from "../http/public-address.ts";

export { isPublicAddress, RemoteRefused };

export interface RemoteLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Tests serve images from 127.0.0.1: only they turn this on. */
  allowLoopback?: boolean;
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
