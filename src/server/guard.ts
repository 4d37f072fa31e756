import type { AstroGlobal } from "astro";

/** The signed-in user for a per-user page, or a redirect to sign in that comes back here. */
export async function requireSession(astro: AstroGlobal) {
  const session = await astro.locals.getSession();
  if (session) return { session, redirect: null };
  const next = astro.url.pathname + astro.url.search;
  return { session: null, redirect: astro.redirect(`/sign-in?next=${encodeURIComponent(next)}`, 303) };
}
