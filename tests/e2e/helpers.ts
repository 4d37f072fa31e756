import { expect, type APIRequestContext, type Page } from "@playwright/test";

export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}@quire.test`;
}

export const PASSWORD = "correct horse battery staple";

export async function signUp(page: Page, name: string, email = uniqueEmail(name.split(" ")[0]!.toLowerCase())) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return email;
}

/** What an anonymous reader gets: status, HTML, and whether the page carries any script. */
export async function readAsVisitor(request: APIRequestContext, path: string) {
  const response = await request.get(path, { headers: { cookie: "" } });
  const html = await response.text();
  return { status: response.status(), html, hasScript: /<script\b/i.test(html) };
}

/**
 * An author driven over HTTP, as the islands do: better-auth's sign-up, then tRPC
 * mutations (superjson bodies). The context keeps the session cookie; `origin` is the
 * site's own, as a browser on it would send.
 */
export async function apiAuthor(request: APIRequestContext, origin: string, name: string) {
  const headers = { origin, "content-type": "application/json" };
  const signUp = await request.post(`${origin}/api/auth/sign-up/email`, {
    headers,
    data: { name, email: uniqueEmail(name.split(" ")[0]!.toLowerCase()), password: PASSWORD },
  });
  expect(signUp.status(), await signUp.text()).toBe(200);
  return {
    async mutate<T = { id: string; slug: string; version: number }>(path: string, input: unknown): Promise<T> {
      const response = await request.post(`${origin}/api/trpc/${path}`, { headers, data: { json: input } });
      const text = await response.text();
      expect(response.status(), text).toBe(200);
      return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
    },
  };
}
