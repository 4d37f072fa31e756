// Property-based fuzzing (fast-check) of every tRPC procedure through the real HTTP
// endpoint: whatever a client sends, the answer is a 2xx, or a 4xx whose JSON carries a
// readable message; never a 5xx, never a stack trace or a path on the server.
//
// The procedures come from the router itself, so a new one is fuzzed without touching
// this file, and each one's near-valid inputs are derived from its own zod schema (through
// its JSON Schema). Each runs as an anonymous visitor and as a signed-in admin, so
// protected procedures parse their input too.
//
// The admin is one this file makes (promoted by the suite's admin), and the only real
// things it may touch are its own: its profile and a draft it writes for each test. Every
// other id it sends belongs to nothing, so specs running alongside see no change. The site's
// settings show on every page, so the procedure that changes them is fuzzed on a Quire of
// its own (on a deployed site, the settings are put back afterwards).
import { expect, request as requests, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import fc from "fast-check";
import superjson from "superjson";
import { z } from "zod";
import { appRouter } from "../../src/server/root.ts";
import { ADMIN_STATE, apiSignUp, DEPLOYED, leakIn, PASSWORD, patiently, uniqueEmail } from "./helpers.ts";
import { startQuire } from "./servers/quire.ts";
import { encode, hostile, nearValid, valid, type Own, type Schema } from "./fuzz-inputs.ts";

type Kind = "query" | "mutation" | "subscription";
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: Kind; inputs: z.ZodType[] } }>);

/** Runs per procedure, per caller, per kind of input (plus the examples below). */
const RUNS = { arbitrary: 10, nearValid: 16 };
/** A procedure that turns visitors away reads no input of theirs: a few runs show that holds. */
const RUNS_TURNED_AWAY = { arbitrary: 3, nearValid: 3 };
/** Node refuses a request line over 16 KB before any of our code runs: queries stay under it. */
const MAX_QUERY_URL = 12_000;
/** A published fuzz post would show on the home page other specs read: this one never gets the own draft. */
const NEVER_ON_OWN = new Set(["post.publish"]);
/** What these take changes every page of the site (its title, menus, comments…): fuzzed on a site of their own. */
const SITE_WIDE = new Set(["settings.update"]);

// ── What gets sent ────────────────────────────────────────────────────────────

const metaValue = fc.oneof(
  fc.constantFrom("undefined", "bigint", "Date", "regexp", "set", "map", "Error", "number", "symbol:x", "class:X", "custom:x", "nope"),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Whole request bodies and query strings, beyond what superjson would make. */
const arbitraryWire: fc.Arbitrary<string> = fc.oneof(
  hostile.map(encode),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  // A superjson envelope whose annotations lie about the values.
  fc
    .record({
      json: fc.jsonValue({ maxDepth: 3 }),
      meta: fc.record(
        {
          values: fc.oneof(fc.dictionary(fc.string(), metaValue), metaValue),
          referentialEqualities: fc.oneof(fc.dictionary(fc.string(), fc.array(fc.string())), fc.jsonValue({ maxDepth: 2 })),
          v: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
);

/** Inputs that once got a library's words back (or worse): tried first on every run. */
const FOUND = [
  '{"json":[],"meta":{"referentialEqualities":[]}}',
  '{"json":[],"meta":{"referentialEqualities":{"":0}}}',
  '{"json":0,"meta":{"values":[],"referentialEqualities":{"":[]}}}',
  '{"json":[],"meta":{"values":{"":"undefined"}}}',
  '{"json":{"a":"x"},"meta":{"values":{"a":["regexp"]}}}',
  '{"json":{"a":1},"meta":{"values":{"a":[["class","X"]]}}}',
  '{"json":1,"meta":{"values":{"__proto__.polluted":["Date"]}}}',
  '{"json":{"__proto__":{"polluted":1}}}',
  "{not json",
  " ",
  "null",
].map((wire) => [wire] as [string]);

// ── Calling and judging ───────────────────────────────────────────────────────

interface Caller {
  name: string;
  api: APIRequestContext;
}

async function call(caller: Caller, origin: string, path: string, type: Kind, wire: string): Promise<APIResponse> {
  if (type === "query") return caller.api.get(`/api/trpc/${path}?input=${encodeURIComponent(wire)}`);
  return caller.api.post(`/api/trpc/${path}`, { headers: { origin, "content-type": "application/json" }, data: wire });
}

/** What one answer says, after checking it is one a client can live with. */
async function judge(response: APIResponse, sent: string, where: string): Promise<{ status: number; zodError: unknown }> {
  const status = response.status();
  const text = await response.text();
  const about = `${where} sent ${sent.slice(0, 300)} got ${status} ${text.slice(0, 500)}`;
  expect(status, about).toBeLessThan(500);
  expect(status, about).toBeGreaterThanOrEqual(200);
  const body = JSON.parse(text) as { error?: { json?: ErrorShape } & ErrorShape };
  if (status >= 300) {
    // Only errors are searched for traces and paths: a 2xx carries what people wrote, and
    // other specs write hostile strings ("/tmp/…") into the same database.
    expect(leakIn(text, sent), about).toBeNull();
    const error = body.error?.json ?? body.error;
    expect(typeof error?.message, about).toBe("string");
    const message = error!.message!;
    expect(message.trim().length, about).toBeGreaterThan(0);
    // A dumped object or issue list is not a message a person reads, and neither are the
    // words of a library's or the engine's insides ("number 1 is not iterable").
    expect(message, about).not.toMatch(/^\s*[[{]|\[object Object\]/);
    expect(message, about).not.toMatch(ENGINE_WORDS);
    // The procedure was found: the fuzzer reaches what the router has.
    expect(message, about).not.toMatch(/No procedure found/i);
    return { status, zodError: error?.data?.zodError ?? null };
  }
  return { status, zodError: null };
}
const ENGINE_WORDS =
  /Maximum call stack|is not (a function|iterable|defined)|Cannot (read|set|convert)|Unknown transformation|deserialize unknown|in JSON at position|Unexpected (token|end)|\b(Type|Range|Reference|Syntax)Error\b/;

interface ErrorShape {
  message?: string;
  code?: unknown;
  data?: { code?: string; zodError?: unknown };
}

// ── The callers ──────────────────────────────────────────────────────────────

let admin: Caller & { userId: string };
let anonymous: Caller;
let origin: string;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from this pattern: none
test.beforeAll(async ({}, info) => {
  const baseURL = info.project.use.baseURL!;
  origin = new URL(baseURL).origin;
  anonymous = { name: "anonymous", api: await requests.newContext({ baseURL }) };
  const api = await requests.newContext({ baseURL, extraHTTPHeaders: { origin } });
  const email = uniqueEmail("fuzz");
  const signUp = await patiently(() => api.post("/api/auth/sign-up/email", { data: { name: "Fuzz Admin", email, password: PASSWORD } }));
  expect(signUp.status(), await signUp.text()).toBe(200);
  // A sign-up signs nobody in: the session comes from signing in.
  const signIn = await patiently(() => api.post("/api/auth/sign-in/email", { data: { email, password: PASSWORD } }));
  expect(signIn.status(), await signIn.text()).toBe(200);
  const { user } = (await signIn.json()) as { user: { id: string } };
  const siteAdmin = await requests.newContext({ baseURL, storageState: ADMIN_STATE });
  const promoted = await siteAdmin.post("/api/trpc/user.setRole", {
    data: { json: { userId: user.id, role: "admin" } },
    headers: { origin },
  });
  expect(promoted.status(), await promoted.text()).toBe(200);
  await siteAdmin.dispose();
  admin = { name: "admin", api, userId: user.id };
});

test.afterAll(async () => {
  await Promise.all([admin?.api.dispose(), anonymous?.api.dispose()]);
});

/** A draft of the fuzz admin's own, with its first revision, for near-valid ids to point at. */
async function ownDraft(): Promise<Own> {
  const post = async (path: string, input: unknown) => {
    const response = await admin.api.post(`/api/trpc/${path}`, { headers: { "content-type": "application/json" }, data: encode(input) });
    expect(response.status(), await response.text()).toBe(200);
    return superjson.deserialize<{ id: string }>((await response.json()).result.data);
  };
  const draft = await post("post.create", { title: "Fuzz target", body: "Mine to *mangle*." });
  const query = await admin.api.get(`/api/trpc/post.revisions?input=${encodeURIComponent(encode({ id: draft.id }))}`);
  const [revision] = superjson.deserialize<{ id: string }[]>((await query.json()).result.data);
  return { id: [draft.id, revision!.id], postId: [draft.id], revisionId: [revision!.id], userId: [admin.userId] };
}

/** Where a site-wide procedure is fuzzed, with its own visitor and admin, and how to leave it. */
interface Site {
  origin: string;
  anonymous: Caller;
  admin: Caller;
  close(): Promise<void>;
}

async function siteOfItsOwn(): Promise<Site> {
  if (DEPLOYED) {
    // No server of its own there: the deployed site's settings are put back as they were.
    const read = await admin.api.get(`/api/trpc/settings.get?input=${encodeURIComponent(encode(undefined))}`);
    expect(read.status(), await read.text()).toBe(200);
    const { settings } = superjson.deserialize<{ settings: unknown }>((await read.json()).result.data);
    const restore = async () => {
      const put = await admin.api.post("/api/trpc/settings.update", { headers: { origin }, data: encode(settings) });
      expect(put.status(), await put.text()).toBe(200);
    };
    return { origin, anonymous, admin, close: restore };
  }
  const quire = await startQuire();
  const visitor = await requests.newContext({ baseURL: quire.url });
  const api = await requests.newContext({ baseURL: quire.url, extraHTTPHeaders: { origin: quire.url } });
  // The first account on its fresh database is its admin.
  const user = await apiSignUp(api, quire.url, "Fuzz Owner");
  expect(user.role).toBe("admin");
  return {
    origin: quire.url,
    anonymous: { name: "anonymous", api: visitor },
    admin: { name: "admin", api },
    close: async () => {
      await Promise.all([visitor.dispose(), api.dispose()]);
      expect(await quire.stop()).toBe(0);
    },
  };
}

// ── The properties ───────────────────────────────────────────────────────────

// A trace of a few thousand requests costs more than the requests; a failure names its input.
test.use({ trace: "off" });

for (const [path, procedure] of procedures) {
  const { type, inputs } = procedure._def;
  test(`${path} (${type}) answers any input with a 2xx or a readable 4xx`, async () => {
    expect(type, "the fuzzer speaks queries (GET) and mutations (POST)").not.toBe("subscription");
    expect(inputs.length, "the fuzzer knows one input parser per procedure").toBeLessThanOrEqual(1);
    const schema: Schema = inputs[0] ? (z.toJSONSchema(inputs[0], { io: "input", unrepresentable: "any" }) as Schema) : {};
    const site = SITE_WIDE.has(path) ? await siteOfItsOwn() : { origin, anonymous, admin, close: async () => {} };
    const own = NEVER_ON_OWN.has(path) || SITE_WIDE.has(path) ? {} : await ownDraft();
    const fits = (wire: string) => type !== "query" || encodeURIComponent(wire).length < MAX_QUERY_URL;
    /** Whether the procedure's own schema takes this input, as the server will read it. */
    const accepts = (wire: string) => {
      try {
        return !inputs[0] || inputs[0].safeParse(superjson.deserialize(JSON.parse(wire))).success;
      } catch {
        return false;
      }
    };
    // Two inputs the schema surely takes come first, so the procedure's own code runs.
    const valids = fc.sample(valid(schema, own).map(encode).filter(fits).filter(accepts), 2).map((wire) => [wire] as [string]);
    try {
      const turnedAway = (await call(site.anonymous, site.origin, path, type, valids[0]![0])).status() === 401;

      for (const caller of [site.anonymous, site.admin]) {
        const where = `${path} as ${caller.name}`;
        const runs = caller === site.anonymous && turnedAway ? RUNS_TURNED_AWAY : RUNS;
        await fc.assert(
          fc.asyncProperty(arbitraryWire.filter(fits), async (wire) => {
            await judge(await call(caller, site.origin, path, type, wire), wire, where);
          }),
          { numRuns: runs.arbitrary, examples: runs === RUNS ? FOUND : [] },
        );
        await fc.assert(
          fc.asyncProperty(nearValid(schema, own).map(encode).filter(fits), async (wire) => {
            const { zodError } = await judge(await call(caller, site.origin, path, type, wire), wire, where);
            if (accepts(wire)) {
              // What the schema takes here, it takes over HTTP too.
              expect(zodError, `${where} refused an input its schema takes: ${wire.slice(0, 300)}`).toBeNull();
            }
          }),
          { numRuns: runs.nearValid, examples: valids },
        );
      }
    } finally {
      await site.close();
    }
  });
}
