import type { APIRoute } from "astro";
import { getRuntime } from "../../../runtime.ts";
import { refuseCrossSite, withClientAddress } from "../../../http/request.ts";
import { unavailableResponse } from "../../../http/unavailable.ts";
import { writeProbe } from "../../../../db/unavailable.ts";

export const prerender = false;

export const ALL: APIRoute = async ({ request, clientAddress }) => {
  const { auth, config, db } = await getRuntime();
  // better-auth checks the Origin only when a cookie is sent; a sign-up or password
  // reset needs none, so the same rule as for tRPC mutations applies here first.
  // Providers redirect back with GET (response_mode=query), so no callback is refused.
  const refused = refuseCrossSite(request, config, { bodyRequired: false, flat: true });
  if (refused) return refused;
  const response = await auth.handler(withClientAddress(request, clientAddress, config));
  // better-auth answers a failed query with its own 500 and keeps the cause to itself. When
  // the database cannot take a write now, that was the cause: say so, with a 503 to retry.
  if (response.status === 500) {
    const unavailable = unavailableResponse(await writeProbe(db), request, { flat: true });
    if (unavailable) return unavailable;
  }
  return response;
};
