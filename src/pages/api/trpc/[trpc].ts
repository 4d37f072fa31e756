import type { APIRoute } from "astro";
import { getRuntime } from "../../../runtime.ts";
import { handleTrpc } from "../../../http/trpc.ts";

export const prerender = false;

// The built server answers /api/trpc before Astro (src/http/trpc-listener.ts); this route
// serves `astro dev`, and tests that send the endpoint a Request.
export const ALL: APIRoute = async ({ request, clientAddress }) => handleTrpc(request, clientAddress, await getRuntime());
