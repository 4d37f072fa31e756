// The comment island's small client speaks tRPC's wire format by hand. These tests send it
// through the real API route (src/pages/api/trpc/[trpc].ts) on a real database, and hold it
// to what tRPC's own client and superjson make of the same answers: if tRPC or superjson
// change their format, or a comment procedure starts returning something the small client
// cannot read, this fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIContext } from "astro";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { ALL as trpcRoute } from "../../src/pages/api/trpc/[trpc].ts";
import { ApiError, readError } from "../../src/client/api-error.ts";
import { commentClient } from "../../src/client/comment-client.ts";
import type { AppRouter } from "../../src/server/root.ts";
import { createBackend, type Backend } from "./harness.ts";

const SITE = "http://quire.test";

let b: Backend;
let author: Awaited<ReturnType<Backend["signUp"]>>;
let reader: Awaited<ReturnType<Backend["signUp"]>>;
let postId: string;

/** What a browser on our page does: same-origin URL, its cookie, its Origin on a POST. */
function browser(cookie: string, seen: unknown[] = []): typeof fetch {
  return async (url, init) => {
    const headers = new Headers(init?.headers);
    if (cookie) headers.set("cookie", cookie);
    if (init?.method === "POST") headers.set("origin", SITE);
    const request = new Request(new URL(String(url), SITE), { ...init, headers });
    const context = { request, clientAddress: "192.0.2.7", cache: { enabled: false, invalidate: async () => {} } };
    const response = (await trpcRoute(context as unknown as APIContext)) as Response;
    seen.push(await response.clone().json());
    return response;
  };
}

/** tRPC's own client over the same route, to compare against. */
const trpcClient = (cookie: string) =>
  createTRPCClient<AppRouter>({ links: [httpLink({ url: `${SITE}/api/trpc`, transformer: superjson, fetch: browser(cookie) })] });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  author = await b.signUp("Paula Poster");
  reader = await b.signUp("Rory Reader", "reader");
  const post = await author.caller.post.create({ title: "Talk to me", body: "Comments welcome." });
  await author.caller.post.publish({ id: post.id });
  postId = post.id;
});
afterAll(() => b.close());

describe("the comment client reads what the comment procedures return", () => {
  it("posts, replies, edits, lists, hides and deletes with Dates intact, as superjson would read them", async () => {
    const answers: unknown[] = [];
    const client = commentClient(browser(reader.cookie, answers));
    const decodedOf = (i: number) =>
      superjson.deserialize((answers[i] as { result: { data: Parameters<typeof superjson.deserialize>[0] } }).result.data);

    const top = await client.mutate("create", { postId, body: "First *thoughts*" });
    expect(top.createdAt).toBeInstanceOf(Date);
    expect(top).toEqual(decodedOf(0));
    expect(top.html).toContain("<em>thoughts</em>");

    const reply = await client.mutate("create", { postId, parentId: top.id, body: "A reply" });
    const edited = await client.mutate("edit", { id: top.id, body: "Second thoughts" });
    expect(edited.editedAt).toBeInstanceOf(Date);
    expect(edited).toEqual(decodedOf(2));

    const page = await client.query("byPost", { postId });
    expect(page).toEqual(decodedOf(3));
    // The same thing the server's own caller returns, Dates and nulls included.
    expect(page).toEqual(await (await b.anonymous()).comment.byPost({ postId }));
    expect(page.items.map((c) => [c.body, c.replies.map((r) => r.body)])).toEqual([["Second thoughts", ["A reply"]]]);
    expect(page.items[0]!.replies[0]!.createdAt).toEqual(reply.createdAt);
    expect(page.items[0]!.replies[0]!.editedAt).toBeNull();

    const moderator = commentClient(browser(author.cookie, answers));
    expect(await moderator.mutate("hide", { id: reply.id })).toEqual({ id: reply.id });
    const hidden = await moderator.query("hidden", { id: postId });
    expect(hidden).toEqual(decodedOf(answers.length - 1));
    expect(hidden.map((h) => [h.id, h.author.name, h.createdAt instanceof Date])).toEqual([[reply.id, "Rory Reader", true]]);
    expect(await moderator.mutate("unhide", { id: reply.id })).toEqual({ id: reply.id });
    expect(await client.mutate("delete", { id: reply.id })).toEqual({ id: reply.id });
    expect((await client.query("byPost", { postId })).items[0]!.replies).toEqual([]);
  });

  it("pages with the cursor the server gave", async () => {
    const client = commentClient(browser(reader.cookie));
    const { id } = await author.caller.post.create({ title: "Busy thread", body: "." });
    await author.caller.post.publish({ id });
    for (const n of [1, 2, 3]) await client.mutate("create", { postId: id, body: `Comment ${n}` });
    const first = await client.query("byPost", { postId: id, limit: 2 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.query("byPost", { postId: id, limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((c) => c.body)).toEqual(["Comment 1", "Comment 2", "Comment 3"]);
    expect(second.nextCursor).toBeNull();
  });
});

describe("failures read the same as through tRPC's client", () => {
  const cases: [
    string,
    string,
    (client: ReturnType<typeof commentClient>, trpc: ReturnType<typeof trpcClient>) => [Promise<unknown>, Promise<unknown>],
    RegExp,
  ][] = [
    [
      "signed out",
      "",
      (c, t) => [c.mutate("create", { postId, body: "Hi" }), t.comment.create.mutate({ postId, body: "Hi" })],
      /^Your session has ended/,
    ],
    [
      "an empty comment",
      "reader",
      (c, t) => [c.mutate("create", { postId, body: "  " }), t.comment.create.mutate({ postId, body: "  " })],
      /^body: Write something first$/,
    ],
    [
      "an unknown post",
      "reader",
      (c, t) => [c.query("byPost", { postId: "nope" }), t.comment.byPost.query({ postId: "nope" })],
      /^Not found: No published post/,
    ],
    [
      "someone else's comment",
      "author",
      (c, t) => [c.mutate("delete", { id: topId }), t.comment.delete.mutate({ id: topId })],
      /^Not yours: You can only delete your own comments$/,
    ],
    [
      "a reply to a reply",
      "reader",
      (c, t) => [
        c.mutate("create", { postId, parentId: replyId, body: "x" }),
        t.comment.create.mutate({ postId, parentId: replyId, body: "x" }),
      ],
      /^parentId: Replies go one level deep/,
    ],
  ];
  let topId = "";
  let replyId = "";
  beforeAll(async () => {
    topId = (await reader.caller.comment.create({ postId, body: "Mine" })).id;
    replyId = (await reader.caller.comment.create({ postId, parentId: topId, body: "A reply" })).id;
  });

  it.each(cases)("%s", async (_, who, calls, message) => {
    const cookie = who === "reader" ? reader.cookie : who === "author" ? author.cookie : "";
    const [ours, theirs] = calls(commentClient(browser(cookie)), trpcClient(cookie));
    const error = await failure(ours);
    expect(error).toBeInstanceOf(ApiError);
    const readable = readError(error);
    expect(readable.message).toMatch(message);
    expect(readable).toEqual(readError(await failure(theirs)));
  });

  it("keeps the server's words and the field errors", async () => {
    const client = commentClient(browser(""));
    const error = (await failure(client.mutate("create", { postId, body: "Hi" }))) as ApiError;
    expect([error.message, error.data.code]).toEqual(["Sign in first", "UNAUTHORIZED"]);
    const invalid = readError(await failure(commentClient(browser(reader.cookie)).mutate("create", { postId, body: "" })));
    expect(invalid).toMatchObject({ code: "BAD_REQUEST", fields: { body: "Write something first" } });
  });

  it("says it could not reach the server when no answer from the API came back", async () => {
    const offline = commentClient(async () => {
      throw new TypeError("Failed to fetch");
    });
    const notOurs = commentClient(
      async () => new Response("<h1>Bad gateway</h1>", { status: 502, headers: { "content-type": "text/html" } }),
    );
    const refused = commentClient(
      async (url, init) =>
        trpcRoute({
          request: new Request(new URL(String(url), SITE), init),
          clientAddress: "192.0.2.7",
        } as unknown as APIContext) as Promise<Response>,
    );
    for (const client of [offline, notOurs, refused]) {
      const readable = readError(await failure(client.mutate("create", { postId, body: "Kept" })));
      expect(readable.message).toMatch(/^Could not reach the server/);
    }
  });
});
