// Provider sign-in on a preview deployment, through production (better-auth's OAuth proxy).
// The provider knows only production's callback URL. The preview sends the person there;
// production exchanges the code and hands the result back to the preview, encrypted with the
// proxy secret both share (each keeps its own BETTER_AUTH_SECRET); the preview makes the
// account and the session in its own database, on its own origin. This spec starts its own
// OIDC provider, a production and a preview.
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { freePort } from "../../scripts/free-port.js";
import { startIdentityProvider } from "./servers/identity-provider.ts";
import { startQuire, type QuireProcess } from "./servers/quire.ts";
import { uniqueEmail } from "./helpers.ts";

const newSecret = () => randomBytes(32).toString("base64url");
const PROXY_SECRET = newSecret();
const callback = (site: QuireProcess) => `${site.url}/api/auth/callback/oidc`;

interface Session {
  user: { email: string; name: string };
}
const sessionOn = async (page: Page, site: QuireProcess) =>
  (await (await page.request.get(`${site.url}/api/auth/get-session`)).json()) as Session | null;

/** Every address the browser was sent to, in order (redirects included). */
function hops(page: Page): URL[] {
  const seen: URL[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest()) seen.push(new URL(request.url()));
  });
  return seen;
}

/** On `site`'s sign-in page, through the provider's consent page, allowing as `who`. */
async function signInWithProvider(page: Page, site: QuireProcess, who: { email: string; name: string }) {
  await page.goto(`${site.url}/sign-in`);
  await page.getByRole("button", { name: "Continue with Mock ID" }).click();
  await expect(page.getByRole("heading", { name: "Mock ID" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(who.email);
  await page.getByLabel("Name").fill(who.name);
  await page.getByRole("button", { name: "Allow" }).click();
}

test.describe("sign-in on a preview deployment through production", () => {
  test.skip(Boolean(process.env.E2E_BASE_URL), "starts its own provider, production and preview, which a deployed site does not let it do");
  // One set of servers for the tests below, in one worker.
  test.describe.configure({ mode: "default" });

  let provider: Awaited<ReturnType<typeof startIdentityProvider>>;
  let production: QuireProcess;
  let preview: QuireProcess;
  const servers: QuireProcess[] = [];

  test.beforeAll(async () => {
    const productionPort = await freePort();
    const productionUrl = `http://127.0.0.1:${productionPort}`;
    // The client registered at the provider knows production's callback only: anything else
    // gets the provider's redirect_uri_mismatch.
    provider = await startIdentityProvider({ redirectUris: [`${productionUrl}/api/auth/callback/oidc`] });
    // Both run the proxy plugin: the preview to send sign-ins out, production to open them.
    const shared = { E2E_OIDC_ISSUER: provider.issuer, OAUTH_PROXY_PRODUCTION_URL: productionUrl, OAUTH_PROXY_SECRET: PROXY_SECRET };
    production = await startQuire({ env: { ...shared, BETTER_AUTH_SECRET: newSecret() }, port: productionPort });
    servers.push(production);
    // Another host name for the preview, so the browser keeps its cookies apart from
    // production's, as it would for preview.example.com and example.com.
    preview = await startQuire({ env: { ...shared, BETTER_AUTH_SECRET: newSecret() }, host: "localhost" });
    servers.push(preview);
  });

  test.afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await provider?.close();
  });

  test("a person signs in on the preview and is signed in there, not on production", async ({ page, browser }) => {
    const seen = hops(page);
    const who = { email: uniqueEmail("pria"), name: "Pria Preview" };
    await signInWithProvider(page, preview, who);
    await expect(page).toHaveURL(`${preview.url}/dashboard`);
    await expect(page.getByText(`Signed in as ${who.name} (${who.email})`)).toBeVisible();

    // The provider was asked to answer production, which handed the result to the preview.
    const authorize = seen.find((u) => u.href.startsWith(`${provider.issuer}/authorize`));
    expect(authorize?.searchParams.get("redirect_uri")).toBe(callback(production));
    const atProduction = seen.findIndex((u) => u.href.startsWith(`${callback(production)}?`));
    expect(atProduction, seen.map(String).join("\n")).toBeGreaterThan(-1);
    const handOver = seen.slice(atProduction).find((u) => u.origin === preview.url && u.pathname === "/api/auth/callback/oidc/oauth-proxy");
    // The profile travels sealed (encrypted with the shared secret), never as readable JSON.
    const sealed = handOver?.searchParams.get("profile") ?? "";
    expect(sealed.length, "the hand-over carries a profile").toBeGreaterThan(20);
    expect(sealed).not.toContain("@");

    // Signed in on the preview's origin, with the preview's cookie; production has no session.
    expect((await sessionOn(page, preview))?.user.email).toBe(who.email);
    const cookieNames = async (url: string) => (await page.context().cookies(url)).map((c) => c.name);
    expect(await cookieNames(preview.url)).toContain("better-auth.session_token");
    expect(await cookieNames(production.url)).not.toContain("better-auth.session_token");
    expect(await sessionOn(page, production)).toBeNull();

    // The hand-over works once: replayed (from history, a log, a shoulder) it signs nobody in.
    await expectRefused(browser, handOver!.href, /\/auth\/error\?error=state_mismatch/);
    // And its sealed profile cannot be edited into someone else's.
    const forged = new URL(handOver!);
    const profile = forged.searchParams.get("profile")!;
    // (one hex digit of the ciphertext changed, which its authentication tag must catch)
    forged.searchParams.set("profile", `${profile.slice(0, -1)}${profile.endsWith("0") ? "1" : "0"}`);
    await expectRefused(browser, forged.href, /\/auth\/error\?error=invalid_profile/);
  });

  test("a sign-in that would end on a foreign site is refused before it starts", async ({ page }) => {
    await page.goto(`${preview.url}/sign-in`);
    const attacker = "https://attacker.example/collect";
    const start = await page.request.post(`${preview.url}/api/auth/sign-in/social`, {
      headers: { origin: preview.url },
      data: { provider: "oidc", callbackURL: attacker },
    });
    expect(start.status()).toBe(403);
    expect(await start.text()).toContain("Invalid callbackURL");

    // Nor does the preview's hand-over endpoint send anyone to an untrusted origin.
    const handOver = await page.request.get(
      `${preview.url}/api/auth/callback/oidc/oauth-proxy?callbackURL=${encodeURIComponent(attacker)}&profile=x`,
      { maxRedirects: 0 },
    );
    expect(handOver.status()).toBe(403);
    expect(await handOver.text()).toContain("Invalid callbackURL");
    expect(handOver.headers()["location"]).toBeUndefined();
  });

  test("a denied consent on the preview ends on the preview's own error page", async ({ page }) => {
    await page.goto(`${preview.url}/sign-in`);
    await page.getByRole("button", { name: "Continue with Mock ID" }).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await expect(page).toHaveURL(`${preview.url}/auth/error?error=access_denied`);
    await expect(page.getByRole("heading", { name: "Sign-in was cancelled" })).toBeVisible();
    await page.getByRole("link", { name: "Back to sign in" }).click();
    await expect(page).toHaveURL(`${preview.url}/sign-in`);
  });

  test("a deployment without the shared proxy secret cannot sign anyone in through production", async ({ page }) => {
    // Someone else's deployment, pointed at our production with our (public) client id.
    const impostor = await startQuire({
      env: {
        E2E_OIDC_ISSUER: provider.issuer,
        OAUTH_PROXY_PRODUCTION_URL: production.url,
        OAUTH_PROXY_SECRET: newSecret(),
        BETTER_AUTH_SECRET: newSecret(),
      },
      host: "localhost",
    });
    servers.push(impostor);
    const seen = hops(page);
    await signInWithProvider(page, impostor, { email: uniqueEmail("ivan"), name: "Ivan Impostor" });
    // Production cannot open the sign-in it is handed, so it treats the answer as its own
    // sign-in, which it never started, and stops there.
    await expect(page).toHaveURL(new RegExp(`^${production.url}/auth/error\\?error=state_mismatch`));
    await expect(page.getByRole("heading", { name: "That sign-in link had expired" })).toBeVisible();
    expect(seen.some((u) => u.origin === impostor.url && u.pathname.endsWith("/oauth-proxy"))).toBe(false);
    expect(await sessionOn(page, impostor)).toBeNull();
    expect(await sessionOn(page, production)).toBeNull();
  });
});

/** Opens `url` in a fresh browser: it must end on the preview's error page, signed out. */
async function expectRefused(browser: Browser, url: string, error: RegExp) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await expect(page).toHaveURL(error);
  expect(new URL(page.url()).origin).toBe(new URL(url).origin);
  expect(await (await page.request.get(`${new URL(url).origin}/api/auth/get-session`)).json()).toBeNull();
  await context.close();
}
