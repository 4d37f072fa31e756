// Open redirects through `next`: every payload stays on this site, whether the server
// redirects (signed in) or the sign-in form sends the browser on (signed out).
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PASSWORD, signUp, submitPatiently } from "./helpers.ts";

const PAYLOADS = readFileSync(resolve(import.meta.dirname, "../fixtures/open-redirect-payloads.txt"), "utf8")
  .split("\n")
  .filter((line) => line && !line.startsWith("#"));

test("signed in, /sign-in?next=… redirects only to this site, for every payload, and never fails", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await signUp(page, "Reda Rect");
  const origin = new URL(baseURL!).origin;
  const offsite: string[] = [];
  for (const encoded of PAYLOADS) {
    const response = await page.request.get(`/sign-in?next=${encoded}`, { maxRedirects: 0 });
    const location = response.headers()["location"] ?? "";
    if (response.status() !== 303 || new URL(location, `${origin}/sign-in`).origin !== origin || location.startsWith("//")) {
      offsite.push(`${encoded} → ${response.status()} ${JSON.stringify(location)}`);
    }
  }
  expect(offsite).toEqual([]);

  // Chromium follows the redirect itself, with its own URL parser.
  for (const encoded of PAYLOADS.filter((_, i) => i % 12 === 0)) {
    await page.goto(`/sign-in?next=${encoded}`);
    expect(new URL(page.url()).origin, decodeURIComponent(encoded)).toBe(origin);
  }
});

test("signed out, the sign-in form sends the browser on only to this site", async ({ browser, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const setup = await browser.newPage();
  const email = await signUp(setup, "Otto Form");
  await setup.context().close();
  for (const payload of ["/%09/evil.example", "/%0A/evil.example", "/%5Cevil.example", "/.//evil.example", "javascript:alert(1)"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/sign-in?next=${payload}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await submitPatiently(page, "Sign in", () => page.waitForURL(/\/dashboard$/));
    await expect(page).toHaveURL(/\/dashboard$/);
    expect(new URL(page.url()).origin).toBe(origin);
    await context.close();
  }
});
