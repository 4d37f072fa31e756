// The tRPC endpoint as one function from a Request to a Response. The Astro route
// (src/pages/api/trpc/[trpc].ts) calls it under `astro dev` and in tests; the built server
// calls it straight from node:http (src/http/trpc-listener.ts), without Astro's page pipeline,
// which an API call has no use for and which cost more CPU than the call itself.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../server/root.ts";
import { createTRPCContext } from "../server/trpc.ts";
import type { Runtime } from "../runtime.ts";
import { createMediaStore, type MediaStore } from "../media/storage.ts";
import { MAX_BATCH, TRPC_ENDPOINT } from "../lib/constants.ts";
import { logUnavailable, RETRY_AFTER_SECONDS } from "./unavailable.ts";
import { headersWithClientAddress, jsonError, refuseCrossSite } from "./request.ts";

/** The media store of a server that was given none (`astro dev`, tests sending a Request): the configured one. */
let configuredStore: Promise<MediaStore> | undefined;

export async function handleTrpc(
  request: Request,
  clientAddress: string | undefined,
  runtime: Runtime,
  media?: MediaStore,
): Promise<Response> {
  if (request.method !== "GET" && request.method !== "POST") {
    return jsonError(405, "METHOD_NOT_SUPPORTED", "Use GET for queries and POST for mutations");
  }
  // tRPC would treat a form or multipart POST as a mutation: only JSON from our own pages.
  const refused = refuseCrossSite(request, runtime.config, { bodyRequired: true });
  if (refused) return refused;
  // Who is asking, for better-auth's per-client limits: in the one header it trusts.
  const headers = headersWithClientAddress(request, clientAddress, runtime.config);
  const debug = ["info", "debug"].includes(runtime.config.logLevel);
  const store = media ?? (await (configuredStore ??= createMediaStore(runtime.config.media)));
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    maxBatchSize: MAX_BATCH,
    createContext: () =>
      createTRPCContext({
        headers,
        db: runtime.db,
        auth: runtime.auth,
        media: store,
        log: debug ? (line) => console.info(line) : () => {},
        purge: (tags) => runtime.invalidation.purge(tags),
      }),
    responseMeta({ errors }) {
      // A locked or unreachable database: worth retrying shortly.
      if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) return { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } };
      return {};
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
      // Worth an operator's attention, without the stack: the client was told to retry.
      if (error.code === "SERVICE_UNAVAILABLE") logUnavailable(path ?? "?", error);
    },
  });
}
