import type { APIRoute } from "astro";
import { getRuntime } from "../../../lib/runtime.ts";
import { withClientAddress } from "../../../lib/request.ts";

export const prerender = false;

export const ALL: APIRoute = async ({ request, clientAddress }) => {
  const { auth, config } = await getRuntime();
  return auth.handler(withClientAddress(request, clientAddress, config));
};
