import { expect, request as requests, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import superjson from "superjson";
import { join } from "node:path";

export const ADMIN_STATE = "test-results/admin-state.json";

export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}@quire.test`;
}

export const PASSWORD = "correct horse battery staple";

/**
 * Sends an auth request again after the wait its 429 names (X-Retry-After): a deployed site
 * keeps its rate limits (AUTH_RATE_LIMIT sign-ups and sign-ins a minute per client), and the
 * suite signs many people up from one address. Gives up after three minutes.
 */
export async function patiently(send: () => Promise<APIResponse>): Promise<APIResponse> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const response = await send();
    if (response.status() !== 429 || Date.now() > deadline) return response;
    const seconds = Number(response.headers()["x-retry-after"] ?? 10) || 10;
    await new Promise((r) => setTimeout(r, Math.min(60, Math.max(1, seconds)) * 1000 + 250));
  }
}

/** Clicks `button` until the form is not refused for too many attempts (see patiently). */
export async function submitPatiently(page: Page, button: string, done: () => Promise<unknown>) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    await page.getByRole("button", { name: button }).click();
    const refused = page.getByRole("alert").filter({ hasText: "Too many attempts" });
    const outcome = await Promise.race([done().then(() => "done" as const), refused.waitFor().then(() => "refused" as const)]);
    if (outcome === "done" || Date.now() > deadline) return done();
    await page.waitForTimeout(30_000);
  }
}

/** Signs up through the form; the new account is a reader until promoted. */
export async function signUp(page: Page, name: string, email = uniqueEmail(name.split(" ")[0]!.toLowerCase())) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  // A sign-up signs nobody in: it answers alike for addresses that have an account.
  await submitPatiently(page, "Create account", () => page.getByRole("heading", { name: "Check your inbox" }).waitFor());
  await page.getByRole("link", { name: "sign in with your password" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await submitPatiently(page, "Sign in", () => page.waitForURL(/\/dashboard$/));
  await expect(page).toHaveURL(/\/dashboard$/);
  return email;
}

/** The site's admin promotes the person signed in on `page`. */
export async function promote(page: Page, role: "author" | "editor" | "admin" = "author") {
  const session = await (await page.request.get("/api/auth/get-session")).json();
  const baseURL = new URL(page.url()).origin;
  const admin = await requests.newContext({ baseURL, storageState: ADMIN_STATE });
  const response = await admin.post("/api/trpc/user.setRole", {
    data: { json: { userId: session.user.id, role } },
    headers: { origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(200);
  await admin.dispose();
}

/** Signs up and becomes an author: what most writing tests start from. */
export async function signUpAuthor(page: Page, name: string) {
  const email = await signUp(page, name);
  await promote(page, "author");
  await page.reload();
  return email;
}

/**
 * What an anonymous reader gets: status, HTML, whether the page carries any script, and
 * its islands (component file and when it hydrates).
 */
export async function readAsVisitor(request: APIRequestContext, path: string) {
  const response = await request.get(path, { headers: { cookie: "" } });
  const html = await response.text();
  const islands = [...html.matchAll(/<astro-island\b[^>]*>/g)].map(([tag]) => ({
    component: /component-url="([^"]+)"/.exec(tag)?.[1] ?? "",
    client: /\bclient="([^"]+)"/.exec(tag)?.[1] ?? "",
  }));
  return { status: response.status(), html, hasScript: /<script\b/i.test(html), islands };
}

/**
 * Scrolls a post's comments into view, as a reader does, and waits for their island: it
 * loads only once seen (client:visible), and its form appears only once it knows who is
 * reading. On a post taller than the window, nothing else brings it in.
 */
export async function openComments(page: Page) {
  const thread = page.locator("astro-island .comments").first();
  await thread.scrollIntoViewIfNeeded();
  await expect(page.locator("astro-island:has(.comments)")).not.toHaveAttribute("ssr");
}

/** Writes a draft through the editor and returns its address (slug). */
export async function writeDraft(page: Page, post: { title: string; body: string; tags?: string }) {
  await page.goto("/dashboard/new");
  await page.getByLabel("Title").fill(post.title);
  await page.getByLabel("Body (Markdown)").fill(post.body);
  if (post.tags) await page.getByLabel("Tags").fill(post.tags);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  await expect(page).toHaveURL(/\/dashboard\/posts\/[\w-]+$/);
  return page.getByLabel("Address").inputValue();
}

/** Writes a page (About, Contact…) through the editor as an editor or admin, and returns its address (slug). */
export async function writePage(page: Page, draft: { title: string; body: string }) {
  await page.goto("/dashboard/pages/new");
  await page.getByLabel("Title").fill(draft.title);
  await page.getByLabel("Body (Markdown)").fill(draft.body);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  await expect(page).toHaveURL(/\/dashboard\/posts\/[\w-]+$/);
  return page.getByLabel("Address").inputValue();
}

export async function publishDraft(page: Page) {
  await page.getByRole("button", { name: "Publish now" }).click();
  await expect(page.getByText("Published. Readers see it now.")).toBeVisible();
}

const jsonHeaders = (origin: string) => ({ origin, "content-type": "application/json" });

/** better-auth's email sign-up over HTTP; the context keeps the session cookie. */
export async function apiSignUp(request: APIRequestContext, origin: string, name: string) {
  const email = uniqueEmail(name.split(" ")[0]!.toLowerCase());
  const signUp = await patiently(() =>
    request.post(`${origin}/api/auth/sign-up/email`, { headers: jsonHeaders(origin), data: { name, email, password: PASSWORD } }),
  );
  const signUpText = await signUp.text();
  expect(signUp.status(), signUpText).toBe(200);
  // A sign-up signs nobody in: the session comes from signing in.
  const signIn = await patiently(() =>
    request.post(`${origin}/api/auth/sign-in/email`, { headers: jsonHeaders(origin), data: { email, password: PASSWORD } }),
  );
  const signInText = await signIn.text();
  expect(signIn.status(), signInText).toBe(200);
  return (JSON.parse(signInText) as { user: { id: string; role: string; email: string } }).user;
}

/** One tRPC mutation as an island sends it: superjson body, the site's own Origin. */
export function trpcMutation(request: APIRequestContext, origin: string, path: string, input: unknown, options: { timeout?: number } = {}) {
  return request.post(`${origin}/api/trpc/${path}`, { headers: jsonHeaders(origin), data: superjson.serialize(input), ...options });
}

/**
 * An author driven over HTTP, as the islands do: better-auth's sign-up, then tRPC
 * mutations (superjson bodies). The context keeps the session cookie; `origin` is the
 * site's own, as a browser on it would send.
 */
export async function apiAuthor(request: APIRequestContext, origin: string, name: string) {
  const user = await apiSignUp(request, origin, name);
  // New accounts are readers: the site's admin makes this one an author (unless it is the
  // first account on its database, and so the admin already).
  if (user.role === "admin") return mutator(request, origin);
  const admin = await requests.newContext({ baseURL: origin, storageState: ADMIN_STATE });
  const promoted = await admin.post("/api/trpc/user.setRole", { data: { json: { userId: user.id, role: "author" } }, headers: { origin } });
  expect(promoted.status(), await promoted.text()).toBe(200);
  await admin.dispose();
  return mutator(request, origin);
}

/** A tRPC answer as the islands see it: the data, or the error's status and message. */
export type Answer<T> = { ok: true; status: number; data: T } | { ok: false; status: number; message: string };

async function answer<T>(response: APIResponse): Promise<Answer<T>> {
  const text = await response.text();
  const body = JSON.parse(text) as { result?: { data: unknown }; error?: { json: { message: string } } };
  if (response.ok() && body.result)
    return { ok: true, status: response.status(), data: superjson.deserialize(body.result.data as never) as T };
  return { ok: false, status: response.status(), message: body.error?.json.message ?? text };
}

function mutator(request: APIRequestContext, origin: string) {
  return {
    async mutate<T = { id: string; slug: string; version: number }>(path: string, input: unknown): Promise<T> {
      const response = await trpcMutation(request, origin, path, input);
      const text = await response.text();
      expect(response.status(), text).toBe(200);
      return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
    },
    /** A mutation that may be refused: the answer either way, for tests of bad input. */
    async attempt<T = { id: string; slug: string; version: number }>(path: string, input: unknown): Promise<Answer<T>> {
      return answer<T>(await trpcMutation(request, origin, path, input));
    },
    /** A query (GET, as the islands send it), signed in as this author. */
    async query<T>(path: string, input: unknown): Promise<Answer<T>> {
      const encoded = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
      return answer<T>(await request.get(`${origin}/api/trpc/${path}?input=${encoded}`, { headers: { origin } }));
    },
  };
}

/** Tests that need the suite's own OIDC or SMTP server cannot run against a deployed site. */
export const DEPLOYED = Boolean(process.env.E2E_BASE_URL);

/**
 * The newest mail to `to` whose subject matches, as the suite's SMTP server received it,
 * with the first link in it. Waits for it to arrive.
 */
export async function mailTo(to: string, subject: RegExp): Promise<{ subject: string; text: string; link: string }> {
  const dir = process.env.E2E_MAIL_DIR!;
  let found: { subject: string; text: string } | undefined;
  await expect
    .poll(
      () => {
        const mails = readdirSync(dir)
          .sort()
          .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as { to: string[]; subject: string; text: string })
          .filter((m) => m.to.includes(to.toLowerCase()) && subject.test(m.subject));
        found = mails.at(-1);
        return Boolean(found);
      },
      { message: `a mail to ${to} about ${subject}` },
    )
    .toBe(true);
  const link = /https?:\/\/\S+/.exec(found!.text)?.[0];
  if (!link) throw new Error(`no link in the mail "${found!.subject}"`);
  return { ...found!, link };
}

/**
 * What an answer must never show: a stack frame or a path on the server. Returns the
 * first such thing found in `body`, unless the client itself sent it (an input echoed
 * back in an error message is not a leak).
 */
export function leakIn(body: string, sent = ""): string | null {
  for (const pattern of [/\n\s*at \S+/, /\bat [^\s]+ \(/, /\/work\/|node_modules|\/tmp\/|file:\/\/|\.ts:\d+/]) {
    const found = pattern.exec(body)?.[0];
    if (found && !sent.includes(found.trim())) return found;
  }
  return null;
}
