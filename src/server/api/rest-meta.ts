// The REST address a procedure also answers at, under the Admin API (src/http/admin-api.ts).
import type { OpenApiMeta, OpenApiMethod } from "trpc-to-openapi";

export function rest(method: OpenApiMethod, path: `/${string}`, summary: string): OpenApiMeta {
  return { openapi: { method, path, summary, tags: ["posts"], protect: true } };
}
