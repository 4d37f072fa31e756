// The auth API as a browser or an attacker reaches it: real Requests through the real route
// (src/pages/api/auth/[...all].ts), the real better-auth and a real database.
import { afterEach, describe, expect, it } from "vitest";
import { desc, eq } from "drizzle-orm";
import type { APIContext } from "astro";
import { MailOutbox, session, user } from "../../db/schema.ts";
import { ALL as authRoute } from "../../src/pages/api/auth/[...all].ts";
import { createBackend, type Backend } from "./harness.ts";
import { uploadedAvatar } from "./media-fixtures.ts";
import { securityHeaders } from "../../src/http/headers.ts";

const backends: Backend[] = [];
afterEach(() => {
  for (const b of backends.splice(0)) b.close();
});

async function backend(env: Record<string, string> = {}) {
  const b = await createBackend({ env });
  b.mount();
  backends.push(b);
  return b;
}

/** Sends a request to the auth route as the Node server would, from `clientAddress`. */
function send(
  b: Backend,
  path: string,
  init: { body?: unknown; clientAddress?: string; headers?: Record<string, string>; method?: string } = {},
) {
  const origin = new URL(b.config.siteUrl).origin;
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const request = new Request(`${origin}/api/auth${path}`, {
    method,
    headers: {
      ...(method === "GET" ? {} : { origin, "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return authRoute({ request, clientAddress: init.clientAddress ?? "192.0.2.1" } as unknown as APIContext) as Promise<Response>;
}

/** A sign-up signs nobody in (it answers alike for taken addresses): the sign-in after it does. */
async function signUpAndIn(b: Backend, body: { name: string; email: string; password: string }, clientAddress?: string) {
  const signedUp = await send(b, "/sign-up/email", { body, clientAddress });
  expect(signedUp.status).toBe(200);
  expect(signedUp.headers.getSetCookie().filter((c) => /session_token=[^;]/.test(c))).toEqual([]);
  return send(b, "/sign-in/email", { body: { email: body.email, password: body.password }, clientAddress });
}

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

async function lastMailTo(b: Backend, to: string) {
  const [mail] = await b.db.db.select().from(MailOutbox).where(eq(MailOutbox.to, to)).orderBy(desc(MailOutbox.id)).limit(1);
  expect(mail, `a mail to ${to}`).toBeDefined();
  return { ...mail!, link: /https?:\/\/\S+/.exec(mail!.text)![0] };
}

describe("sign-in, sign-up and reset are rate limited per client", () => {
  const attempt = (b: Backend, clientAddress: string, headers: Record<string, string> = {}) =>
    send(b, "/sign-in/email", { body: { email: "nobody@quire.test", password: "wrong password" }, clientAddress, headers });

  it("counts each directly connected client on its own, and says why it refuses", async () => {
    const b = await backend({ AUTH_RATE_LIMIT: "3" });
    for (let i = 0; i < 3; i++) expect((await attempt(b, "198.51.100.1")).status).toBe(401);
    const refused = await attempt(b, "198.51.100.1");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toMatch(/too many requests/i);
    // Another client is not punished for the first one's attempts.
    expect((await attempt(b, "198.51.100.2")).status).toBe(401);
    // A client cannot pose as another by sending the forwarding header itself.
    expect((await attempt(b, "198.51.100.1", { "x-forwarded-for": "203.0.113.99" })).status).toBe(429);
    expect((await attempt(b, "198.51.100.1", { "x-quire-client-ip": "203.0.113.98" })).status).toBe(429);
  });

  it("behind a trusted proxy counts the address the proxy saw, whatever the client adds in front", async () => {
    const b = await backend({ AUTH_RATE_LIMIT: "3", TRUST_PROXY: "true" });
    const proxy = "10.0.0.2"; // every request arrives from the proxy's socket
    for (let i = 0; i < 3; i++) expect((await attempt(b, proxy, { "x-forwarded-for": "198.51.100.7" })).status).toBe(401);
    expect((await attempt(b, proxy, { "x-forwarded-for": "198.51.100.7" })).status).toBe(429);
    // The proxy appends what it saw; a client-written entry before it changes nothing.
    expect((await attempt(b, proxy, { "x-forwarded-for": "203.0.113.5, 198.51.100.7" })).status).toBe(429);
    // Another client behind the same proxy has its own allowance.
    expect((await attempt(b, proxy, { "x-forwarded-for": "198.51.100.8" })).status).toBe(401);
  });

  it("limits sign-up and password-reset requests as well", async () => {
    const b = await backend({ AUTH_RATE_LIMIT: "2" });
    const signUp = (n: number) =>
      send(b, "/sign-up/email", {
        body: { name: "Sam", email: `sam${n}@quire.test`, password: "long enough password" },
        clientAddress: "198.51.100.20",
      });
    expect((await signUp(1)).status).toBe(200);
    expect((await signUp(2)).status).toBe(200);
    expect((await signUp(3)).status).toBe(429);
    expect(await b.db.db.select().from(user).where(eq(user.email, "sam3@quire.test"))).toEqual([]);

    const reset = () =>
      send(b, "/request-password-reset", {
        body: { email: "sam1@quire.test", redirectTo: "/reset-password" },
        clientAddress: "198.51.100.21",
      });
    expect((await reset()).status).toBe(200);
    expect((await reset()).status).toBe(200);
    expect((await reset()).status).toBe(429);
    const mails = await b.db.db.select().from(MailOutbox).where(eq(MailOutbox.subject, "Reset your Quire password"));
    expect(mails).toHaveLength(2);
  });

  it("never limits reading who is signed in: many readers may share one address", async () => {
    const b = await backend();
    const signedIn = await signUpAndIn(
      b,
      { name: "Nat Shared", email: "nat@quire.test", password: "long enough password" },
      "198.51.100.30",
    );
    const cookie = cookieOf(signedIn);
    // Past the global allowance (100 a minute), every post view still finds its reader.
    for (let i = 0; i < 120; i++) {
      const response = await send(b, "/get-session", { headers: { cookie }, clientAddress: "198.51.100.30" });
      expect(response.status, `request ${i + 1}`).toBe(200);
    }
    const last = await send(b, "/get-session", { headers: { cookie }, clientAddress: "198.51.100.30" });
    expect(((await last.json()) as { user: { email: string } }).user.email).toBe("nat@quire.test");
  });
});

describe("session cookies", () => {
  async function signUpCookies(siteUrl: string) {
    const b = await backend({ SITE_URL: siteUrl });
    const response = await signUpAndIn(b, { name: "Cora", email: "cora@quire.test", password: "long enough password" });
    expect(response.status).toBe(200);
    return response.headers.getSetCookie().find((c) => c.includes("session_token="))!;
  }

  it("are HttpOnly, SameSite=Lax, Secure and __Secure- prefixed when the site is https", async () => {
    const cookie = await signUpCookies("https://blog.example.com");
    expect(cookie).toMatch(/^__Secure-better-auth\.session_token=/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Secure/i);
  });

  it("still work on a plain http site (a local run), without the Secure flag a browser would drop there", async () => {
    const cookie = await signUpCookies("http://localhost:4321");
    expect(cookie).toMatch(/^better-auth\.session_token=/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });
});

describe("mail without an SMTP server goes to the outbox", () => {
  it("verifies the address from the link in the sign-up mail", async () => {
    const b = await backend();
    const signUp = await send(b, "/sign-up/email", {
      body: { name: "Vera", email: "vera@quire.test", password: "long enough password", callbackURL: "/dashboard" },
    });
    expect(signUp.status).toBe(200);
    const mail = await lastMailTo(b, "vera@quire.test");
    expect(mail.subject).toBe("Confirm your email for Quire");
    const [before] = await b.db.db.select().from(user).where(eq(user.email, "vera@quire.test"));
    expect(before!.emailVerified).toBe(false);

    const url = new URL(mail.link);
    const followed = await send(b, url.pathname.replace("/api/auth", "") + url.search);
    expect(followed.status).toBe(302);
    expect(followed.headers.get("location")).toMatch(/\/dashboard$/);
    const [after] = await b.db.db.select().from(user).where(eq(user.email, "vera@quire.test"));
    expect(after!.emailVerified).toBe(true);

    // An admin reads what was kept (the page at /admin/outbox lists this).
    const { caller } = await b.signUp("Otto Outbox", "admin");
    expect((await caller.mail.outbox()).map((m) => [m.to, m.subject])).toContainEqual(["vera@quire.test", "Confirm your email for Quire"]);
  });

  it("resets a password from the mailed link, ends every session, and the new password signs in", async () => {
    const b = await backend();
    const signUp = await signUpAndIn(b, { name: "Rex", email: "rex@quire.test", password: "old password here" });
    const oldCookie = cookieOf(signUp);
    expect((await send(b, "/request-password-reset", { body: { email: "rex@quire.test", redirectTo: "/reset-password" } })).status).toBe(
      200,
    );
    const mail = await lastMailTo(b, "rex@quire.test");
    expect(mail.subject).toBe("Reset your Quire password");

    const url = new URL(mail.link);
    const landing = await send(b, url.pathname.replace("/api/auth", "") + url.search);
    expect(landing.status).toBe(302);
    const target = new URL(landing.headers.get("location")!, b.config.siteUrl);
    expect(target.pathname).toBe("/reset-password");
    const token = target.searchParams.get("token")!;
    expect((await send(b, "/reset-password", { body: { newPassword: "new password here", token } })).status).toBe(200);

    const [rex] = await b.db.db.select().from(user).where(eq(user.email, "rex@quire.test"));
    expect(await b.db.db.select().from(session).where(eq(session.userId, rex!.id))).toEqual([]);
    expect(await send(b, "/get-session", { headers: { cookie: oldCookie } }).then((r) => r.json())).toBeNull();
    expect((await send(b, "/sign-in/email", { body: { email: "rex@quire.test", password: "old password here" } })).status).toBe(401);
    expect((await send(b, "/sign-in/email", { body: { email: "rex@quire.test", password: "new password here" } })).status).toBe(200);
    // The link works once.
    expect((await send(b, "/reset-password", { body: { newPassword: "third password here", token } })).status).toBe(400);
  });
});

describe("security headers", () => {
  it("promise https (HSTS) only for an https site, where browsers honour it", () => {
    expect(securityHeaders("https://blog.example.com")["Strict-Transport-Security"]).toMatch(/^max-age=\d{7,}/);
    expect(securityHeaders("http://localhost:4321")).not.toHaveProperty("Strict-Transport-Security");
  });
});

describe("better-auth's own endpoints keep the profile form's rules", () => {
  const signUp = (b: Backend, body: Record<string, unknown>) =>
    send(b, "/sign-up/email", {
      body: { email: `p.${Math.random().toString(36).slice(2)}@quire.test`, password: "correct horse battery", ...body },
    });

  it("sign-up refuses a name the profile form would refuse, and stores nothing", async () => {
    const b = await backend();
    for (const name of ["x".repeat(20_000), "   ", "Esc\u001b[31mape"]) {
      const refused = await signUp(b, { name });
      expect(refused.status, name.slice(0, 20)).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toMatch(/^name: /);
    }
    expect(await b.db.db.select().from(user)).toEqual([]);
    const made = await signUp(b, { name: "  Nia Normal  " });
    expect(made.status).toBe(200);
    expect((await b.db.db.select({ name: user.name }).from(user))[0]!.name).toBe("Nia Normal");
  });

  it("update-user refuses a bad name or avatar with a 400 that names the field, and changes nothing", async () => {
    const b = await backend();
    const { cookie, userId } = await b.signUp("Uma Update", "reader");
    const before = (await b.db.db.select().from(user).where(eq(user.id, userId)))[0];
    for (const body of [
      { name: {} },
      { name: "y".repeat(81) },
      { image: "javascript:alert(1)" },
      { image: `https://quire.test/${"a".repeat(60_000)}` },
      { image: "https://images.quire.test/uma.png" },
      { image: `/media/${"0".repeat(64)}/480.jpg` },
      { image: 42 },
    ]) {
      const refused = await send(b, "/update-user", { body, headers: { cookie } });
      expect(refused.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toMatch(new RegExp(`^${Object.keys(body)[0]}: `));
    }
    expect((await b.db.db.select().from(user).where(eq(user.id, userId)))[0]).toEqual(before);
    const avatar = await uploadedAvatar(b.db.write, userId);
    const ok = await send(b, "/update-user", { body: { name: "Uma Updated", image: avatar }, headers: { cookie } });
    expect(ok.status).toBe(200);
    const after = (await b.db.db.select().from(user).where(eq(user.id, userId)))[0]!;
    expect([after.name, after.image]).toEqual(["Uma Updated", avatar]);
  });
});

describe("sign-up tells nobody whether an address has an account", () => {
  it("answers a taken address as it answers a new one, and mails the owner instead, once an hour", async () => {
    const b = await backend();
    const owner = { name: "Olivia Owner", email: "olivia@quire.test", password: "the owner's password" };
    expect((await signUpAndIn(b, owner)).status).toBe(200);

    const attempt = (email: string) =>
      send(b, "/sign-up/email", { body: { name: "Mallory", email, password: "attacker password" }, clientAddress: "198.51.100.77" });
    const shape = async (r: Response) => {
      const body = (await r.json()) as { token: unknown; user: Record<string, unknown> };
      return {
        status: r.status,
        cookies: r.headers.getSetCookie().filter((c) => /session_token=[^;]/.test(c)),
        token: body.token,
        user: Object.fromEntries(Object.entries(body.user).filter(([k]) => !["id", "email", "createdAt", "updatedAt"].includes(k))),
      };
    };
    const taken = await shape(await attempt("olivia@quire.test"));
    const fresh = await shape(await attempt("nobody.yet@quire.test"));
    expect(taken).toEqual(fresh);
    expect(taken).toMatchObject({ status: 200, cookies: [], token: null, user: { name: "Mallory", role: "reader" } });

    const mails = async (to: string) => (await b.db.db.select().from(MailOutbox).where(eq(MailOutbox.to, to))).map((m) => m.subject);
    expect(await mails("olivia@quire.test")).toContain("You already have a Quire account");
    expect(await mails("nobody.yet@quire.test")).toEqual(["Confirm your email for Quire"]);
    // The owner's password still works; the attempt's does not.
    expect((await send(b, "/sign-in/email", { body: { email: owner.email, password: owner.password } })).status).toBe(200);
    expect((await send(b, "/sign-in/email", { body: { email: owner.email, password: "attacker password" } })).status).toBe(401);

    // Tried again and again: still one mail in the hour.
    await attempt("olivia@quire.test");
    await attempt("olivia@quire.test");
    expect((await mails("olivia@quire.test")).filter((s) => s === "You already have a Quire account")).toHaveLength(1);
  });
});
