// Where sign-in may send a person: only to a path on this site, whatever `next` says.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_NEXT, safeNext } from "../../src/lib/redirect.ts";

const SITE = "https://quire.test";
export const OPEN_REDIRECT_PAYLOADS = readFileSync(resolve(import.meta.dirname, "../fixtures/open-redirect-payloads.txt"), "utf8")
  .split("\n")
  .filter((line) => line && !line.startsWith("#"))
  .map((line) => decodeURIComponent(line));

/** Where a browser goes when it is sent to `target` from a page of this site. */
const landing = (target: string) => new URL(target, `${SITE}/sign-in`);

describe("safeNext", () => {
  it("has a few hundred payloads to try", () => {
    expect(OPEN_REDIRECT_PAYLOADS.length).toBeGreaterThan(300);
  });

  it("keeps every one on the site, as a path a header can carry", () => {
    const offsite = OPEN_REDIRECT_PAYLOADS.filter((payload) => {
      const target = safeNext(payload, SITE);
      // A header value a browser and Node accept as it is: printable ASCII only.
      const headerSafe = /^[\x21-\x7e]+$/.test(target);
      return !headerSafe || !target.startsWith("/") || target.startsWith("//") || landing(target).origin !== SITE;
    });
    expect(offsite).toEqual([]);
  });

  it("keeps a path on the site as it was asked for", () => {
    expect(safeNext("/dashboard/posts/abc", SITE)).toBe("/dashboard/posts/abc");
    expect(safeNext("/posts/hello?after=x#comments", SITE)).toBe("/posts/hello?after=x#comments");
    expect(safeNext("/posts/caf%C3%A9", SITE)).toBe("/posts/caf%C3%A9");
    expect(safeNext("/posts/café", SITE)).toBe("/posts/caf%C3%A9");
  });

  it("falls back for what is not a path on this site", () => {
    for (const payload of [
      "",
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/.//evil.example",
      "javascript:alert(1)",
      "https://evil.example/",
      "evil.example",
    ]) {
      expect(safeNext(payload, SITE), JSON.stringify(payload)).toBe(DEFAULT_NEXT);
    }
    expect(safeNext(null, SITE)).toBe(DEFAULT_NEXT);
    expect(safeNext("//evil.example", SITE, "/")).toBe("/");
  });
});
