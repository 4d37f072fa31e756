// Property-based fuzzing (fast-check) of the REST APIs through the built server, as
// fuzz.spec.ts does for tRPC: every operation of the Admin API, found in /api/openapi.json
// and fed inputs generated from its own schemas (valid, near-valid, hostile) with an admin
// key and without one; and the Content API's parameters. Whatever is sent, the answer is a
// 2xx or a 4xx whose JSON says what was wrong in words; never a 5xx, a stack or a path.
//
// The admin key is made here by the suite's admin and acts as them; the only real thing its
// calls may touch is a draft it writes for each operation. Publishing is fuzzed on ids that name nothing, so no
// fuzz post reaches the lists other specs read.
import { expect, request as requests, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import fc from "fast-check";
import { ADMIN_STATE, leakIn } from "./helpers.ts";
import { hostile, nearValid, valid, type Schema } from "./fuzz-inputs.ts";

const RUNS = { arbitrary: 10, nearValid: 16 };
const RUNS_WITHOUT_KEY = { arbitrary: 3, nearValid: 3 };
const NEVER_ON_OWN = new Set(["post-publish"]);

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

let origin = "";
let adminKey = "";
let contentKey = "";
let api: APIRequestContext;
let operations: { method: string; path: string; op: Operation }[] = [];

test.beforeAll(async ({ baseURL }) => {
  origin = baseURL!;
  const admin = await requests.newContext({ baseURL: origin, storageState: ADMIN_STATE });
  const make = async (type: "content" | "admin") => {
    const made = await admin.post("/api/trpc/apiKey.create", { data: { json: { type, name: `Fuzz ${type}` } }, headers: { origin } });
    expect(made.status(), await made.text()).toBe(200);
    return ((await made.json()) as { result: { data: { json: { secret: string } } } }).result.data.json.secret;
  };
  contentKey = await make("content");
  adminKey = await make("admin");
  await admin.dispose();
  api = await requests.newContext({ baseURL: origin });
  const spec = (await (await api.get("/api/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
  operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
  expect(operations.length).toBeGreaterThan(5);
});

test.afterAll(async () => {
  await api?.dispose();
});

/** A draft the key's person owns, for near-valid ids to point at. */
async function ownDraft(): Promise<string> {
  const response = await api.post("/api/v1/posts", {
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
    data: JSON.stringify({ title: "Fuzz target", body: "Mine to *mangle*." }),
  });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

async function judge(response: APIResponse, sent: string, where: string, shape: "admin" | "content") {
  const status = response.status();
  const text = await response.text();
  const about = `${where} sent ${sent.slice(0, 300)} got ${status} ${text.slice(0, 500)}`;
  expect(status, about).toBeGreaterThanOrEqual(200);
  expect(status, about).toBeLessThan(500);
  if (status < 300 || status === 304) return;
  expect(leakIn(text, sent), about).toBeNull();
  const body = JSON.parse(text) as { message?: string; error?: { message?: string }; errors?: { message: string; type: string }[] };
  // The image upload answers as the dashboard's uploads do ({ error: { message } }).
  const message = shape === "content" ? body.errors?.[0]?.message : (body.message ?? body.error?.message);
  expect(typeof message, about).toBe("string");
  expect(message!.trim().length, about).toBeGreaterThan(0);
  // Quoted parts are the request's own words, echoed back ("filter: … of "[object Object]"").
  const own = message!.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  expect(own, about).not.toMatch(/^\s*[[{]|\[object Object\]|is not (a function|iterable)|Cannot (read|set)|\b(Type|Range)Error\b/);
  if (shape === "content") expect(body.errors?.[0]?.type, about).toMatch(/Error$/);
}

/** A value as text that any request can carry: JSON where it can be, else a word. */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? "undefined";
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Fills `{name}` in the path from the input, or with anything when it has none. */
function target(path: string, input: unknown): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = input && typeof input === "object" ? (input as Record<string, unknown>)[name] : undefined;
    // A lone surrogate has no UTF-8 form (encodeURIComponent throws): a client sends U+FFFD.
    return encodeURIComponent((typeof value === "string" && value ? value : text(value ?? "x")).toWellFormed());
  });
}

test.use({ trace: "off" });

test("every Admin API operation answers any input with a 2xx or a readable 4xx", async () => {
  test.setTimeout(600_000);
  for (const { method, path, op } of operations) {
    const id = NEVER_ON_OWN.has(op.operationId) ? undefined : await ownDraft();
    const own = id ? { id: [id] } : {};
    const [type, body] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
    const pathSchema: Schema = {
      type: "object",
      properties: Object.fromEntries((op.parameters ?? []).map((p) => [p.name, p.schema])),
      required: (op.parameters ?? []).map((p) => p.name),
    };
    const schema: Schema =
      body?.schema?.type === "object"
        ? { ...body.schema, properties: { ...pathSchema.properties, ...body.schema.properties } }
        : pathSchema;
    const send = (key: string | null, input: unknown, raw?: string) => {
      const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}) };
      const url = `/api/v1${target(path, input)}`;
      if (method === "get" || method === "delete") return api.fetch(url, { method, headers });
      headers["content-type"] = type === "application/json" || !type ? "application/json" : "application/octet-stream";
      return api.fetch(url, { method, headers, data: raw ?? text(input) });
    };
    for (const key of [adminKey, null]) {
      const runs = key ? RUNS : RUNS_WITHOUT_KEY;
      const where = `${method.toUpperCase()} ${path} ${key ? "with a key" : "without a key"}`;
      await fc.assert(
        fc.asyncProperty(fc.oneof(nearValid(schema, own), valid(schema, own)), async (input) => {
          const sent = text(input);
          await judge(await send(key, input, type === "application/json" ? sent : undefined), sent, where, "admin");
        }),
        { numRuns: runs.nearValid },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            hostile.map(text),
            fc.string({ unit: "binary", maxLength: 200 }),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          async (raw) => {
            await judge(await send(key, {}, raw), raw, where, "admin");
          },
        ),
        { numRuns: runs.arbitrary },
      );
    }
  }
});

const PARAMS = ["filter", "limit", "page", "order", "fields", "include", "formats"] as const;
const nqlish = fc.stringMatching(/^[a-z_.]{1,12}:[-><=[\]'(),+ a-z0-9]{0,30}$/);

test("every Content API resource answers any parameters with a 2xx or Ghost's error", async () => {
  test.setTimeout(300_000);
  const resources = ["posts/", "pages/", "tags/", "authors/", "settings/", "posts/slug/x/", "tags/x/"];
  const param = fc.oneof(
    nqlish,
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    hostile.map((h) => text(h).slice(0, 2000)),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...resources),
      fc.dictionary(fc.constantFrom(...PARAMS), param, { maxKeys: 4 }),
      async (resource, params) => {
        const query = new URLSearchParams({ key: contentKey, ...params }).toString();
        const response = await api.get(`/ghost/api/content/${resource}?${query}`);
        await judge(response, query, `GET ${resource}`, "content");
      },
    ),
    { numRuns: 120 },
  );
});
