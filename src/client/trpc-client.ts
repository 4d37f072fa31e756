// The typed client the author islands use. Only the router's type crosses into the browser.
// (The comment island, on reader pages, uses the smaller comment-client.ts instead.)
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/root.ts";
import { MAX_BATCH, TRPC_ENDPOINT } from "../lib/constants.ts";

export { readError, type ReadableError } from "./api-error.ts";

export const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: TRPC_ENDPOINT, transformer: superjson, maxItems: MAX_BATCH })],
});
