// For every mutation, the exact cache tags it purges: the pages that show what it changed,
// and no others. A mutation without a row fails the first test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, type createCaller } from "../../src/server/root.ts";
import { createBackend, type Backend } from "./harness.ts";
import { processImage } from "../../src/media/pipeline.ts";
import { recordUpload } from "../../src/server/queries/media.ts";
import { addComment } from "../../src/server/queries/comments.ts";
import { LIMITS, photo } from "./media-fixtures.ts";
import { eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Job, Subscriber, WebhookDelivery } from "../../db/schema.ts";
import { enqueue } from "../../src/jobs/queue.ts";

type Caller = ReturnType<typeof createCaller>;
interface World {
  owner: Caller;
  reader: Caller;
  admin: Caller;
  ownerId: string;
  readerId: string;
  older: string;
  target: string;
  newer: string;
  draft: string;
  commentId: string;
  targetVersion: number;
  firstRevision: string;
}

const TARGET_PAGES = (w: World) => [
  `post:${w.target}`,
  "list",
  `author:${w.ownerId}`,
  "tags",
  "tag:alpha",
  "tag:beta",
  `post:${w.older}`, // links to it as "next"
  `post:${w.newer}`, // links to it as "previous"
];

const ROWS: Record<string, { run: (w: World) => Promise<unknown>; purges: (w: World) => string[] }> = {
  "post.preview": { run: (w) => w.owner.post.preview({ body: "x" }), purges: () => [] },
  "post.create": { run: (w) => w.owner.post.create({ title: "New draft", tags: ["alpha"] }), purges: () => [] },
  "post.update": {
    run: (w) => w.owner.post.update({ id: w.target, version: w.targetVersion, title: "Retitled" }),
    purges: TARGET_PAGES,
  },
  "post.publish": {
    // The draft goes public as the newest post: the previous newest now links to it.
    run: (w) => w.owner.post.publish({ id: w.draft }),
    purges: (w) => [`post:${w.draft}`, "list", `author:${w.ownerId}`, "tags", "tag:gamma", `post:${w.newer}`],
  },
  "post.unpublish": { run: (w) => w.owner.post.unpublish({ id: w.target }), purges: TARGET_PAGES },
  "post.delete": { run: (w) => w.owner.post.delete({ id: w.target }), purges: TARGET_PAGES },
  "post.restore": {
    run: (w) => w.owner.post.restore({ revisionId: w.firstRevision, version: w.targetVersion }),
    purges: TARGET_PAGES,
  },
  "comment.create": { run: (w) => w.reader.comment.create({ postId: w.target, body: "Hi" }), purges: (w) => [`post:${w.target}`] },
  "comment.edit": { run: (w) => w.reader.comment.edit({ id: w.commentId, body: "Edited" }), purges: (w) => [`post:${w.target}`] },
  "comment.delete": { run: (w) => w.reader.comment.delete({ id: w.commentId }), purges: (w) => [`post:${w.target}`] },
  "comment.hide": { run: (w) => w.owner.comment.hide({ id: w.commentId }), purges: (w) => [`post:${w.target}`] },
  "comment.unhide": { run: (w) => w.owner.comment.unhide({ id: w.commentId }), purges: (w) => [`post:${w.target}`] },
  "comment.approve": {
    // The post's page shows it from now on.
    run: async (w) => w.owner.comment.approve({ id: (await heldComment(w)).id }),
    purges: (w) => [`post:${w.target}`],
  },
  // Readers never saw it.
  "comment.reject": { run: async (w) => w.owner.comment.reject({ id: (await heldComment(w)).id }), purges: () => [] },
  // Every page shows the settings: all of them go.
  "settings.update": { run: (w) => w.admin.settings.update({ title: "Renamed site" }), purges: () => ["site"] },
  "user.updateProfile": {
    // Their name is on their posts, in lists and beside their comments: all carry author:<id>.
    run: (w) => w.reader.user.updateProfile({ name: "Rita R.", bio: "", image: "" }),
    purges: (w) => [`author:${w.readerId}`],
  },
  "media.delete": {
    // An image nothing uses is on no page.
    run: async (w) => {
      const image = await processImage(await photo(64, 48), LIMITS);
      await recordUpload(b.db.write, image, { userId: w.ownerId, fileName: "", bytes: 1 });
      return w.owner.media.delete({ hash: image.hash });
    },
    purges: () => [],
  },
  // A redirect is on no page: the purge tells every process to read the table again.
  "redirect.save": {
    run: (w) => w.admin.redirect.save({ from: "/?p=7", to: "/posts/seven" }),
    purges: () => ["redirects"],
  },
  "redirect.delete": {
    run: async (w) => {
      await w.admin.redirect.save({ from: "/?p=8", to: "/posts/eight" });
      b.purged.length = 0;
      return w.admin.redirect.delete({ from: "/?p=8" });
    },
    purges: () => ["redirects"],
  },
  // Confirming enqueues the import; the job purges the site when it has written it (tests/unit/import).
  "import.confirm": {
    run: async (w) => {
      const id = "5d7c8c1e-4a53-4d0e-8f1a-2b7d3c9e6f10";
      await b.db.write((d) => enqueue(d, { id, kind: "import", payload: { file: "/nowhere", actorId: "x", step: "preview" } }));
      await b.db.write((d) => d.update(Job).set({ status: "done" }).where(eq(Job.id, id)));
      return w.admin.import.confirm({ id, fetchImages: false });
    },
    purges: () => [],
  },
  "user.setRole": { run: (w) => w.admin.user.setRole({ userId: w.readerId, role: "author" }), purges: () => [] },
  // A key is on no page; a revoked one is forgotten by every process.
  // Webhook endpoints are on no page; every process reads the list again.
  "webhook.create": { run: (w) => newEndpoint(w), purges: () => ["webhooks"] },
  "webhook.update": {
    run: async (w) => w.admin.webhook.update({ id: await freshEndpoint(w), description: "Renamed" }),
    purges: () => ["webhooks"],
  },
  "webhook.setEnabled": {
    run: async (w) => w.admin.webhook.setEnabled({ id: await freshEndpoint(w), enabled: false }),
    purges: () => ["webhooks"],
  },
  "webhook.rotateSecret": { run: async (w) => w.admin.webhook.rotateSecret({ id: await freshEndpoint(w) }), purges: () => [] },
  "webhook.delete": { run: async (w) => w.admin.webhook.delete({ id: await freshEndpoint(w) }), purges: () => ["webhooks"] },
  "webhook.resend": {
    run: async (w) => {
      const endpointId = await freshEndpoint(w);
      const deliveryId = randomUUID();
      await b.db.db.insert(WebhookDelivery).values({
        id: deliveryId,
        endpointId,
        messageId: "msg_1",
        eventType: "post.published",
        attempt: 1,
        outcome: "failed",
        durationMs: 5,
        body: "{}",
      });
      return w.admin.webhook.resend({ deliveryId });
    },
    purges: () => [],
  },
  // Subscribers and sends are on no page.
  "newsletter.subscribeMe": { run: (w) => w.reader.newsletter.subscribeMe({ all: true }), purges: () => [] },
  "newsletter.unsubscribeMe": { run: (w) => w.reader.newsletter.unsubscribeMe(), purges: () => [] },
  "newsletter.importCsv": {
    run: (w) => w.admin.newsletter.importCsv({ csv: "email\nkept@readers.test\n", consented: true }),
    purges: () => [],
  },
  "newsletter.remove": {
    run: async (w) => {
      await w.admin.newsletter.importCsv({ csv: "email\ngone@readers.test\n", consented: true });
      const [row] = await b.db.db.select({ id: Subscriber.id }).from(Subscriber).where(eq(Subscriber.email, "gone@readers.test"));
      b.purged.length = 0;
      return w.admin.newsletter.remove({ id: row!.id });
    },
    purges: () => [],
  },
  "newsletter.retryFailed": { run: (w) => w.owner.newsletter.retryFailed({ postId: w.target }), purges: () => [] },
  "apiKey.create": { run: (w) => w.admin.apiKey.create({ type: "content", name: "Site" }), purges: () => [] },
  "apiKey.revoke": {
    run: async (w) => {
      const key = await w.admin.apiKey.create({ type: "content", name: "Soon gone" });
      b.purged.length = 0;
      return w.admin.apiKey.revoke({ id: key.id });
    },
    purges: () => ["api-keys"],
  },
  "user.ban": { run: (w) => w.admin.user.ban({ userId: w.readerId }), purges: () => [] },
  "user.unban": { run: (w) => w.admin.user.unban({ userId: w.readerId }), purges: () => [] },
};

/** A comment on the target held for a moderator, written as comment.create writes one. */
const heldComment = (w: World) =>
  addComment(b.db.write, { postId: w.target, authorId: w.readerId, parentId: null, body: "Wait", html: "<p>Wait</p>" }, "held");

/**
 * A page (About…) is on its own page, in the sitemap and search ("pages"), and linked from
 * menus on every page: a change readers see in a link to it (it appears or goes, or its title
 * or address changes) purges "site", which drops every cached page.
 */
/** A webhook endpoint at a literal public address (registration looks names up; tests have no DNS). */
function newEndpoint(w: World) {
  return w.admin.webhook.create({ url: "https://93.184.216.34/hook", events: ["post.published"] });
}
/** An endpoint made before the change under test: its own purge is forgotten. */
async function freshEndpoint(w: World): Promise<string> {
  const { id } = await newEndpoint(w);
  b.purged.length = 0;
  return id;
}

interface PageWorld {
  editor: Caller;
  live: string;
  liveVersion: number;
  draft: string;
  firstRevision: string;
}
const LINKED = (id: string) => [`post:${id}`, "pages", "site"];
const PAGE_ROWS: Record<string, { run: (w: PageWorld) => Promise<unknown>; purges: (w: PageWorld) => string[] }> = {
  "post.create": { run: (w) => w.editor.post.create({ title: "New page", kind: "page" }), purges: () => [] },
  "post.update of a draft": { run: (w) => w.editor.post.update({ id: w.draft, version: 1, title: "Retitled" }), purges: () => [] },
  "post.update of the body": {
    run: (w) => w.editor.post.update({ id: w.live, version: w.liveVersion, body: "New words." }),
    purges: (w) => [`post:${w.live}`, "pages"],
  },
  "post.update of the title": {
    run: (w) => w.editor.post.update({ id: w.live, version: w.liveVersion, title: "Retitled" }),
    purges: (w) => LINKED(w.live),
  },
  "post.update of the slug": {
    run: (w) => w.editor.post.update({ id: w.live, version: w.liveVersion, slug: `moved-${w.live}` }),
    purges: (w) => LINKED(w.live),
  },
  "post.publish": { run: (w) => w.editor.post.publish({ id: w.draft }), purges: (w) => LINKED(w.draft) },
  "post.unpublish": { run: (w) => w.editor.post.unpublish({ id: w.live }), purges: (w) => LINKED(w.live) },
  "post.unpublish of a draft": { run: (w) => w.editor.post.unpublish({ id: w.draft }), purges: () => [] },
  "post.delete": { run: (w) => w.editor.post.delete({ id: w.live }), purges: (w) => LINKED(w.live) },
  "post.delete of a draft": { run: (w) => w.editor.post.delete({ id: w.draft }), purges: () => [] },
  "post.restore of an older title": {
    run: (w) => w.editor.post.restore({ revisionId: w.firstRevision, version: w.liveVersion }),
    purges: (w) => LINKED(w.live),
  },
};

let b: Backend;
let admin: Caller;
let worlds = 0;
beforeAll(async () => {
  b = await createBackend();
  admin = (await b.signUp("Ada Admin", null)).caller;
});
afterAll(() => b.close());

async function world(): Promise<World> {
  const owner = await b.signUp("Olive Owner", "author");
  const reader = await b.signUp("Rita Reader", "reader");
  const make = async (title: string, tags: string[], at: number) => {
    const p = await owner.caller.post.create({ title, tags });
    await owner.caller.post.publish({ id: p.id, at: new Date(Date.now() - at) });
    return p.id;
  };
  // Each world sits after every earlier one and its posts 1 s apart, so earlier rows' posts
  // never come between these three, and "newer" is the newest public post of all.
  const base = 10 * 365 * 86_400_000 - ++worlds * 10_000_000;
  const older = await make("Older", ["delta"], base + 3000);
  const target = await make("Target", ["alpha", "beta"], base + 2000);
  const newer = await make("Newer", [], base + 1000);
  await owner.caller.post.update({ id: target, version: 2, body: "second save" });
  const draft = (await owner.caller.post.create({ title: "Draft", tags: ["gamma"] })).id;
  const comment = await reader.caller.comment.create({ postId: target, body: "First" });
  const revisions = await owner.caller.post.revisions({ id: target });
  b.purged.length = 0;
  return {
    owner: owner.caller,
    reader: reader.caller,
    admin,
    ownerId: owner.userId,
    readerId: reader.userId,
    older,
    target,
    newer,
    draft,
    commentId: comment.id,
    targetVersion: 3,
    firstRevision: revisions.at(-1)!.id,
  };
}

let pageWorlds = 0;
async function pageWorld(): Promise<PageWorld> {
  const editor = (await b.signUp("Edna Editor", "editor")).caller;
  const n = ++pageWorlds;
  const live = await editor.post.create({ title: `About ${n}`, kind: "page" });
  await editor.post.update({ id: live.id, version: 1, title: `About us ${n}` });
  await editor.post.publish({ id: live.id });
  const draft = await editor.post.create({ title: `Contact ${n}`, kind: "page" });
  const revisions = await editor.post.revisions({ id: live.id });
  b.purged.length = 0;
  return { editor, live: live.id, liveVersion: 3, draft: draft.id, firstRevision: revisions.at(-1)!.id };
}

describe("cache invalidation of a page", () => {
  for (const [change, row] of Object.entries(PAGE_ROWS)) {
    it(`${change} purges exactly what it changes`, async () => {
      const w = await pageWorld();
      await row.run(w);
      expect(b.purged.flat().sort()).toEqual([...new Set(row.purges(w))].sort());
    });
  }
});

describe("cache invalidation", () => {
  it("has a row for every mutation", () => {
    const mutations = Object.entries(appRouter._def.procedures)
      .filter(([, p]) => (p as unknown as { _def: { type: string } })._def.type === "mutation")
      .map(([path]) => path);
    expect(Object.keys(ROWS).sort()).toEqual(mutations.sort());
  });

  for (const [path, row] of Object.entries(ROWS)) {
    it(`${path} purges exactly what it changes`, async () => {
      const w = await world();
      await row.run(w);
      expect(b.purged.flat().sort()).toEqual([...new Set(row.purges(w))].sort());
    });
  }
});
