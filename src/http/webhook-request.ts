// One webhook POST: to a public address only (checked on the address connected to, unless
// the site allows private ones), no redirect followed (Node's client never follows one, and
// we do not), the whole exchange within a time limit, and at most a few kilobytes of answer
// read: the status is all a delivery needs, and a receiver must not be able to hold us.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { guardedLookup, isPublicAddress, RemoteRefused } from "./public-address.ts";

export interface WebhookLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  /** Endpoints on private, loopback and link-local addresses are reached too. */
  allowPrivate: boolean;
}

export const WEBHOOK_LIMITS: Omit<WebhookLimits, "allowPrivate"> = { timeoutMs: 10_000, maxResponseBytes: 64 * 1024 };

/** No answer in time: worth another try later, unlike a refusal. */
export class WebhookTimeout extends Error {
  override name = "WebhookTimeout";
}

/** Sends `body`; resolves to the receiver's status, or rejects with why there was none. */
export function postWebhook(url: URL, headers: Record<string, string>, body: string, limits: WebhookLimits): Promise<number> {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return Promise.reject(new RemoteRefused(`${url.protocol} is not http: or https:`));
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  // A literal address is connected to without a lookup: it is checked here instead.
  if (!limits.allowPrivate && isIP(literal) && !isPublicAddress(literal)) {
    return Promise.reject(new RemoteRefused(`${literal} is a private, loopback or link-local address: only public addresses are reached`));
  }
  return new Promise<number>((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "Quire-webhooks",
      },
      ...(limits.allowPrivate ? {} : { lookup: guardedLookup() }),
    });
    const deadline = setTimeout(() => req.destroy(new WebhookTimeout(`No answer within ${limits.timeoutMs / 1000} s`)), limits.timeoutMs);
    req.on("error", (e) => {
      clearTimeout(deadline);
      reject(e);
    });
    req.on("response", (res) => {
      let read = 0;
      const finish = () => {
        clearTimeout(deadline);
        resolve(res.statusCode ?? 0);
      };
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > limits.maxResponseBytes) {
          // Enough: the status has come, and the rest is the receiver's to keep.
          res.destroy();
          finish();
        }
      });
      res.on("end", finish);
      res.on("error", (e) => {
        clearTimeout(deadline);
        reject(e);
      });
    });
    req.end(body);
  });
}
