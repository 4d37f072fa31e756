// Registering webhook endpoints: what admins may enter, the secret shown once, and the
// refusal of addresses the server must not reach, at registration and again at delivery.
import { TRPCError } from "@trpc/server";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z, ZodError } from "zod";
import { loadConfig, useConfig } from "../../../src/config.ts";
import { isPublicAddress } from "../../../src/http/public-address.ts";
import { createBackend, type Backend } from "../harness.ts";
import { deliveryRunner, startReceiver, type Receiver } from "./receiver.ts";

type Caller = Awaited<ReturnType<Backend["signUp"]>>["caller"];
let b: Backend;
let receiver: Receiver;
let admin: Caller;
let author: Caller;

/** The site's configuration with or without the allowance for private addresses. */
function allowPrivate(on: boolean) {
  useConfig(loadConfig({ ...process.env, NODE_ENV: "test", BETTER_AUTH_SECRET: "x".repeat(40), WEBHOOKS_ALLOW_PRIVATE: String(on) }));
}

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    // A zod refusal as the API's error formatter words it: the field, then the reason.
    if (e instanceof TRPCError && e.cause instanceof ZodError) {
      const [field, messages] = Object.entries(z.flattenError(e.cause).fieldErrors)[0]!;
      return `${e.code} ${field}: ${(messages as string[])[0]}`;
    }
    if (e instanceof TRPCError) return `${e.code} ${e.message}`;
    throw e;
  }
  return "OK";
}

beforeAll(async () => {
  b = await createBackend();
  receiver = await startReceiver();
  admin = (await b.signUp("Ada Admin", null)).caller;
  author = (await b.signUp("Arthur Author", "author")).caller;
});
afterAll(async () => {
  await receiver.close();
  b.close();
});

describe("registering an endpoint", () => {
  it("shows a Standard Webhooks secret once, lists the endpoint without it, and edits, turns off and deletes it", async () => {
    allowPrivate(true);
    const { id, secret } = await admin.webhook.create({ url: `${receiver.url}/hook`, events: ["post.published"], description: "Slack" });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // The secret is one the package can sign and verify with.
    const signature = new Webhook(secret).sign("msg_1", new Date(), "{}");
    expect(() =>
      new Webhook(secret).verify("{}", {
        "webhook-id": "msg_1",
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": signature,
      }),
    ).not.toThrow();

    const [listed] = await admin.webhook.list();
    expect(listed).toMatchObject({
      id,
      url: `${receiver.url}/hook`,
      events: ["post.published"],
      enabled: true,
      description: "Slack",
      lastOutcome: null,
    });
    expect(JSON.stringify(await admin.webhook.list())).not.toContain(secret.slice(6));

    await admin.webhook.update({ id, events: ["post.published", "comment.created", "post.published"], description: "Slack #news" });
    await admin.webhook.setEnabled({ id, enabled: false });
    const { secret: rotated } = await admin.webhook.rotateSecret({ id });
    expect(rotated).not.toBe(secret);
    expect((await admin.webhook.list())[0]).toMatchObject({
      events: ["post.published", "comment.created"],
      enabled: false,
      description: "Slack #news",
    });
    await admin.webhook.delete({ id });
    expect(await admin.webhook.list()).toEqual([]);
    expect(await refusal(admin.webhook.delete({ id }))).toBe("NOT_FOUND No webhook endpoint with that id");
  });

  it("answers bad input with the field and the reason, and keeps nothing", async () => {
    allowPrivate(true);
    expect(await refusal(admin.webhook.create({ url: "not an address", events: ["post.published"] }))).toBe(
      "BAD_REQUEST url: Use an http:// or https:// address",
    );
    expect(await refusal(admin.webhook.create({ url: "ftp://example.com/x", events: ["post.published"] }))).toBe(
      "BAD_REQUEST url: Use an http:// or https:// address",
    );
    expect(await refusal(admin.webhook.create({ url: `${receiver.url}/x`, events: [] }))).toBe(
      "BAD_REQUEST events: Choose at least one event",
    );
    expect(await refusal(admin.webhook.create({ url: `${receiver.url}/x`, events: ["post.exploded" as never] }))).toMatch(
      /^BAD_REQUEST events/,
    );
    expect(await admin.webhook.list()).toEqual([]);
  });
});

describe("private addresses, with the allowance off", () => {
  it.each([
    ["loopback", "http://127.0.0.1:9/hook"],
    ["a name for loopback", "http://localhost:9/hook"],
    ["IPv6 loopback", "http://[::1]:9/hook"],
    ["IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]/hook"],
    ["private", "http://10.1.2.3/hook"],
    ["private", "https://192.168.1.20/hook"],
    ["CGNAT", "http://100.64.0.1/hook"],
    ["cloud metadata", "http://169.254.169.254/latest/meta-data/"],
    ["unique local IPv6", "http://[fd00:ec2::254]/"],
    ["multicast", "http://224.0.0.1/"],
  ])("refuses %s at registration: %s", async (_, url) => {
    allowPrivate(false);
    const refused = await refusal(admin.webhook.create({ url, events: ["post.published"] }));
    expect(refused).toMatch(/^BAD_REQUEST url: .* is a private, loopback or link-local address .*WEBHOOKS_ALLOW_PRIVATE=true/);
    expect(await admin.webhook.list()).toEqual([]);
  });

  it("refuses a change of address to a private one", async () => {
    allowPrivate(true);
    const { id } = await admin.webhook.create({ url: `${receiver.url}/hook`, events: ["post.published"] });
    allowPrivate(false);
    expect(await refusal(admin.webhook.update({ id, url: "http://localhost:9/elsewhere" }))).toMatch(
      /^BAD_REQUEST url: localhost is a private/,
    );
    await admin.webhook.delete({ id });
  });

  it("refuses at delivery an endpoint that was allowed when it was registered, by name or by address", async () => {
    allowPrivate(true);
    const byName = await admin.webhook.create({
      url: `${receiver.url.replace("127.0.0.1", "localhost")}/by-name`,
      events: ["post.published"],
    });
    const byAddress = await admin.webhook.create({ url: `${receiver.url}/by-address`, events: ["post.published"] });
    const post = await author.post.create({ title: "Not for private ears" });
    await author.post.publish({ id: post.id });
    await deliveryRunner(b, { allowPrivate: false }).drain();

    expect(receiver.received).toEqual([]);
    for (const { id } of [byName, byAddress]) {
      const log = await admin.webhook.deliveries({ id });
      // Refused for good at once: a retry would be refused the same way.
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ outcome: "failed", responseStatus: null, attempt: 1 });
      expect(log[0]!.error).toMatch(/is a private, loopback or link-local address/);
    }
    const listed = await admin.webhook.list();
    expect(listed.map((e) => e.lastOutcome)).toEqual(["failed", "failed"]);
  });

  it("judges the address, not its spelling", () => {
    for (const address of ["::ffff:7f00:1", "::ffff:a00:1", "::127.0.0.1", "0.0.0.0", "fe80::1", "ff02::1"]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    expect(isPublicAddress("2606:2800:220:1:248:1893:25c8:1946")).toBe(true);
  });
});
