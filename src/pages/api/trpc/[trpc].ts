import type { APIRoute } from "astro";
import { getRuntime } from "../../../lib/runtime.ts";
import { handleTrpc } from "../../../server/trpc-handler.ts";

export const prerender = false;

// The built server answers /api/trpc before Astro (src/server/node-api.ts); this route
// serves `astro dev`, and tests that send the endpoint a Request.
export const ALL: APIRoute = async ({ request, clientAddress }) => handleTrpc(request, clientAddress, await getRuntime());
