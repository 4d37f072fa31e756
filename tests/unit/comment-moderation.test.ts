// Comments as the site's settings allow them: closed ("off"), or a newcomer's first ones held
// for a moderator ("hold-first"), and the moderators' queue of held comments.
import { TRPCError } from "@trpc/server";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { Setting } from "../../db/schema.ts";
import { settingsChanged } from "../../src/server/settings.ts";
import type { createCaller } from "../../src/server/root.ts";
import { createBackend, type Backend } from "./harness.ts";

type Caller = ReturnType<typeof createCaller>;

async function refused(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a refusal");
}

let b: Backend;
let admin: Caller;
let owner: { caller: Caller; userId: string };
let other: Caller;
let editor: Caller;
let postId: string;
let otherPostId: string;

beforeAll(async () => {
  b = await createBackend();
  admin = (await b.signUp("Ada Admin", null)).caller;
  owner = await b.signUp("Olive Owner", "author");
  other = (await b.signUp("Oscar Other", "author")).caller;
  editor = (await b.signUp("Edna Editor", "editor")).caller;
  const post = await owner.caller.post.create({ title: "Moderated" });
  postId = (await owner.caller.post.publish({ id: post.id })).id;
  const second = await other.post.create({ title: "Elsewhere" });
  otherPostId = (await other.post.publish({ id: second.id })).id;
});
afterAll(() => b.close());
afterEach(async () => {
  await b.db.db.delete(Setting);
  settingsChanged(b.db.db);
});

const thread = async (id = postId) => (await (await b.anonymous()).comment.byPost({ postId: id })).items;
const texts = (items: Awaited<ReturnType<typeof thread>>) => items.flatMap((c) => [c.body, ...c.replies.map((r) => r.body)]);

describe("comments off", () => {
  it("keeps the comments there are on show and refuses new ones and replies, saying they are closed", async () => {
    const reader = await b.signUp("Rita Reader", "reader");
    const first = await reader.caller.comment.create({ postId, body: "Before closing." });
    await admin.settings.update({ comments: "off" });
    expect(texts(await thread())).toContain("Before closing.");
    const closed = { code: "FORBIDDEN", message: "Comments are closed on this site" };
    expect(await refused(reader.caller.comment.create({ postId, body: "After closing." }))).toEqual(closed);
    expect(await refused(reader.caller.comment.create({ postId, parentId: first.id, body: "A reply." }))).toEqual(closed);
    // An admin is refused too: off is off.
    expect(await refused(admin.comment.create({ postId, body: "Me neither?" }))).toEqual(closed);
    expect(texts(await thread())).not.toContain("After closing.");

    await admin.settings.update({ comments: "on" });
    expect((await reader.caller.comment.create({ postId, body: "Open again." })).held).toBe(false);
  });
});

describe("comments held first", () => {
  it("holds a newcomer's first comments until one is approved, then shows theirs at once", async () => {
    await admin.settings.update({ comments: "hold-first" });
    const newcomer = await b.signUp("Nina Newcomer", "reader");
    b.purged.length = 0;
    const first = await newcomer.caller.comment.create({ postId, body: "Hello, first time here." });
    expect(first.held).toBe(true);
    // Nobody sees it yet, so no page changed.
    expect(b.purged).toEqual([]);
    expect(texts(await thread())).not.toContain("Hello, first time here.");
    // A second one while the first waits is held too.
    expect((await newcomer.caller.comment.create({ postId, body: "Anyone?" })).held).toBe(true);

    // The post's author and editors see them waiting; another author does not.
    const queue = await owner.caller.comment.held();
    expect(queue.map((c) => c.html)).toEqual(["<p>Hello, first time here.</p>", "<p>Anyone?</p>"]);
    expect(queue[0]).toMatchObject({ author: { name: "Nina Newcomer" }, post: { id: postId, title: "Moderated" } });
    expect((await editor.comment.held()).map((c) => c.id)).toContain(first.id);
    expect((await other.comment.held()).map((c) => c.id)).not.toContain(first.id);
    expect(await refused(newcomer.caller.comment.held())).toMatchObject({ code: "FORBIDDEN" });
    expect(await refused(other.comment.approve({ id: first.id }))).toMatchObject({ code: "FORBIDDEN" });

    b.purged.length = 0;
    await owner.caller.comment.approve({ id: first.id });
    expect(b.purged).toEqual([[`post:${postId}`]]);
    expect(texts(await thread())).toContain("Hello, first time here.");
    expect(await refused(owner.caller.comment.approve({ id: first.id }))).toEqual({
      code: "CONFLICT",
      message: "This comment is not awaiting moderation (it was approved or deleted meanwhile)",
    });

    // Deleting the other leaves it unseen, and out of the queue.
    const second = queue[1]!;
    await editor.comment.reject({ id: second.id });
    expect(texts(await thread())).not.toContain("Anyone?");
    expect((await owner.caller.comment.held()).map((c) => c.id)).not.toContain(second.id);

    // With a visible comment, the newcomer is trusted, on any post.
    expect((await newcomer.caller.comment.create({ postId: otherPostId, body: "Trusted now." })).held).toBe(false);
    expect(texts(await thread(otherPostId))).toContain("Trusted now.");
  });

  it("holds replies too, and never holds the comments of those who moderate the post", async () => {
    await admin.settings.update({ comments: "hold-first" });
    const regular = await b.signUp("Reg Regular", "reader");
    await admin.settings.update({ comments: "on" });
    const top = await regular.caller.comment.create({ postId, body: "A visible top comment." });
    await admin.settings.update({ comments: "hold-first" });

    const shy = await b.signUp("Sam Shy", "reader");
    expect((await shy.caller.comment.create({ postId, parentId: top.id, body: "A held reply." })).held).toBe(true);
    const replies = (await thread()).find((c) => c.id === top.id)!.replies;
    expect(replies.map((r) => r.body)).not.toContain("A held reply.");

    // The post's author and an editor moderate it: nothing of theirs waits for themselves.
    expect((await owner.caller.comment.create({ postId, body: "The author replies." })).held).toBe(false);
    expect((await editor.comment.create({ postId, body: "An editor drops by." })).held).toBe(false);
    // Another author does not moderate this post, and has no comment yet.
    expect((await other.comment.create({ postId, body: "Another author." })).held).toBe(true);
  });

  it("a held comment cannot be replied to", async () => {
    await admin.settings.update({ comments: "hold-first" });
    const waiting = await (await b.signUp("Wes Waiting", "reader")).caller.comment.create({ postId, body: "Waiting." });
    expect(await refused(owner.caller.comment.create({ postId, parentId: waiting.id, body: "Too soon." }))).toEqual({
      code: "NOT_FOUND",
      message: "parentId: The comment you are replying to is gone",
    });
  });
});
