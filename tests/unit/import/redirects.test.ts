// Old addresses answered with a 301 by the HTTP layer, ahead of the cache, and re-read when
// the table changes here or in another process.
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "../../../src/cache/store.ts";
import { cacheTags } from "../../../src/lib/cache-tags.ts";
import { createServer, type QuireServer } from "../../../src/http/server.ts";
import { getRuntime } from "../../../src/runtime.ts";
import { saveRedirect } from "../../../src/server/queries/imports.ts";
import { redirectTable } from "../../../src/server/redirects.ts";
import { createBackend, type Backend } from "../harness.ts";

let b: Backend;
let quire: QuireServer;
let base: string;
const store = createStore();
const astro: RequestListener = (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<p>home</p>");

beforeAll(async () => {
  b = await createBackend();
  b.mount();
  await saveRedirect(b.db.write, { from: "/?p=19", to: "/posts/boat-at-dawn" });
  await saveRedirect(b.db.write, { from: "/2020/05/boat-at-dawn/", to: "/posts/boat-at-dawn" });
  quire = createServer(await getRuntime(), astro, { store });
  await redirectTable(b.db.db).ready;
  await new Promise<void>((ok) => quire.server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(quire.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await quire.stop(1000);
  b.close();
});

const get = (path: string) => fetch(`${base}${path}`, { redirect: "manual" });

describe("old addresses", () => {
  it("answer 301 to the new page, with and without WordPress's trailing slash", async () => {
    for (const path of ["/?p=19", "/2020/05/boat-at-dawn/", "/2020/05/boat-at-dawn"]) {
      const res = await get(path);
      expect(res.status, path).toBe(301);
      expect(res.headers.get("location")).toBe("/posts/boat-at-dawn");
    }
  });

  it("never send an address to itself: /about/ to /about leaves /about alone", async () => {
    await saveRedirect(b.db.write, { from: "/about/", to: "/about" });
    await (await getRuntime()).invalidation.purge([cacheTags.redirects]);
    await redirectTable(b.db.db).ready;
    expect((await get("/about/")).headers.get("location")).toBe("/about");
    expect((await get("/about")).status).toBe(200);
  });

  it("leave every other address alone, the home page with another query too", async () => {
    expect((await get("/")).status).toBe(200);
    expect((await get("/?p=20")).status).toBe(200);
  });

  it("are read again after a purge of the redirect table, as another process would see it", async () => {
    await saveRedirect(b.db.write, { from: "/old-about/", to: "/about" });
    expect((await get("/old-about/")).status).toBe(200);
    await (await getRuntime()).invalidation.purge([cacheTags.redirects]);
    await redirectTable(b.db.db).ready;
    expect((await get("/old-about/")).headers.get("location")).toBe("/about");
  });
});
