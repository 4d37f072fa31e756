// Cross-site request forgery: every state-changing endpoint (each tRPC mutation, each
// better-auth POST endpoint) is sent every kind of request a page on another site can make
// with the victim's cookie, through the real API routes; nothing may change. The same
// request from our own pages must still work, or the refusal would prove nothing.
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import type { APIContext } from "astro";
import superjson from "superjson";
import { desc, eq } from "drizzle-orm";
import { Comment, Job, Post, Revision, Subscriber, WebhookDelivery, user } from "../../db/schema.ts";
import { ALL as authRoute } from "../../src/pages/api/auth/[...all].ts";
import { ALL as trpcRoute } from "../../src/pages/api/trpc/[trpc].ts";
import { appRouter } from "../../src/server/root.ts";
import { isSameOrigin } from "../../src/http/request.ts";
import { createBackend, type Backend } from "./harness.ts";
import { randomBytes, randomUUID } from "node:crypto";
import { enqueue } from "../../src/jobs/queue.ts";
import { saveRedirect } from "../../src/server/queries/imports.ts";
import { processImage } from "../../src/media/pipeline.ts";
import { recordUpload } from "../../src/server/queries/media.ts";
import { LIMITS, photo } from "./media-fixtures.ts";
import { createApiKey } from "../../src/server/api/keys.ts";

const SITE = "http://quire.test";
const EVIL = "https://evil.example";

type Kind = { name: string; headers: (cookie: string) => Record<string, string>; body: (json: unknown) => BodyInit };
const KINDS: Kind[] = [
  {
    name: "an HTML form (urlencoded)",
    headers: (cookie) => ({ cookie, origin: EVIL, "content-type": "application/x-www-form-urlencoded" }),
    body: (json) => new URLSearchParams({ json: JSON.stringify(json) }).toString(),
  },
  {
    name: "a multipart form",
    headers: (cookie) => ({ cookie, origin: EVIL }),
    body: (json) => {
      const form = new FormData();
      form.set("json", JSON.stringify(json));
      return form;
    },
  },
  {
    name: "text/plain carrying JSON",
    headers: (cookie) => ({ cookie, origin: EVIL, "content-type": "text/plain" }),
    body: (json) => JSON.stringify(json),
  },
  {
    name: "JSON from a foreign Origin",
    headers: (cookie) => ({ cookie, origin: EVIL, "content-type": "application/json" }),
    body: (json) => JSON.stringify(json),
  },
  {
    name: "JSON with the cookie and no Origin at all",
    headers: (cookie) => ({ cookie, "content-type": "application/json" }),
    body: (json) => JSON.stringify(json),
  },
];

const context = (request: Request) =>
  ({ request, clientAddress: "192.0.2.50", cache: { enabled: false, invalidate: async () => {} } }) as unknown as APIContext;

let b: Backend;
let admin: { cookie: string; userId: string };

/**
 * Every row of every table: "nothing changed" means exactly this is equal. The search
 * index (post_fts and its shadow tables) only mirrors `post`, which is compared.
 */
async function snapshot() {
  const tables = await b.db.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' and name not like 'post_fts%' order by name",
  );
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables.rows)
    out[String(name)] = (await b.db.client.execute(`select * from "${String(name)}" order by rowid`)).rows;
  return out;
}

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  admin = await b.signUp("Ada Admin", "admin");
});
afterAll(() => b.close());

describe("tRPC mutations refuse cross-site requests", () => {
  const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
    .filter(([, p]) => p._def.type === "mutation")
    .map(([path]) => path);

  /** A valid input per mutation, made against fresh fixtures, so the same request from our own page succeeds. */
  const inputs: Record<string, () => Promise<unknown>> = {
    "post.preview": async () => ({ body: "*hi*" }),
    "post.create": async () => ({ title: "Forged post" }),
    "post.update": async () => {
      const post = await newPost();
      return { id: post.id, version: post.version, title: "Forged title" };
    },
    "post.publish": async () => ({ id: (await newPost()).id }),
    "post.unpublish": async () => ({ id: (await newPost(true)).id }),
    "post.delete": async () => ({ id: (await newPost()).id }),
    "post.restore": async () => {
      const post = await newPost();
      await (await b.callerWithCookie(admin.cookie)).post.update({ id: post.id, version: post.version, body: "second" });
      const [first] = await b.db.db.select().from(Revision).where(eq(Revision.postId, post.id)).orderBy(Revision.createdAt).limit(1);
      return { revisionId: first!.id, version: post.version + 1 };
    },
    "comment.create": async () => ({ postId: (await newPost(true)).id, body: "Forged comment" }),
    "comment.edit": async () => ({ id: (await newComment()).id, body: "Forged edit" }),
    "comment.delete": async () => ({ id: (await newComment()).id }),
    "comment.hide": async () => ({ id: (await newComment()).id }),
    "comment.unhide": async () => {
      const comment = await newComment();
      await (await b.callerWithCookie(admin.cookie)).comment.hide({ id: comment.id });
      return { id: comment.id };
    },
    "comment.approve": async () => ({ id: (await newComment("held")).id }),
    "comment.reject": async () => ({ id: (await newComment("held")).id }),
    "settings.update": async () => ({ title: `Forged title ${++n}` }),
    "user.updateProfile": async () => ({ name: "Forged Name", bio: "", image: "" }),
    "media.delete": async () => ({ hash: await newImage() }),
    "user.setRole": async () => ({ userId: (await b.signUp("Target", "reader")).userId, role: "admin" }),
    "user.ban": async () => ({ userId: (await b.signUp("Target", "reader")).userId }),
    "user.unban": async () => {
      const { userId } = await b.signUp("Target", "reader");
      await b.db.db.update(user).set({ banned: true }).where(eq(user.id, userId));
      return { userId };
    },
    "import.confirm": async () => {
      const id = randomUUID();
      await b.db.write((d) => enqueue(d, { id, kind: "import", payload: { file: "/nowhere", actorId: admin.userId, step: "preview" } }));
      await b.db.write((d) => d.update(Job).set({ status: "done" }).where(eq(Job.id, id)));
      return { id, fetchImages: false };
    },
    "redirect.save": async () => ({ from: `/?p=${++n}`, to: "/posts/forged" }),
    "redirect.delete": async () => {
      const from = `/old-${++n}/`;
      await saveRedirect(b.db.write, { from, to: "/posts/kept" });
      return { from };
    },
    "webhook.create": async () => ({ url: "https://93.184.216.34/hook", events: ["post.published"] }),
    "webhook.update": async () => ({ id: await newEndpoint(), description: "Forged" }),
    "webhook.setEnabled": async () => ({ id: await newEndpoint(), enabled: false }),
    "webhook.rotateSecret": async () => ({ id: await newEndpoint() }),
    "webhook.delete": async () => ({ id: await newEndpoint() }),
    "webhook.resend": async () => {
      const id = randomUUID();
      await b.db.db.insert(WebhookDelivery).values({
        id,
        endpointId: await newEndpoint(),
        messageId: `msg_${id}`,
        eventType: "post.published",
        attempt: 1,
        outcome: "failed",
        durationMs: 5,
        body: "{}",
      });
      return { deliveryId: id };
    },
    "newsletter.subscribeMe": async () => ({ all: true }),
    "newsletter.unsubscribeMe": async () => undefined,
    "newsletter.importCsv": async () => ({ csv: `email\nforged${++n}@readers.test\n`, consented: true }),
    "newsletter.remove": async () => {
      const email = `kept${++n}@readers.test`;
      await (await b.callerWithCookie(admin.cookie)).newsletter.importCsv({ csv: `email\n${email}\n`, consented: true });
      const [row] = await b.db.db.select({ id: Subscriber.id }).from(Subscriber).where(eq(Subscriber.email, email));
      return { id: row!.id };
    },
    "newsletter.retryFailed": async () => ({ postId: (await newPost(true)).id }),
    "apiKey.create": async () => ({ type: "admin", name: "Forged key" }),
    "apiKey.revoke": async () => ({ id: (await createApiKey(b.db.write, { type: "content", name: "Kept", userId: admin.userId })).id }),
  };

  let n = 0;
  /** An image of the admin's, used nowhere: its rows only, a fresh hash each time. */
  async function newImage() {
    const image = await processImage(await photo(64, 48), LIMITS);
    const hash = randomBytes(32).toString("hex");
    await recordUpload(b.db.write, { ...image, hash }, { userId: admin.userId, fileName: "forged.jpg", bytes: 1 });
    return hash;
  }
  /** A webhook endpoint at a literal public address (registration looks names up; tests have no DNS). */
  async function newEndpoint() {
    const caller = await b.callerWithCookie(admin.cookie);
    return (await caller.webhook.create({ url: "https://93.184.216.34/hook", events: ["post.published"] })).id;
  }
  async function newPost(published = false) {
    const caller = await b.callerWithCookie(admin.cookie);
    const post = await caller.post.create({ title: `Fixture ${++n}`, body: "first" });
    if (published) await caller.post.publish({ id: post.id });
    const [row] = await b.db.db.select().from(Post).where(eq(Post.id, post.id));
    return row!;
  }
  /** A comment of the admin's on a new post: visible, or held for a moderator. */
  async function newComment(status: "visible" | "held" = "visible") {
    const post = await newPost(true);
    await (await b.callerWithCookie(admin.cookie)).comment.create({ postId: post.id, body: "A fixture comment" });
    const [row] = await b.db.db.select().from(Comment).where(eq(Comment.postId, post.id)).orderBy(desc(Comment.createdAt)).limit(1);
    if (status === "held") await b.db.db.update(Comment).set({ status }).where(eq(Comment.id, row!.id));
    return { ...row!, status };
  }

  const post = (path: string, headers: Record<string, string>, body: BodyInit) =>
    trpcRoute(context(new Request(`${SITE}/api/trpc/${path}`, { method: "POST", headers, body }))) as Promise<Response>;

  it("has a valid input for every mutation, so none escapes this test", () => {
    expect(mutations.length).toBeGreaterThan(10);
    expect(mutations.filter((m) => !inputs[m])).toEqual([]);
  });

  it.each(mutations)("%s: no kind of cross-site request changes anything; our own page's request works", async (path) => {
    const input = superjson.serialize(await inputs[path]!());
    for (const kind of KINDS) {
      const before = await snapshot();
      const response = await post(path, kind.headers(admin.cookie), kind.body(input));
      expect(response.status, `${kind.name}: ${await response.clone().text()}`).toBeGreaterThanOrEqual(400);
      expect(response.status, kind.name).toBeLessThan(500);
      expect(await snapshot(), kind.name).toEqual(before);
    }
    const ours = await post(path, { cookie: admin.cookie, origin: SITE, "content-type": "application/json" }, JSON.stringify(input));
    expect(ours.status, await ours.clone().text()).toBe(200);
  });

  it("takes an Origin equal to the request's own Host for a foreign one", async () => {
    // Whoever sends `Host: evil.example` can send `Origin: http://evil.example` as well.
    const input = superjson.serialize(await inputs["post.create"]!());
    const before = await snapshot();
    const forged = (await trpcRoute(
      context(
        new Request("http://evil.example/api/trpc/post.create", {
          method: "POST",
          headers: { cookie: admin.cookie, origin: "http://evil.example", "content-type": "application/json" },
          body: JSON.stringify(input),
        }),
      ),
    )) as Response;
    expect(forged.status).toBe(403);
    const auth = (await authRoute(
      context(
        new Request("http://evil.example/api/auth/update-user", {
          method: "POST",
          headers: { cookie: admin.cookie, origin: "http://evil.example", "content-type": "application/json" },
          body: JSON.stringify({ name: "Forged Name" }),
        }),
      ),
    )) as Response;
    expect(auth.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a GET to a mutation: queries are GET and never change anything", async () => {
    for (const path of mutations) {
      const input = encodeURIComponent(JSON.stringify(superjson.serialize(await inputs[path]!())));
      const before = await snapshot();
      const response = (await trpcRoute(
        context(new Request(`${SITE}/api/trpc/${path}?input=${input}`, { headers: { cookie: admin.cookie } })),
      )) as Response;
      expect(response.status, path).toBe(405);
      expect(await snapshot(), path).toEqual(before);
    }
  });
});

describe("better-auth endpoints refuse cross-site requests", () => {
  // Bodies that would work from our own page for the endpoints worth forging.
  const bodies: Record<string, (victim: { cookie: string; userId: string }) => unknown> = {
    "/sign-up/email": () => ({ name: "Forged", email: "forged@quire.test", password: "forged password" }),
    "/sign-in/email": () => ({ email: "victim@quire.test", password: "correct horse battery" }),
    "/sign-out": () => ({}),
    "/update-user": () => ({ name: "Forged Name" }),
    "/change-email": () => ({ newEmail: "attacker@evil.example" }),
    "/change-password": () => ({ currentPassword: "correct horse battery", newPassword: "attacker password", revokeOtherSessions: true }),
    "/delete-user": () => ({ password: "correct horse battery" }),
    "/revoke-sessions": () => ({}),
    "/revoke-other-sessions": () => ({}),
    "/request-password-reset": () => ({ email: "victim@quire.test", redirectTo: "/reset-password" }),
    "/send-verification-email": () => ({ email: "victim@quire.test" }),
    "/admin/set-role": (v) => ({ userId: v.userId, role: "admin" }),
    "/admin/ban-user": (v) => ({ userId: v.userId }),
    "/admin/remove-user": (v) => ({ userId: v.userId }),
    "/admin/create-user": () => ({ email: "made@quire.test", password: "forged password", name: "Made", role: "admin" }),
    "/admin/set-user-password": (v) => ({ userId: v.userId, newPassword: "attacker password" }),
    "/admin/impersonate-user": (v) => ({ userId: v.userId }),
  };

  it("every POST endpoint refuses every kind, before better-auth sees it", async () => {
    const endpoints = Object.values(b.auth.api as Record<string, { path?: string; options?: { method?: string | string[] } }>)
      .filter((e) => e.path && [e.options?.method].flat().includes("POST"))
      .map((e) => e.path!.replace(":id", "oidc"));
    expect(endpoints).toEqual(expect.arrayContaining(Object.keys(bodies)));
    const victim = await b.signUp("Victim", "reader");
    await b.db.db.update(user).set({ email: "victim@quire.test" }).where(eq(user.id, victim.userId));

    for (const path of endpoints) {
      const json = bodies[path]?.(victim) ?? {};
      for (const kind of KINDS) {
        const before = await snapshot();
        const response = (await authRoute(
          context(new Request(`${SITE}/api/auth${path}`, { method: "POST", headers: kind.headers(admin.cookie), body: kind.body(json) })),
        )) as Response;
        expect([403, 415], `${path}, ${kind.name}`).toContain(response.status);
        expect(await snapshot(), `${path}, ${kind.name}`).toEqual(before);
      }
    }
    // The same sign-up from our own page works.
    const ours = (await authRoute(
      context(
        new Request(`${SITE}/api/auth/sign-up/email`, {
          method: "POST",
          headers: { origin: SITE, "content-type": "application/json" },
          body: JSON.stringify(bodies["/sign-up/email"]!(victim)),
        }),
      ),
    )) as Response;
    expect(ours.status).toBe(200);
  });
});

describe("the origins a change may come from", () => {
  it("say which origin was refused and which one is the site's", async () => {
    const refused = (await authRoute(
      context(
        new Request(`${SITE}/api/auth/sign-up/email`, {
          method: "POST",
          headers: { origin: EVIL, "content-type": "application/json" },
          body: "{}",
        }),
      ),
    )) as Response;
    expect(refused.status).toBe(403);
    // better-auth's shape, which its client (the sign-up form) shows as it is.
    expect(((await refused.json()) as { message: string }).message).toBe(
      `Cross-site request refused: changes are taken only from ${SITE} (SITE_URL), and this came from ${EVIL}`,
    );
  });

  const config = (trusted: string[]) => ({ siteUrl: SITE, trustedOrigins: trusted }) as unknown as Parameters<typeof isSameOrigin>[1];
  const from = (origin: string, host = "quire.test") => new Request(`http://${host}/api/trpc/x`, { method: "POST", headers: { origin } });

  it("are SITE_URL's and the trusted ones, never the Host's", () => {
    expect(isSameOrigin(from(SITE), config([]))).toBe(true);
    expect(isSameOrigin(from("http://evil.example", "evil.example"), config([]))).toBe(false);
    expect(isSameOrigin(from("https://preview.quire.test"), config(["https://preview.quire.test"]))).toBe(true);
    const previews = config(["https://*.previews.quire.test"]);
    expect(isSameOrigin(from("https://pr-12.previews.quire.test"), previews)).toBe(true);
    expect(isSameOrigin(from("https://a.b.previews.quire.test"), previews)).toBe(true);
    for (const origin of [
      "https://previews.quire.test",
      "https://evil.example#.previews.quire.test",
      "https://pr-12.previews.quire.test.evil.example",
      "http://pr-12.previews.quire.test",
      "https://pr-12.previewsXquire.test",
    ]) {
      expect(isSameOrigin(from(origin), previews), origin).toBe(false);
    }
  });
});
