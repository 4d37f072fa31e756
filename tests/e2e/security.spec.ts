// Sessions a person controls, the headers every response carries, scripts the policy
// refuses, and error answers that give nothing away.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { leakIn, openComments, PASSWORD, publishDraft, signUp, signUpAuthor, writeDraft } from "./helpers.ts";

async function signInElsewhere(browser: Browser, email: string, password = PASSWORD) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return page;
}

const signedIn = async (page: Page) => {
  await page.goto("/dashboard");
  return !/\/sign-in/.test(page.url());
};

test("a person sees where they are signed in, signs devices out, and a new password ends the others", async ({ page, browser }) => {
  const email = await signUp(page, "Sid Sessions");
  const phone = await signInElsewhere(browser, email);
  const laptop = await signInElsewhere(browser, email);

  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Security" }).click();
  const sessions = page.getByTestId("session");
  await expect(sessions).toHaveCount(3);
  await expect(sessions.filter({ hasText: "This device" })).toHaveCount(1);

  // One other device, by itself.
  await sessions.filter({ hasNotText: "This device" }).first().getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText(/is signed out\.$/)).toBeVisible();
  await expect(sessions).toHaveCount(2);
  expect([await signedIn(phone), await signedIn(laptop)].sort()).toEqual([false, true]);

  // A password change signs out every other device, and this one stays in.
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("another long password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Every other device is signed out.")).toBeVisible();
  await expect(sessions).toHaveCount(1);
  expect(await signedIn(phone)).toBe(false);
  expect(await signedIn(laptop)).toBe(false);

  // All other devices at once, then everywhere.
  const tablet = await signInElsewhere(browser, email, "another long password");
  await page.reload();
  await expect(sessions).toHaveCount(2);
  await page.getByRole("button", { name: "Sign out all other devices" }).click();
  await expect(page.getByText("Every other device is signed out.")).toBeVisible();
  await expect(sessions).toHaveCount(1);
  expect(await signedIn(tablet)).toBe(false);

  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await signedIn(page)).toBe(false);
  for (const p of [phone, laptop, tablet]) await p.context().close();
});

test("the islands work under the Content-Security-Policy, and an injected inline script does not run", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });

  // The editor island saves and publishes; the comment island posts.
  await signUpAuthor(page, "Cyd Policy");
  const slug = await writeDraft(page, { title: `Under policy ${Date.now().toString(36)}`, body: "Strict but fair." });
  await publishDraft(page);
  const response = await page.goto(`/posts/${slug}`);
  const policy = response!.headers()["content-security-policy"]!;
  expect(policy).toMatch(/script-src [^;]*'sha256-/);
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  await openComments(page);
  await page.getByLabel("Add a comment").fill("Works with the policy on.");
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.getByText("Comment posted.")).toBeVisible();
  expect(violations).toEqual([]);

  // What an attacker's injected markup would do: the browser refuses it and reports why.
  const outcome = await page.evaluate(
    () =>
      new Promise<{ ran: boolean; directive: string }>((resolve) => {
        document.addEventListener("securitypolicyviolation", (e) =>
          resolve({ ran: Boolean((window as unknown as { pwned?: boolean }).pwned), directive: e.effectiveDirective }),
        );
        const script = document.createElement("script");
        script.textContent = "window.pwned = true";
        document.body.append(script);
      }),
  );
  expect(outcome).toEqual({ ran: false, directive: expect.stringMatching(/^script-src/) });
  expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
});

test("every kind of response carries the security headers, cached reader pages included", async ({ page, request, baseURL }) => {
  await signUpAuthor(page, "Hedda Headers");
  const slug = await writeDraft(page, { title: `Headers ${Date.now().toString(36)}`, body: "Cached with care." });
  await publishDraft(page);
  const home = await (await request.get("/", { headers: { cookie: "" } })).text();
  const asset = /\/_astro\/[^"]+\.(css|js)/.exec(home)?.[0] ?? "/favicon.svg";

  const paths = [
    "/",
    "/",
    `/posts/${slug}`,
    `/posts/${slug}`,
    "/sign-in",
    "/no-such-page",
    "/dashboard",
    "/api/auth/get-session",
    "/api/trpc/post.list",
    "/favicon.svg",
    asset,
  ];
  for (const path of paths) {
    const response = await request.get(path, { headers: { cookie: "" }, maxRedirects: 0 });
    const h = response.headers();
    const csp = h["content-security-policy"] ?? "";
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    // Browsers only honour HSTS over https, and it must never be sent for a plain-http site.
    if (baseURL!.startsWith("https:")) expect(h["strict-transport-security"], path).toMatch(/max-age=\d{7,}/);
    else expect(h["strict-transport-security"], path).toBeUndefined();
  }
});

test("API answers are never stored, and refuse cross-site and form posts with the security headers on", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const answers = {
    query: await request.get("/api/trpc/post.list", { headers: { cookie: "" } }),
    mutation: await request.post("/api/trpc/post.create", {
      headers: { "content-type": "application/json", origin },
      data: { json: { title: "x" } },
    }),
    crossSite: await request.post("/api/trpc/post.create", {
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      data: { json: {} },
    }),
    form: await request.post("/api/trpc/post.create", { headers: { origin }, multipart: { title: "x" } }),
    method: await request.delete("/api/trpc/post.create", { headers: { origin } }),
  };
  expect(answers.query.status()).toBe(200);
  expect(answers.mutation.status()).toBe(401);
  expect(answers.crossSite.status()).toBe(403);
  expect(answers.form.status()).toBe(415);
  expect(answers.method.status()).toBe(405);
  for (const [kind, response] of Object.entries(answers)) {
    const h = response.headers();
    expect(h["cache-control"], kind).toBe("private, no-store");
    expect(h["content-type"], kind).toMatch(/^application\/json/);
    expect(h["content-security-policy"], kind).toContain("default-src 'none'");
    expect(h["x-content-type-options"], kind).toBe("nosniff");
    const body = (await response.json()) as { error?: { message?: string; json?: { message?: string } } };
    const says: Record<string, RegExp> = {
      mutation: /^Sign in first$/,
      crossSite: /^Cross-site request refused: changes are taken only from .+, and this came from https:\/\/evil\.example$/,
      form: /^Send changes as application\/json$/,
      method: /^DELETE is not supported here/,
    };
    if (kind !== "query") expect(body.error?.message ?? body.error?.json?.message, kind).toMatch(says[kind]!);
  }
});

test("error answers carry no stack trace and no server path", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const json = { "content-type": "application/json", origin };
  const responses = [
    await request.post("/api/trpc/post.create", { headers: json, data: "{not json" }),
    await request.post("/api/trpc/post.preview", { headers: json, data: '{"json":{"body":{"$bad":1}}}' }),
    await request.get("/api/trpc/no.such.procedure"),
    await request.get("/api/trpc/post.create"),
    await request.post("/api/auth/sign-in/email", { headers: json, data: '{"email":' }),
    await request.post("/api/auth/sign-in/email", { headers: json, data: { email: 42 } }),
    await request.get("/api/auth/no-such-endpoint"),
    await request.get("/api/auth/callback/oidc?code=x&state=y", { maxRedirects: 0 }),
    await request.get("/no-such-page"),
  ];
  for (const response of responses) {
    expect(response.status(), response.url()).toBeGreaterThanOrEqual(300);
    const body = await response.text();
    expect(leakIn(body), response.url()).toBeNull();
  }
});

test("OPTIONS says what a path allows without rendering it, and TRACE or CONNECT are refused, not a 500", async ({ baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const send = (method: string, path: string) => fetch(`${origin}${path}`, { method, redirect: "manual" }).catch((e: Error) => e);
  const options = await send("OPTIONS", "/");
  if (options instanceof Error) throw options;
  expect(options.status).toBe(204);
  expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  expect(await options.text()).toBe("");
  const api = await send("OPTIONS", "/api/trpc/tag.all");
  if (api instanceof Error) throw api;
  expect(api.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
  // The Fetch API will not send TRACE; a raw request does.
  for (const method of ["TRACE", "PUT", "DELETE", "PATCH"]) {
    const answer = await rawRequest(origin, method, "/");
    expect(answer.status, method).toBe(405);
    expect(answer.headers["allow"]).toBe("GET, HEAD, OPTIONS");
    expect(answer.headers["cache-control"]).toBe("private, no-store");
    expect(answer.body).not.toMatch(/at \w+ \(|node_modules/);
  }
});

function rawRequest(
  origin: string,
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const req = (origin.startsWith("https:") ? httpsRequest : httpRequest)(`${origin}${path}`, { method }, (res) => {
      let body = "";
      res
        .setEncoding("utf8")
        .on("data", (c: string) => (body += c))
        .on("end", () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", fail).end();
  });
}
