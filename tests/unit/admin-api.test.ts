// The Admin API as a client outside TypeScript sees it: everything it knows comes from
// /api/openapi.json (operations found by their id, addresses and methods read from the
// spec), driven with plain fetch against the HTTP layer, then read back through the
// Content API with a content key.
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "../../src/cache/store.ts";
import { createServer, type QuireServer } from "../../src/http/server.ts";
import { getRuntime } from "../../src/runtime.ts";
import { createApiKey } from "../../src/server/api/keys.ts";
import { createBackend, type Backend } from "./harness.ts";

let b: Backend;
let quire: QuireServer;
let base: string;
let adminKey = "";
let contentKey = "";
const astro: RequestListener = (_req, res) => {
  res.writeHead(404);
  res.end();
};

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  await b.signUp("Ada Admin", null);
  const author = await b.signUp("Olive Owner", "author");
  adminKey = (await createApiKey(b.db.write, { type: "admin", name: "Publishing script", userId: author.userId })).secret;
  contentKey = (await createApiKey(b.db.write, { type: "content", name: "Front end", userId: author.userId })).secret;
  quire = createServer(await getRuntime(), astro, { store: createStore(), media: b.media });
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await quire.stop(1000);
  b.close();
});

type Spec = {
  servers: { url: string }[];
  paths: Record<string, Record<string, { operationId: string }>>;
};

/** Calls the operation with this id, filling `{name}` in its path from `params`. */
async function call(spec: Spec, operationId: string, params: Record<string, string>, body?: unknown) {
  const found = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op.operationId === operationId)
      .map(([method]) => ({ path, method })),
  )[0];
  if (!found) throw new Error(`no operation ${operationId} in the spec`);
  const path = found.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  // The spec names the site's public address; this test reaches it on its own port.
  const url = new URL(new URL(spec.servers[0]!.url).pathname + path, base);
  const response = await fetch(url, {
    method: found.method.toUpperCase(),
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the Admin API", () => {
  it("is described by a valid OpenAPI 3.1 document", async () => {
    const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { openapi: string };
    expect(spec.openapi).toMatch(/^3\.1\./);
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toMatchObject({ openapi: spec.openapi });
  });

  it("creates, updates, refuses a stale update, publishes, and the Content API then serves the post", async () => {
    const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as Spec;
    const created = await call(
      spec,
      "post-create",
      {},
      { title: "From a script", body: "# Hello\n\nWritten *elsewhere*.", tags: ["Automation"] },
    );
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: "draft", version: 1 });

    const updated = await call(
      spec,
      "post-update",
      { id },
      { id, version: 1, title: "From a script, edited", tags: ["Automation", "API"] },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, tags: [{ slug: "api" }, { slug: "automation" }] });

    const stale = await call(spec, "post-update", { id }, { id, version: 1, title: "Lost" });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("CONFLICT");
    expect(stale.body.message).toMatch(/version 2/);
    expect(stale.body.current).toMatchObject({ version: 2, title: "From a script, edited" });

    const published = await call(spec, "post-publish", { id }, { id });
    expect(published.status).toBe(200);
    expect(published.body.status).toBe("published");

    const mine = await call(spec, "post-mine", {});
    expect(mine.body).toEqual(expect.arrayContaining([expect.objectContaining({ id, status: "published" })]));

    const read = await fetch(`${base}/ghost/api/content/posts/slug/${created.body.slug as string}/?key=${contentKey}&include=tags`);
    expect(read.status).toBe(200);
    const { posts } = (await read.json()) as { posts: { title: string; html: string; tags: { slug: string }[] }[] };
    expect(posts[0]).toMatchObject({ title: "From a script, edited", tags: [{ slug: "api" }, { slug: "automation" }] });
    expect(posts[0]!.html).toContain("<em>elsewhere</em>");
  });

  it("schedules with a time in the body, given as JSON text", async () => {
    const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as Spec;
    const created = await call(spec, "post-create", {}, { title: "Later" });
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await call(spec, "post-publish", { id: created.body.id as string }, { id: created.body.id, at });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toMatchObject({ status: "scheduled", publishedAt: at });
  });

  it("says which field is wrong", async () => {
    const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as Spec;
    const refused = await call(spec, "post-create", {}, { title: "" });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/title/);
  });
});

describe("keys on the Admin API", () => {
  const create = (headers: Record<string, string>, body = JSON.stringify({ title: "Sneaky" })) =>
    fetch(`${base}/api/v1/posts`, { method: "POST", headers, body });

  it("takes a key only from the Authorization header: not a query string, a cookie or a form", async () => {
    expect((await create({ "content-type": "application/json" })).status).toBe(401);
    const inQuery = await fetch(`${base}/api/v1/posts?key=${adminKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(inQuery.status).toBe(401);
    expect((await create({ "content-type": "application/json", cookie: `key=${adminKey}` })).status).toBe(401);
    const form = await create({ "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${adminKey}` }, "title=Sneaky");
    expect(form.status).toBe(415);
    const multipart = await create({ "content-type": "multipart/form-data; boundary=x", authorization: `Bearer ${adminKey}` }, "--x--");
    expect(multipart.status).toBe(415);
  });

  it("refuses a content key and an unknown one, with a reason", async () => {
    const content = await create({ "content-type": "application/json", authorization: `Bearer ${contentKey}` });
    expect(content.status).toBe(403);
    expect(((await content.json()) as { message: string }).message).toMatch(/content key/i);
    const unknown = await create({ "content-type": "application/json", authorization: "Bearer quire_admin_nope" });
    expect(unknown.status).toBe(401);
  });
});
