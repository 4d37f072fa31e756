// Who may call what: every procedure of every router × every kind of caller, from one
// table. A procedure without a row fails the first test.
import { TRPCError } from "@trpc/server";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { Comment, user } from "../../db/schema.ts";
import { appRouter, type createCaller } from "../../src/server/root.ts";
import { createBackend, type Backend } from "./harness.ts";
import { processImage, type ProcessedImage } from "../../src/media/pipeline.ts";
import { recordUpload } from "../../src/server/queries/media.ts";
import { LIMITS, photo } from "./media-fixtures.ts";
import { createApiKey } from "../../src/server/api/keys.ts";
import { handleAdminApi } from "../../src/http/admin-api.ts";
import { getRuntime } from "../../src/runtime.ts";

type Caller = ReturnType<typeof createCaller>;
const ACTORS = ["anonymous", "reader", "owner", "otherAuthor", "editor", "admin", "banned"] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = "OK" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";

interface Fixture {
  draftId: string;
  publishedId: string;
  publishedSlug: string;
  revisionId: string;
  /** A comment by the reader on the owner's published post. */
  commentId: string;
  /** Another, held for a moderator. */
  heldCommentId: string;
  ownerId: string;
  /** Someone to change roles of or ban. */
  targetUserId: string;
  /** An image the owner uploaded, used nowhere. */
  mediaHash: string;
  /** Pages (About…), made by the editor: a draft one and a published one. */
  draftPageId: string;
  publishedPageId: string;
  publishedPageSlug: string;
  pageRevisionId: string;
}

type Row = { call: (c: Caller, f: Fixture) => Promise<unknown> } & Record<Actor, Outcome>;

const everyone = (o: Outcome) => Object.fromEntries(ACTORS.map((a) => [a, o])) as Record<Actor, Outcome>;
const signedIn = { ...everyone("OK"), anonymous: "UNAUTHORIZED", banned: "UNAUTHORIZED" } as const;
const writers = { ...signedIn, reader: "FORBIDDEN" } as const;
const ownerOrEditor = { ...writers, otherAuthor: "FORBIDDEN" } as const;
const admins = { ...signedIn, reader: "FORBIDDEN", owner: "FORBIDDEN", otherAuthor: "FORBIDDEN", editor: "FORBIDDEN" } as const;
const commentAuthorOnly = { ...signedIn, owner: "FORBIDDEN", otherAuthor: "FORBIDDEN", editor: "FORBIDDEN", admin: "FORBIDDEN" } as const;
const draftReaders = { ...everyone("NOT_FOUND"), owner: "OK", editor: "OK", admin: "OK" } as const;
/** Pages are the site's: editors and admins manage every one, whoever made it; authors none. */
const pageManagers = { ...signedIn, reader: "FORBIDDEN", owner: "FORBIDDEN", otherAuthor: "FORBIDDEN" } as const;
const draftPageReaders = { ...everyone("NOT_FOUND"), editor: "OK", admin: "OK" } as const;

const MATRIX: Record<string, Row> = {
  "post.list": { ...everyone("OK"), call: (c) => c.post.list() },
  "post.search": { ...everyone("OK"), call: (c) => c.post.search({ q: "published" }) },
  "post.sitemap": { ...everyone("OK"), call: (c) => c.post.sitemap() },
  "post.bySlug": { ...everyone("OK"), call: (c, f) => c.post.bySlug({ slug: f.publishedSlug }) },
  "post.byId": { ...draftReaders, call: (c, f) => c.post.byId({ id: f.draftId }) },
  "post.mine": { ...writers, call: (c) => c.post.mine() },
  "post.preview": { ...writers, call: (c) => c.post.preview({ body: "*hi*" }) },
  "post.create": { ...writers, call: (c) => c.post.create({ title: "New", tags: ["Matrix"] }) },
  "post.update": { ...ownerOrEditor, call: (c, f) => c.post.update({ id: f.draftId, version: 1, title: "Changed" }) },
  "post.publish": { ...ownerOrEditor, call: (c, f) => c.post.publish({ id: f.draftId }) },
  "post.unpublish": { ...ownerOrEditor, call: (c, f) => c.post.unpublish({ id: f.publishedId }) },
  "post.delete": { ...ownerOrEditor, call: (c, f) => c.post.delete({ id: f.draftId }) },
  "post.revisions": { ...ownerOrEditor, call: (c, f) => c.post.revisions({ id: f.draftId }) },
  "post.revision": { ...ownerOrEditor, call: (c, f) => c.post.revision({ id: f.revisionId }) },
  "post.restore": { ...ownerOrEditor, call: (c, f) => c.post.restore({ revisionId: f.revisionId, version: 1 }) },
  "page.bySlug": { ...everyone("OK"), call: (c, f) => c.page.bySlug({ slug: f.publishedPageSlug }) },
  "page.all": { ...pageManagers, call: (c) => c.page.all() },
  "tag.all": { ...everyone("OK"), call: (c) => c.tag.all() },
  "tag.names": { ...everyone("OK"), call: (c) => c.tag.names() },
  "tag.bySlug": { ...everyone("OK"), call: (c) => c.tag.bySlug({ slug: "matrix" }) },
  "comment.byPost": { ...everyone("OK"), call: (c, f) => c.comment.byPost({ postId: f.publishedId }) },
  "comment.hidden": { ...ownerOrEditor, call: (c, f) => c.comment.hidden({ id: f.publishedId }) },
  "comment.create": { ...signedIn, call: (c, f) => c.comment.create({ postId: f.publishedId, body: "Nice." }) },
  "comment.edit": { ...commentAuthorOnly, call: (c, f) => c.comment.edit({ id: f.commentId, body: "Edited." }) },
  "comment.delete": { ...commentAuthorOnly, call: (c, f) => c.comment.delete({ id: f.commentId }) },
  "comment.hide": { ...ownerOrEditor, call: (c, f) => c.comment.hide({ id: f.commentId }) },
  "comment.unhide": { ...ownerOrEditor, call: (c, f) => c.comment.unhide({ id: f.commentId }) },
  // Every author moderates their own posts' comments: another author's list is just empty.
  "comment.held": { ...writers, call: (c) => c.comment.held() },
  "comment.approve": { ...ownerOrEditor, call: (c, f) => c.comment.approve({ id: f.heldCommentId }) },
  "comment.reject": { ...ownerOrEditor, call: (c, f) => c.comment.reject({ id: f.heldCommentId }) },
  "user.me": { ...signedIn, call: (c) => c.user.me() },
  "user.byId": { ...everyone("OK"), call: (c, f) => c.user.byId({ id: f.ownerId }) },
  "user.updateProfile": { ...signedIn, call: (c) => c.user.updateProfile({ name: "Renamed", bio: "", image: "" }) },
  "user.list": { ...admins, call: (c) => c.user.list() },
  "mail.outbox": { ...admins, call: (c) => c.mail.outbox() },
  "user.setRole": { ...admins, call: (c, f) => c.user.setRole({ userId: f.targetUserId, role: "author" }) },
  "user.ban": { ...admins, call: (c, f) => c.user.ban({ userId: f.targetUserId }) },
  "user.unban": { ...admins, call: (c, f) => c.user.unban({ userId: f.targetUserId }) },
  "media.list": { ...writers, call: (c) => c.media.list() },
  "media.usage": { ...ownerOrEditor, call: (c, f) => c.media.usage({ hash: f.mediaHash }) },
  "media.delete": { ...ownerOrEditor, call: (c, f) => c.media.delete({ hash: f.mediaHash }) },
  "settings.get": { ...admins, call: (c) => c.settings.get() },
  "settings.menuTargets": { ...admins, call: (c) => c.settings.menuTargets() },
  "settings.update": { ...admins, call: (c) => c.settings.update({ postsPerPage: 10 }) },
  "import.recent": { ...admins, call: (c) => c.import.recent() },
  "import.status": { ...admins, admin: "NOT_FOUND", call: (c) => c.import.status({ id: "6f1c2a52-8a47-4c1e-9f0e-0d5c7b9b1a11" }) },
  "import.confirm": {
    ...admins,
    admin: "NOT_FOUND",
    call: (c) => c.import.confirm({ id: "6f1c2a52-8a47-4c1e-9f0e-0d5c7b9b1a11", fetchImages: false }),
  },
  "redirect.list": { ...admins, call: (c) => c.redirect.list({}) },
  "redirect.save": { ...admins, call: (c) => c.redirect.save({ from: "/?p=1", to: "/posts/x" }) },
  "redirect.delete": { ...admins, admin: "NOT_FOUND", call: (c) => c.redirect.delete({ from: "/never-redirected" }) },
  "webhook.list": { ...admins, call: (c) => c.webhook.list() },
  // A literal public address: registration looks names up, and tests have no DNS to ask.
  "webhook.create": { ...admins, call: (c) => c.webhook.create({ url: "https://93.184.216.34/hook", events: ["post.published"] }) },
  "webhook.update": { ...admins, admin: "NOT_FOUND", call: (c) => c.webhook.update({ id: "no-such-endpoint", description: "x" }) },
  "webhook.setEnabled": { ...admins, admin: "NOT_FOUND", call: (c) => c.webhook.setEnabled({ id: "no-such-endpoint", enabled: false }) },
  "webhook.rotateSecret": { ...admins, admin: "NOT_FOUND", call: (c) => c.webhook.rotateSecret({ id: "no-such-endpoint" }) },
  "webhook.delete": { ...admins, admin: "NOT_FOUND", call: (c) => c.webhook.delete({ id: "no-such-endpoint" }) },
  "webhook.deliveries": { ...admins, admin: "NOT_FOUND", call: (c) => c.webhook.deliveries({ id: "no-such-endpoint" }) },
  "webhook.resend": { ...admins, admin: "NOT_FOUND", call: (c) => c.webhook.resend({ deliveryId: "no-such-delivery" }) },
  "newsletter.mine": { ...signedIn, call: (c) => c.newsletter.mine() },
  "newsletter.subscribeMe": { ...signedIn, call: (c) => c.newsletter.subscribeMe({ all: true }) },
  "newsletter.unsubscribeMe": { ...signedIn, call: (c) => c.newsletter.unsubscribeMe() },
  "newsletter.subscribers": { ...admins, call: (c) => c.newsletter.subscribers({}) },
  "newsletter.remove": { ...admins, admin: "NOT_FOUND", call: (c) => c.newsletter.remove({ id: randomUUID() }) },
  "newsletter.exportCsv": { ...admins, call: (c) => c.newsletter.exportCsv() },
  "newsletter.importCsv": { ...admins, call: (c) => c.newsletter.importCsv({ csv: "email\nvouched@access.test\n", consented: true }) },
  "newsletter.progress": { ...ownerOrEditor, call: (c, f) => c.newsletter.progress({ postId: f.publishedId }) },
  "newsletter.retryFailed": { ...ownerOrEditor, call: (c, f) => c.newsletter.retryFailed({ postId: f.publishedId }) },
  "apiKey.list": { ...admins, call: (c) => c.apiKey.list() },
  "apiKey.create": { ...admins, call: (c) => c.apiKey.create({ type: "content", name: "Matrix" }) },
  "apiKey.revoke": { ...admins, admin: "NOT_FOUND", call: (c) => c.apiKey.revoke({ id: "no-such-key" }) },
};

/**
 * The post procedures again, on a page: what a page is decides who may (its author does
 * not matter). A post procedure that takes a post must have a row here too.
 */
const PAGE_MATRIX: Record<string, Row> = {
  "post.create": { ...pageManagers, call: (c) => c.post.create({ title: "New page", kind: "page" }) },
  "post.byId": { ...draftPageReaders, call: (c, f) => c.post.byId({ id: f.draftPageId }) },
  // A page is not a post: it is not at /posts/<slug>.
  "post.bySlug": { ...everyone("NOT_FOUND"), call: (c, f) => c.post.bySlug({ slug: f.publishedPageSlug }) },
  "post.update": { ...pageManagers, call: (c, f) => c.post.update({ id: f.draftPageId, version: 1, title: "Changed" }) },
  "post.publish": { ...pageManagers, call: (c, f) => c.post.publish({ id: f.draftPageId }) },
  "post.unpublish": { ...pageManagers, call: (c, f) => c.post.unpublish({ id: f.publishedPageId }) },
  "post.delete": { ...pageManagers, call: (c, f) => c.post.delete({ id: f.publishedPageId }) },
  "post.revisions": { ...pageManagers, call: (c, f) => c.post.revisions({ id: f.draftPageId }) },
  "post.revision": { ...pageManagers, call: (c, f) => c.post.revision({ id: f.pageRevisionId }) },
  "post.restore": { ...pageManagers, call: (c, f) => c.post.restore({ revisionId: f.pageRevisionId, version: 1 }) },
  // Pages take no comments: as if there were no post.
  "comment.create": {
    ...signedIn,
    ...{ reader: "NOT_FOUND", owner: "NOT_FOUND", otherAuthor: "NOT_FOUND", editor: "NOT_FOUND", admin: "NOT_FOUND" },
    call: (c, f) => c.comment.create({ postId: f.publishedPageId, body: "Nice page." }),
  },
};
/** Post procedures that take no post: nothing about them differs for a page. */
const NO_POST_INVOLVED = ["post.list", "post.search", "post.sitemap", "post.mine", "post.preview"];

async function outcomeOf(promise: Promise<unknown>): Promise<Outcome | string> {
  try {
    await promise;
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

let b: Backend;
/** Ids of the people behind some callers, for keys made for them. */
const ids = {} as Record<"otherAuthor" | "banned", string>;
const callers = {} as Record<Actor, Caller>;
let ownerCaller: Caller;
let editorCaller: Caller;
let readerCaller: Caller;
let ownerId = "";
let image: ProcessedImage;

beforeAll(async () => {
  b = await createBackend();
  const admin = await b.signUp("Ada Admin", null); // the first account is the admin
  callers.admin = admin.caller;
  const owner = await b.signUp("Olive Owner", "author");
  ownerCaller = owner.caller;
  ownerId = owner.userId;
  callers.owner = owner.caller;
  const other = await b.signUp("Oscar Other", "author");
  callers.otherAuthor = other.caller;
  ids.otherAuthor = other.userId;
  callers.editor = (await b.signUp("Edna Editor", "editor")).caller;
  editorCaller = callers.editor;
  const reader = await b.signUp("Rita Reader", null); // sign-up gives the reader role
  readerCaller = reader.caller;
  callers.reader = reader.caller;
  callers.anonymous = await b.anonymous();
  const banned = await b.signUp("Boris Banned", "author");
  ids.banned = banned.userId;
  await admin.caller.user.ban({ userId: banned.userId, reason: "spam" });
  callers.banned = await b.callerWithCookie(banned.cookie);
  image = await processImage(await photo(100, 80), LIMITS);
});
afterAll(() => b.close());

async function freshFixture(): Promise<Fixture> {
  const draft = await ownerCaller.post.create({ title: "Draft", tags: ["Matrix"] });
  const published = await ownerCaller.post.create({ title: "Published", tags: ["Matrix"] });
  await ownerCaller.post.publish({ id: published.id });
  const [revision] = await ownerCaller.post.revisions({ id: draft.id });
  const comment = await readerCaller.comment.create({ postId: published.id, body: "First!" });
  const held = await readerCaller.comment.create({ postId: published.id, body: "Held?" });
  await b.db.db.update(Comment).set({ status: "held" }).where(eq(Comment.id, held.id));
  const targetUserId = randomUUID();
  await b.db.db.insert(user).values({ id: targetUserId, name: "Target", email: `${targetUserId}@quire.test` });
  // Its rows only (a fresh hash each time): access is decided before any file is touched.
  const mediaHash = randomBytes(32).toString("hex");
  await recordUpload(b.db.write, { ...image, hash: mediaHash }, { userId: ownerId, fileName: "matrix.jpg", bytes: 1 });
  const draftPage = await editorCaller.post.create({ title: "Draft page", kind: "page" });
  const publishedPage = await editorCaller.post.create({ title: "Published page", kind: "page" });
  await editorCaller.post.publish({ id: publishedPage.id });
  const [pageRevision] = await editorCaller.post.revisions({ id: draftPage.id });
  return {
    draftId: draft.id,
    publishedId: published.id,
    publishedSlug: published.slug,
    revisionId: revision!.id,
    commentId: comment.id,
    heldCommentId: held.id,
    ownerId,
    targetUserId,
    mediaHash,
    draftPageId: draftPage.id,
    publishedPageId: publishedPage.id,
    publishedPageSlug: publishedPage.slug,
    pageRevisionId: pageRevision!.id,
  };
}

async function outcomes(row: Row) {
  const got: Partial<Record<Actor, string>> = {};
  for (const actor of ACTORS) got[actor] = await outcomeOf(row.call(callers[actor], await freshFixture()));
  return { got, expected: Object.fromEntries(ACTORS.map((a) => [a, row[a]])) };
}

describe("access matrix", () => {
  it("has a row for every procedure of every router", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
  });

  for (const [path, row] of Object.entries(MATRIX)) {
    it(`${path}: ${ACTORS.map((a) => `${a} ${row[a]}`).join(", ")}`, async () => {
      const { got, expected } = await outcomes(row);
      expect(got).toEqual(expected);
    });
  }
});

describe("access matrix, on a page", () => {
  it("has a row for every post procedure that takes a post", () => {
    const postProcedures = Object.keys(appRouter._def.procedures).filter((p) => p.startsWith("post."));
    const onPages = Object.keys(PAGE_MATRIX).filter((p) => p.startsWith("post."));
    expect(onPages.sort()).toEqual(postProcedures.filter((p) => !NO_POST_INVOLVED.includes(p)).sort());
  });

  for (const [path, row] of Object.entries(PAGE_MATRIX)) {
    it(`${path} on a page: ${ACTORS.map((a) => `${a} ${row[a]}`).join(", ")}`, async () => {
      const { got, expected } = await outcomes(row);
      expect(got).toEqual(expected);
    });
  }
});

describe("access with API keys (the Admin API)", () => {
  const keyFor = async (userId: string, opts: { type?: "admin" | "content"; draftsOnly?: boolean } = {}) =>
    (await createApiKey(b.db.write, { type: opts.type ?? "admin", name: "Access", userId, draftsOnly: opts.draftsOnly })).secret;
  /** The status of a REST call with this key, through the Admin API's own handler. */
  async function rest(secret: string, method: string, path: string, body?: unknown): Promise<number> {
    b.mount();
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const request = new Request(`http://quire.test/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await handleAdminApi(request, await getRuntime(), b.media)).status;
  }

  it("an author's admin key changes their own post and cannot touch another author's", async () => {
    const f = await freshFixture();
    expect(await rest(await keyFor(ownerId), "PATCH", `/posts/${f.draftId}`, { id: f.draftId, version: 1, title: "Mine" })).toBe(200);
    const others = await keyFor(ids.otherAuthor);
    expect(await rest(others, "PATCH", `/posts/${f.publishedId}`, { id: f.publishedId, version: 1, title: "Theirs" })).toBe(403);
    expect(await rest(others, "POST", `/posts/${f.publishedId}/unpublish`, { id: f.publishedId })).toBe(403);
    expect(await rest(others, "DELETE", `/posts/${f.draftId}`)).toBe(403);
  });

  it("a content key cannot write", async () => {
    const f = await freshFixture();
    const content = await keyFor(ownerId, { type: "content" });
    expect(await rest(content, "POST", "/posts", { title: "Nope" })).toBe(403);
    expect(await rest(content, "DELETE", `/posts/${f.draftId}`)).toBe(403);
  });

  it("a revoked key is refused on the next request", async () => {
    const key = await createApiKey(b.db.write, { type: "admin", name: "Soon gone", userId: ownerId });
    expect(await rest(key.secret, "GET", "/posts")).toBe(200);
    await callers.admin.apiKey.revoke({ id: key.id });
    expect(await rest(key.secret, "GET", "/posts")).toBe(401);
  });

  it("a banned person's key is refused", async () => {
    expect(await rest(await keyFor(ids.banned), "POST", "/posts", { title: "Spam" })).toBe(403);
  });

  it("a demoted person's key loses what they lost", async () => {
    const demoted = await b.signUp("Dora Demoted", "author");
    const key = await keyFor(demoted.userId);
    expect(await rest(key, "POST", "/posts", { title: "While an author" })).toBe(200);
    await callers.admin.user.setRole({ userId: demoted.userId, role: "reader" });
    expect(await rest(key, "POST", "/posts", { title: "After" })).toBe(403);
    expect(await rest(key, "GET", "/posts")).toBe(403);
  });

  it("a drafts-only key writes drafts and cannot publish or change a public post", async () => {
    const f = await freshFixture();
    const key = await keyFor(ownerId, { draftsOnly: true });
    expect(await rest(key, "PATCH", `/posts/${f.draftId}`, { id: f.draftId, version: 1, title: "Draft, edited" })).toBe(200);
    expect(await rest(key, "POST", `/posts/${f.draftId}/publish`, { id: f.draftId })).toBe(403);
    expect(await rest(key, "PATCH", `/posts/${f.publishedId}`, { id: f.publishedId, version: 2, title: "Live" })).toBe(403);
    expect(await rest(key, "POST", `/posts/${f.publishedId}/unpublish`, { id: f.publishedId })).toBe(403);
  });
});

describe("people", () => {
  it("the first account on an empty database is the admin; later ones are readers", async () => {
    const fresh = await createBackend();
    try {
      const first = await fresh.signUp("First", null);
      const second = await fresh.signUp("Second", null);
      expect((await first.caller.user.me()).role).toBe("admin");
      expect((await second.caller.user.me()).role).toBe("reader");
    } finally {
      fresh.close();
    }
  });

  it("a banned person cannot sign in, and an unbanned one can again", async () => {
    const victim = await b.signUp("Vic Victim", "reader");
    const me = await victim.caller.user.me();
    await callers.admin.user.ban({ userId: victim.userId, reason: "test" });
    const signIn = () => b.auth.api.signInEmail({ body: { email: me.email, password: "correct horse battery" }, asResponse: true });
    const refused = await signIn();
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/banned/i);
    await callers.admin.user.unban({ userId: victim.userId });
    expect((await signIn()).status).toBe(200);
  });

  it("an admin promotes a reader to author, who can then publish", async () => {
    const reader = await b.signUp("Paula Promoted", null);
    expect(await outcomeOf(reader.caller.post.create({ title: "Too soon" }))).toBe("FORBIDDEN");
    await callers.admin.user.setRole({ userId: reader.userId, role: "author" });
    const promoted = await b.callerWithCookie(reader.cookie);
    const post = await promoted.post.create({ title: "My first post" });
    expect((await promoted.post.publish({ id: post.id })).status).toBe("published");
  });

  it("an admin cannot demote or ban themself", async () => {
    const me = await callers.admin.user.me();
    expect(await outcomeOf(callers.admin.user.setRole({ userId: me.id, role: "reader" }))).toBe("BAD_REQUEST");
    expect(await outcomeOf(callers.admin.user.ban({ userId: me.id }))).toBe("BAD_REQUEST");
    expect(await outcomeOf(callers.admin.user.ban({ userId: "nobody" }))).toBe("NOT_FOUND");
  });
});

describe("npm run user:create", () => {
  it("creates an admin in an empty database, changes an existing account's role, and explains bad arguments", async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "quire-cli-"));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["scripts/user-create.ts", ...args], {
        encoding: "utf8",
        env: { ...process.env, NODE_ENV: "test", DATABASE_URL: `file:${join(dir, "cli.db")}`, BETTER_AUTH_SECRET: "x".repeat(40) },
      });
    try {
      const created = run("--email", "Boss@Example.com", "--role", "admin", "--password", "a strong password");
      expect(created.stderr).toBe("");
      expect(created.stdout).toContain("Created boss@example.com with role admin.");
      const changed = run("--email", "boss@example.com", "--role", "editor");
      expect(changed.stdout).toContain("its role is now editor");
      const bad = run("--email", "not-an-email", "--role", "king");
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--email: give a valid email address");
      expect(bad.stderr).toContain("--role: one of reader, author, editor, admin");

      // The account is real: it signs in with that password and has that role.
      const { createDb } = await import("../../db/client.ts");
      const { initAuth } = await import("../../src/auth.ts");
      const { loadConfig } = await import("../../src/config.ts");
      const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: `file:${join(dir, "cli.db")}`, BETTER_AUTH_SECRET: "x".repeat(40) });
      const db = await createDb(config.database);
      const auth = initAuth(config, db.db);
      const signIn = await auth.api.signInEmail({ body: { email: "boss@example.com", password: "a strong password" } });
      expect(signIn.user.role).toBe("editor");
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
