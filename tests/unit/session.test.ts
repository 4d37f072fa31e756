// readSession answers what better-auth's getSession answers, for every kind of cookie, and
// leaves expiry and refresh to better-auth.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { session, user } from "../../db/schema.ts";
import { readSession } from "../../src/server/session.ts";
import { createBackend, type Backend } from "./harness.ts";

let b: Backend;
let adminCookie: string;
let adminId: string;
beforeAll(async () => {
  b = await createBackend();
  // The first account runs the place.
  ({ cookie: adminCookie, userId: adminId } = await b.signUp("Ada Admin", null));
});
afterAll(() => b.close());

const headers = (cookie: string) => new Headers({ cookie });
const both = async (cookie: string) => ({
  ours: await readSession(b.auth, b.db.db, headers(cookie)),
  theirs: await b.auth.api.getSession({ headers: headers(cookie) }),
});
const tokenOf = (cookie: string) => {
  const value = decodeURIComponent(/better-auth\.session_token=([^;]+)/.exec(cookie)![1]!);
  return value.slice(0, value.lastIndexOf("."));
};

describe("readSession", () => {
  it("finds the same session and user as better-auth, with the current role", async () => {
    const { cookie, userId } = await b.signUp("Rita Reader", "reader");
    const { ours, theirs } = await both(cookie);
    expect(ours?.user.id).toBe(userId);
    expect(ours).toEqual(theirs);
    await b.db.db.update(user).set({ role: "editor" }).where(eq(user.id, userId));
    expect((await readSession(b.auth, b.db.db, headers(cookie)))?.user.role).toBe("editor");
  });

  it("finds the session among other cookies, quoted or not", async () => {
    const { cookie, userId } = await b.signUp("Olga Other", "reader");
    const [name, value] = cookie
      .split("; ")
      .find((c) => c.includes("session_token="))!
      .split(/=(.*)/s);
    const session = await readSession(b.auth, b.db.db, headers(`theme=dark; ${name}="${value}"; lang=en`));
    expect(session?.user.id).toBe(userId);
  });

  it("answers null like better-auth for no cookie, a forged signature and an unknown token", async () => {
    const { cookie } = await b.signUp("Fay Forged", "reader");
    const token = tokenOf(cookie);
    const forged = `better-auth.session_token=${encodeURIComponent(`${token}.${"A".repeat(43)}=`)}`;
    const unsigned = `better-auth.session_token=${token}`;
    for (const c of ["", "other=1", forged, unsigned]) {
      const { ours, theirs } = await both(c);
      expect(ours).toBeNull();
      expect(theirs).toBeNull();
    }
    // A signed token whose session is gone (signed out, revoked, banned).
    await b.db.db.delete(session).where(eq(session.token, token));
    expect(await readSession(b.auth, b.db.db, headers(cookie))).toBeNull();
  });

  it("leaves an expired session to better-auth, which ends it", async () => {
    const { cookie } = await b.signUp("Eve Expired", "reader");
    const token = tokenOf(cookie);
    await b.db.db
      .update(session)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(session.token, token));
    expect(await readSession(b.auth, b.db.db, headers(cookie))).toBeNull();
    expect(await b.db.db.select().from(session).where(eq(session.token, token))).toEqual([]);
  });

  it("leaves a session due for its refresh to better-auth, which extends it", async () => {
    const { cookie, userId } = await b.signUp("Rex Refresh", "reader");
    const token = tokenOf(cookie);
    // Last extended two days ago: past the one-day update age of a 30-day session.
    const stale = new Date(Date.now() + 28 * 86_400_000);
    await b.db.db.update(session).set({ expiresAt: stale }).where(eq(session.token, token));
    expect((await readSession(b.auth, b.db.db, headers(cookie)))?.user.id).toBe(userId);
    const [row] = await b.db.db.select().from(session).where(eq(session.token, token));
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it("never extends an impersonation, whichever cookies come with it", async () => {
    const { userId } = await b.signUp("Ivy Impersonated", "reader");
    const started = await b.auth.api.impersonateUser({ body: { userId }, headers: headers(adminCookie), asResponse: true });
    expect(started.status).toBe(200);
    // Only the session cookie, without the dont_remember one that came beside it.
    const cookie = started.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .findLast((c) => /^better-auth\.session_token=./.test(c))!;
    const token = tokenOf(cookie);
    const expiry = async () => (await b.db.db.select().from(session).where(eq(session.token, token)))[0]!.expiresAt.getTime();
    const ends = await expiry();
    expect(ends).toBeLessThanOrEqual(Date.now() + 3_600_000);

    const seen = await readSession(b.auth, b.db.db, headers(cookie));
    expect(seen?.user.id).toBe(userId);
    expect(seen?.session.impersonatedBy).toBe(adminId);
    expect(await expiry()).toBe(ends);
    // better-auth's own get-session does not extend it either.
    expect((await b.auth.api.getSession({ headers: headers(cookie) }))?.user.id).toBe(userId);
    expect(await expiry()).toBe(ends);
  });

  it("answers no session for a banned account, even if the ban left one alive", async () => {
    const { cookie, userId } = await b.signUp("Bo Banned", "author");
    await b.db.db.update(user).set({ banned: true }).where(eq(user.id, userId));
    expect(await readSession(b.auth, b.db.db, headers(cookie))).toBeNull();
    const refused = await (await b.callerWithCookie(cookie)).user.me().catch((e: { code: string }) => e.code);
    expect(refused).toBe("UNAUTHORIZED");
    // A ban whose end has passed holds no more.
    await b.db.db
      .update(user)
      .set({ banExpires: new Date(Date.now() - 1000) })
      .where(eq(user.id, userId));
    expect((await readSession(b.auth, b.db.db, headers(cookie)))?.user.id).toBe(userId);
    await b.db.db
      .update(user)
      .set({ banExpires: new Date(Date.now() + 60_000) })
      .where(eq(user.id, userId));
    expect(await readSession(b.auth, b.db.db, headers(cookie))).toBeNull();
  });
});
