import type { APIRoute } from "astro";
import { getRuntime } from "../../../lib/runtime.ts";
import { refuseCrossSite, withClientAddress } from "../../../lib/request.ts";

export const prerender = false;

export const ALL: APIRoute = async ({ request, clientAddress }) => {
  const { auth, config } = await getRuntime();
  // better-auth checks the Origin only when a cookie is sent; a sign-up or password
  // reset needs none, so the same rule as for tRPC mutations applies here first.
  // Providers redirect back with GET (response_mode=query), so no callback is refused.
  const refused = refuseCrossSite(request, config, { bodyRequired: false });
  if (refused) return refused;
  return auth.handler(withClientAddress(request, clientAddress, config));
};
