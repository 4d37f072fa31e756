// A page lives at /<slug>, where the site's own routes and files win: a page under one of
// their names would be saved and never seen. Every top-level route and public file must be
// reserved, so adding one without reserving it fails here.
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isReservedSlug, RESERVED_SLUGS } from "../../src/lib/reserved-slugs.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** The first path segment a top-level entry of src/pages/ answers: `rss.xml.ts` → `rss.xml`. */
function routeOf(entry: { name: string; isDirectory(): boolean }): string | null {
  const name = entry.isDirectory() ? entry.name : entry.name.replace(/\.(astro|ts|js|md|mdx|html)$/, "");
  // The home page, and dynamic routes (pages/[slug].astro is where pages are served).
  if (name === "index" || name.startsWith("[")) return null;
  return name;
}

describe("reserved page addresses", () => {
  it("include every top-level route in src/pages/ and every file in public/", () => {
    const routes = readdirSync(resolve(ROOT, "src/pages"), { withFileTypes: true }).flatMap((e) => routeOf(e) ?? []);
    const files = readdirSync(resolve(ROOT, "public"));
    // The listing is real: the routes a reader knows are in it.
    expect(routes).toEqual(expect.arrayContaining(["posts", "tags", "search", "rss.xml", "dashboard"]));
    expect(files).toContain("favicon.svg");
    expect([...routes, ...files].filter((name) => !RESERVED_SLUGS.has(name))).toEqual([]);
  });

  it("are matched whatever their case, and nothing else is", () => {
    for (const slug of ["search", "Search", "api", "rss.xml", "404", "p"]) expect(isReservedSlug(slug), slug).toBe(true);
    for (const slug of ["about", "contact", "colophon", "posts-we-like", "searching", "pp"]) expect(isReservedSlug(slug), slug).toBe(false);
  });
});
