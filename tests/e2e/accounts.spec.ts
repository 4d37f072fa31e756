// Signing in with an OpenID Connect provider (the suite's own, started by serve-e2e.ts),
// and the mail a person gets from the suite's own SMTP server: confirm the address,
// reset a forgotten password.
import { expect, test, type Page } from "@playwright/test";
import { DEPLOYED, mailTo, PASSWORD, signUp, uniqueEmail } from "./helpers.ts";

const userId = async (page: Page) =>
  ((await (await page.request.get("/api/auth/get-session")).json()) as { user?: { id: string } } | null)?.user?.id;

/** From Quire's sign-in page through the provider's consent page. */
async function atProvider(page: Page) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Continue with Mock ID" }).click();
  await expect(page.getByRole("heading", { name: "Mock ID" })).toBeVisible();
}

async function allowAs(page: Page, who: { email: string; name: string; verified?: boolean }) {
  await atProvider(page);
  await page.getByLabel("Email", { exact: true }).fill(who.email);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email verified by Mock ID").setChecked(who.verified ?? true);
  await page.getByRole("button", { name: "Allow" }).click();
}

test.describe("sign-in with an OpenID Connect provider", () => {
  test.skip(DEPLOYED, "needs the test's own OIDC server");

  test("makes a reader account on first sign-in and finds the same account the next time", async ({ page }) => {
    const email = uniqueEmail("olive");
    await allowAs(page, { email, name: "Olive Oidc" });
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(`Signed in as Olive Oidc (${email})`)).toBeVisible();
    await expect(page.locator(".role")).toHaveText("reader");
    // The provider vouched for the address: nothing to confirm.
    await expect(page.getByText("Confirm your email address")).toHaveCount(0);
    const first = await userId(page);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/$/);
    expect(await userId(page)).toBeUndefined();

    await allowAs(page, { email, name: "Olive Oidc" });
    await expect(page).toHaveURL(/\/dashboard$/);
    expect(await userId(page)).toBe(first);
  });

  test("a denied consent or a forged state ends on a page that says so and leads back", async ({ page }) => {
    await atProvider(page);
    await page.getByRole("button", { name: "Deny" }).click();
    await expect(page).toHaveURL(/\/auth\/error\?error=access_denied/);
    await expect(page.getByRole("heading", { name: "Sign-in was cancelled" })).toBeVisible();
    expect(await userId(page)).toBeUndefined();
    await page.getByRole("link", { name: "Back to sign in" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

    // The answer comes back with a state this browser never started.
    await atProvider(page);
    await page.locator('input[name="state"]').evaluate((el: HTMLInputElement) => (el.value = "forged-state"));
    await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("mallory"));
    await page.getByLabel("Name").fill("Mallory");
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page).toHaveURL(/\/auth\/error\?error=/);
    await expect(page.getByRole("heading", { name: "That sign-in link had expired" })).toBeVisible();
    expect(await userId(page)).toBeUndefined();
  });

  test("links into an existing account only when both sides verified the address", async ({ page, browser }) => {
    // A confirmed account: the provider's verified address signs into it.
    const email = await signUp(page, "Lina Linker");
    const mine = await userId(page);
    await page.goto((await mailTo(email, /confirm your email/i)).link);
    await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/$/);
    await allowAs(page, { email, name: "Someone Else" });
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(`Signed in as Lina Linker (${email})`)).toBeVisible();
    expect(await userId(page)).toBe(mine);

    // An account nobody confirmed is never handed to whoever signs in with that address.
    const other = await browser.newContext();
    const squatter = await other.newPage();
    const squatted = await signUp(squatter, "Sam Squatter", uniqueEmail("victim"));
    await other.close();
    const victim = await browser.newContext();
    const victimPage = await victim.newPage();
    await allowAs(victimPage, { email: squatted, name: "Vic Victim" });
    await expect(victimPage).toHaveURL(/\/auth\/error\?error=account_not_linked/);
    await expect(victimPage.getByRole("heading", { name: "This email already has an account" })).toBeVisible();
    expect(await userId(victimPage)).toBeUndefined();
    await victim.close();
  });
});

test.describe("mail from the site", () => {
  test.skip(DEPLOYED, "needs the test's own SMTP server");

  test("a new account confirms its address from the link in the mail", async ({ page }) => {
    const email = await signUp(page, "Cleo Confirm");
    await expect(page.getByText(`Confirm your email address: we sent a link to ${email}.`)).toBeVisible();
    const mail = await mailTo(email, /confirm your email/i);
    expect(mail.text).toContain("Hello Cleo Confirm");
    await page.goto(mail.link);
    await expect(page).toHaveURL(/\/dashboard\?verified=1$/);
    await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
    await expect(page.getByText("Confirm your email address")).toHaveCount(0);
  });

  test("signing up with a taken address looks like any sign-up, and the owner is told by mail", async ({ page, browser }) => {
    const email = await signUp(page, "Tess Taken");
    const stranger = await browser.newPage();
    await stranger.goto("/sign-up");
    await stranger.getByLabel("Name").fill("Someone Else");
    await stranger.getByLabel("Email").fill(email);
    await stranger.getByLabel("Password").fill("another long password");
    await stranger.getByRole("button", { name: "Create account" }).click();
    await expect(stranger.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
    await expect(stranger.getByText(`We sent a link to ${email}.`)).toBeVisible();
    const mail = await mailTo(email, /already have a quire account/i);
    expect(mail.text).toContain("Hello Tess Taken");
    expect(mail.link).toMatch(/\/sign-in$/);
    await stranger.close();
  });

  test("a forgotten password is reset from the mailed link, and only the new one signs in", async ({ page }) => {
    const email = await signUp(page, "Fern Forgetful");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/$/);

    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    await expect(page.getByText(`If an account uses ${email}, a link to choose a new password is on its way.`)).toBeVisible();

    await page.goto((await mailTo(email, /reset your quire password/i)).link);
    await expect(page).toHaveURL(/\/reset-password\?token=/);
    await page.getByLabel("New password").fill("a brand new password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("Your password is changed")).toBeVisible();
    await page.getByRole("link", { name: "Sign in with the new password" }).click();

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText(/invalid/i);
    await page.getByLabel("Password").fill("a brand new password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(`Signed in as Fern Forgetful (${email})`)).toBeVisible();
  });
});

test("every reader page offers Sign in, which brings a reader back to the page and sends someone signed in on to their dashboard", async ({
  page,
}) => {
  const email = await signUp(page, "Rhea Returner");
  await page.context().clearCookies();
  for (const path of ["/", "/tags", "/search"]) {
    await page.goto(path);
    await expect(page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  }
  await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("Welcome back.")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/search$/);
  // The header is the same for everyone (the page is cached); signed in, the link goes on.
  await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // Pages only a signed-in person sees offer their profile instead.
  await expect(page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Sign in", exact: true })).toHaveCount(0);
  await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Profile" }).click();
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
});
