// Oversized requests: a 10 MB post, a 1 MB comment, a batch of 1,000 calls, a huge sign-up.
// Each is refused with a 413 or a 400 that states the limit, the big uploads before the
// server has read them, and the server goes on serving other people meanwhile. A long
// post that is within the limits still saves.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import superjson from "superjson";
import { BODY_MAX, COMMENT_MAX } from "../../src/lib/schemas.ts";
import { MAX_BATCH } from "../../src/lib/constants.ts";
import { ADMIN_STATE, apiAuthor, apiSignUp, PASSWORD, uniqueEmail } from "./helpers.ts";

const MB = 1024 * 1024;

interface Answer {
  status: number;
  body: string;
  /** How much of its body the client had sent when the answer came. */
  sentBefore: number;
}

/**
 * A POST whose body the test sends a piece at a time (with a declared length or chunked),
 * so it can stop and watch what the server does with an upload still open.
 */
function upload(url: string, headers: Record<string, string>) {
  const req = httpRequest(url, { method: "POST", headers });
  let sent = 0;
  let answered = false;
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on("response", (res) => {
      answered = true;
      const sentBefore = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body, sentBefore }));
    });
    // Once refused, the server may cut the connection while bytes are still on their way.
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
  });
  const piece = Buffer.alloc(64 * 1024, "a");
  return {
    answer,
    get answered() {
      return answered;
    },
    /** Sends `bytes` more (in 64 KB pieces, as the socket takes them), unless answered first. */
    async send(bytes: number) {
      for (let left = bytes; left > 0 && !answered; left -= piece.length) {
        const ok = req.write(left >= piece.length ? piece : piece.subarray(0, left));
        sent += Math.min(left, piece.length);
        if (!ok) await new Promise<void>((drained) => req.once("drain", drained).once("close", drained));
      }
    },
    /** Sends these bytes and ends the body. */
    async write(bytes: Buffer) {
      sent += bytes.length;
      await new Promise<void>((done) => req.end(bytes, done));
    },
    close: () => req.destroy(),
  };
}

const adminCookie = () =>
  (JSON.parse(readFileSync(ADMIN_STATE, "utf8")) as { cookies: { name: string; value: string }[] }).cookies
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");

test("a 10 MB post is refused from its headers with a 413, and other readers are served meanwhile", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const headers = { origin, cookie: adminCookie(), "content-type": "application/json" };

  // The length is declared: the answer comes after the first megabyte, the rest never sent.
  const declared = upload(`${origin}/api/trpc/post.create`, { ...headers, "content-length": String(10 * MB) });
  await declared.send(MB);
  const refused = await declared.answer;
  expect(refused.status).toBe(413);
  expect(JSON.parse(refused.body).error.message).toBe("The request body is over the 2 MB limit for this address");
  expect(refused.sentBefore).toBeLessThanOrEqual(MB);
  declared.close();

  // No length (chunked): counted as it comes and refused at the limit. While it is open,
  // halfway there, another client's page and API call are answered.
  const chunked = upload(`${origin}/api/trpc/post.create`, { ...headers, "transfer-encoding": "chunked" });
  await chunked.send(MB);
  const page = await request.get("/", { headers: { cookie: "" } });
  expect(page.status()).toBe(200);
  expect(await page.text()).toContain("</html>");
  expect((await request.get("/api/trpc/tag.all", { headers: { cookie: "" } })).status()).toBe(200);
  expect(chunked.answered).toBe(false);
  // Past the limit, the client stops at 3 MB of its 10 and waits: the server answers anyway.
  await chunked.send(2 * MB);
  const cut = await chunked.answer;
  expect(cut.status).toBe(413);
  expect(JSON.parse(cut.body).error.message).toMatch(/over the 2 MB limit/);
  expect(cut.sentBefore).toBeLessThan(10 * MB);
  chunked.close();

  // A chunked body within the limit still reaches the API whole.
  const small = upload(`${origin}/api/trpc/post.preview`, { ...headers, "transfer-encoding": "chunked" });
  const preview = Buffer.from(JSON.stringify(superjson.serialize({ body: `**Streamed** ${"word ".repeat(20_000)}` })));
  await small.write(preview);
  const previewed = await small.answer;
  expect(previewed.status, previewed.body).toBe(200);
  expect(previewed.body).toContain("<strong>Streamed</strong> word word");
});

test("sign-up, sign-in and the rest of the auth API refuse bodies over 64 KB", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const email = uniqueEmail("huge");
  const signUp = await request.post("/api/auth/sign-up/email", {
    headers: { origin },
    data: { name: "x".repeat(100_000), email, password: PASSWORD },
  });
  expect(signUp.status()).toBe(413);
  expect((await signUp.json()).error.message).toBe("The request body is over the 64 KB limit for this address");
  // A refusal is about this request only: nobody may keep it.
  expect(signUp.headers()["cache-control"]).toBe("private, no-store");
  // Nothing was made of it.
  const signIn = await request.post("/api/auth/sign-in/email", { headers: { origin }, data: { email, password: PASSWORD } });
  expect(signIn.status()).toBe(401);

  const streamed = upload(`${origin}/api/auth/sign-in/email`, {
    origin,
    "content-type": "application/json",
    "content-length": String(10 * MB),
  });
  await streamed.send(256 * 1024);
  expect((await streamed.answer).status).toBe(413);
  streamed.close();
});

test("a 1 MB comment gets a 400 that states the comment limit", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await apiSignUp(request, origin, "Connie Comment");
  const response = await request.post("/api/trpc/comment.create", {
    headers: { origin, "content-type": "application/json" },
    data: superjson.serialize({ postId: "any-post", body: "word ".repeat(MB / 5) }),
  });
  expect(response.status()).toBe(400);
  expect((await response.json()).error.json.message).toBe(`body: Keep comments under ${COMMENT_MAX.toLocaleString("en")} characters`);
});

test("the longest post allowed saves, in any script; one character more gets a 400 with the limit", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const author = await apiAuthor(request, origin, "Lena Longpost");
  // Letters that take 2, 3 and 4 bytes, and quotes and backslashes JSON writes as 2 (control
  // characters, 6 in JSON, are refused on their own). The limit counts characters (code
  // points): 🦄 is one, though JavaScript's length says 2.
  const line = 'Longue phrase, 長い文章, 🦄, "quoted" and C:\\path — ';
  const body = [...`# A very long post\n\n${line.repeat(Math.ceil(BODY_MAX / [...line].length))}`].slice(0, BODY_MAX).join("");
  expect([...body].length).toBe(BODY_MAX);
  const saved = await author.mutate<{ id: string; body: string }>("post.create", { title: `Long ${Date.now().toString(36)}`, body });
  expect(saved.body).toBe(body);

  const tooLong = await request.post("/api/trpc/post.update", {
    headers: { origin, "content-type": "application/json" },
    data: superjson.serialize({ id: saved.id, version: 1, body: `${body}x` }),
  });
  expect(tooLong.status()).toBe(400);
  expect((await tooLong.json()).error.json.message).toBe(`body: The body is over ${BODY_MAX.toLocaleString("en")} characters`);
  await author.mutate("post.delete", { id: saved.id });
});

test(`a batch of 1,000 calls is refused with a 400 before any runs; ${MAX_BATCH} are answered`, async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await apiAuthor(request, origin, "Bart Batch");
  const mine = async () => {
    const response = await request.get("/api/trpc/post.mine");
    return superjson.deserialize<unknown[]>((await response.json()).result.data).length;
  };
  const before = await mine();

  const creates = await request.post(`/api/trpc/${Array(1000).fill("post.create").join(",")}?batch=1`, {
    headers: { origin, "content-type": "application/json" },
    data: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [i, superjson.serialize({ title: `Batch ${i}` })])),
  });
  expect(creates.status()).toBe(400);
  expect(JSON.stringify(await creates.json())).toContain(`A batch holds at most ${MAX_BATCH} calls`);
  expect(await mine()).toBe(before);

  const queries = await request.get(`/api/trpc/${Array(1000).fill("tag.all").join(",")}?batch=1`);
  expect(queries.status()).toBe(400);
  expect(JSON.stringify(await queries.json())).toContain(`A batch holds at most ${MAX_BATCH} calls`);

  const atLimit = await request.get(`/api/trpc/${Array(MAX_BATCH).fill("tag.all").join(",")}?batch=1`);
  expect(atLimit.status()).toBe(200);
  expect(await atLimit.json()).toHaveLength(MAX_BATCH);
});
