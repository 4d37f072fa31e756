// The answers tRPC gives before or around a procedure, through its real fetch handler:
// each says what is wrong in words a person reads, and none repeats an internal error.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_BATCH } from "../../src/lib/constants.ts";
import { createTRPCRouter, publicProcedure, type Context } from "../../src/server/trpc.ts";

const router = createTRPCRouter({
  echo: publicProcedure.input(z.object({ word: z.string().max(5, "Keep it short") }).strict()).query(({ input }) => input.word),
  broken: publicProcedure.query(() => {
    throw new Error("SQLITE_CORRUPT: database disk image is malformed (/srv/quire/.data/quire.db)");
  }),
});

async function ask(path: string, init: RequestInit = {}) {
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://quire.test/api/trpc/${path}`, init),
    router,
    maxBatchSize: MAX_BATCH,
    createContext: () => ({ log: () => {} }) as unknown as Context,
    onError: () => {},
  });
  const body = (await response.json()) as { error?: { json: { message: string } } } | { error?: { json: { message: string } } }[];
  const error = Array.isArray(body) ? body[0]!.error : body.error;
  return { status: response.status, message: error?.json.message, text: JSON.stringify(body) };
}
const input = (value: unknown) => `input=${encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value))}`;

describe("tRPC's answers in words", () => {
  it("names the field and the reason for an input the schema refuses", async () => {
    expect(await ask(`echo?${input(superjson.serialize({ word: "far too long" }))}`)).toMatchObject({
      status: 400,
      message: "word: Keep it short",
    });
  });

  it("says the input is not JSON, not what the JSON parser thought", async () => {
    expect(await ask(`echo?${input("{not json")}`)).toMatchObject({ status: 400, message: "The input is not valid JSON" });
  });

  it("says a superjson envelope it cannot decode is one, not how superjson failed", async () => {
    for (const envelope of [
      { json: [], meta: { referentialEqualities: [] } },
      { json: [], meta: { values: { "": "undefined" } } },
      { json: { a: "x" }, meta: { values: { a: ["regexp"] } } },
      { json: 1, meta: { values: { "__proto__.polluted": ["Date"] } } },
    ]) {
      expect(await ask(`echo?${input(envelope)}`)).toMatchObject({
        status: 400,
        message: "The input could not be decoded: send it as superjson, as the tRPC client does",
      });
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it(`refuses a batch of more than ${MAX_BATCH} calls, saying how many it takes`, async () => {
    const over = await ask(
      `${Array(MAX_BATCH + 1)
        .fill("echo")
        .join(",")}?batch=1`,
    );
    expect(over).toMatchObject({ status: 400, message: `A batch holds at most ${MAX_BATCH} calls` });
    const words = Object.fromEntries(Array.from({ length: MAX_BATCH }, (_, i) => [i, superjson.serialize({ word: "hi" })]));
    const at = await ask(`${Array(MAX_BATCH).fill("echo").join(",")}?batch=1&${input(words)}`);
    expect(at.status).toBe(200);
    expect(JSON.parse(at.text)).toHaveLength(MAX_BATCH);
  });

  it("never repeats an unexpected error's own message", async () => {
    const broken = await ask("broken");
    expect(broken.status).toBe(500);
    expect(broken.message).toBe("Something went wrong on the server; it has been logged. Try again in a moment.");
    expect(broken.text).not.toMatch(/SQLITE|quire\.db|\/srv\//);
  });
});
