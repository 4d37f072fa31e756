import type { APIRoute } from "astro";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../../../server/root.ts";
import { createTRPCContext } from "../../../server/trpc.ts";
import { getRuntime } from "../../../lib/runtime.ts";
import { MAX_BATCH } from "../../../lib/constants.ts";
import { RETRY_AFTER_SECONDS } from "../../../lib/unavailable.ts";
import { rootMessage } from "../../../../db/unavailable.ts";
import { jsonError, refuseCrossSite, withClientAddress } from "../../../lib/request.ts";

export const prerender = false;

export const ALL: APIRoute = async ({ request, clientAddress }) => {
  const runtime = await getRuntime();
  if (request.method !== "GET" && request.method !== "POST") {
    return jsonError(405, "METHOD_NOT_SUPPORTED", "Use GET for queries and POST for mutations");
  }
  // tRPC would treat a form or multipart POST as a mutation: only JSON from our own pages.
  const refused = refuseCrossSite(request, runtime.config, { bodyRequired: true });
  if (refused) return refused;
  const req = withClientAddress(request, clientAddress, runtime.config);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH,
    createContext: () =>
      createTRPCContext({
        headers: req.headers,
        db: runtime.db,
        auth: runtime.auth,
        log: ["info", "debug"].includes(runtime.config.logLevel) ? (line) => console.info(line) : () => {},
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
      if (error.code === "SERVICE_UNAVAILABLE") console.error(`[db] ${path ?? "?"}: 503: ${rootMessage(error)}`);
    },
  });
};
