// The first account on the fresh e2e database becomes its admin; tests that need an
// author sign up and are promoted by this admin, the way a real site works.
// Against a deployed site (E2E_BASE_URL), give an admin's sign-in in E2E_ADMIN_EMAIL and
// E2E_ADMIN_PASSWORD instead.
import { request, type FullConfig } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { ADMIN_STATE, patiently } from "./helpers.ts";

export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]!.use.baseURL!;
  const email = process.env.E2E_ADMIN_EMAIL ?? "admin@quire.test";
  const password = process.env.E2E_ADMIN_PASSWORD ?? "admin password for e2e";
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: new URL(baseURL).origin } });
  const signIn = await patiently(() => api.post("/api/auth/sign-in/email", { data: { email, password } }));
  if (!signIn.ok()) {
    if (process.env.E2E_BASE_URL)
      throw new Error(`E2E admin sign-in failed (${signIn.status()}): set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD`);
    const signUp = await patiently(() => api.post("/api/auth/sign-up/email", { data: { name: "Ada Admin", email, password } }));
    if (!signUp.ok()) throw new Error(`could not create the e2e admin: ${signUp.status()} ${await signUp.text()}`);
    const signedIn = await patiently(() => api.post("/api/auth/sign-in/email", { data: { email, password } }));
    if (!signedIn.ok()) throw new Error(`could not sign in as the new e2e admin: ${signedIn.status()} ${await signedIn.text()}`);
  }
  const session = await (await api.get("/api/auth/get-session")).json();
  if (session?.user?.role !== "admin") throw new Error(`${email} is not an admin (role ${session?.user?.role})`);
  mkdirSync("test-results", { recursive: true });
  await api.storageState({ path: ADMIN_STATE });
  await api.dispose();
}
