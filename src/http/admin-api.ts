// The Admin API: the post procedures the editor calls, over REST at /api/v1, described by
// /api/openapi.json. Both come from the routers (their `.meta({ openapi })`, inputs and
// outputs), so a REST call runs the very procedure an island does, with its access checks
// and purges; only who is asking differs: an admin key's person, never a cookie's.
import { createOpenApiFetchHandler, generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { appRouter } from "../server/root.ts";
import { createTRPCContext } from "../server/trpc.ts";
import type { Runtime } from "../runtime.ts";
import type { MediaStore } from "../media/storage.ts";
import { bearerSecret, isRefusal, keyHolderOf } from "./api-auth.ts";
import { KEY_UPLOAD_PATH } from "./upload.ts";
import { logUnavailable, RETRY_AFTER_SECONDS } from "./unavailable.ts";

export const ADMIN_API_BASE = "/api/v1";
export const OPENAPI_PATH = "/api/openapi.json";

export function isAdminApiPath(url: string): boolean {
  return url.startsWith(`${ADMIN_API_BASE}/`) || url === OPENAPI_PATH || url.startsWith(`${OPENAPI_PATH}?`);
}

const ERROR_BODY = {
  description: "What was wrong",
  content: { "application/json": { schema: z.object({ code: z.string(), message: z.string() }) } },
};

/** The image upload is a raw handler of its own (src/http/upload.ts): described here by hand. */
const IMAGE_UPLOAD: ZodOpenApiPathsObject = {
  [KEY_UPLOAD_PATH.slice(ADMIN_API_BASE.length)]: {
    post: {
      operationId: "image-upload",
      summary: "Uploads an image for a post: the body is the file's bytes; put the answer's src in the Markdown",
      tags: ["images"],
      security: [{ adminKey: [] }],
      requestBody: {
        required: true,
        content: { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } },
      },
      responses: {
        "201": {
          description: "Stored",
          content: {
            "application/json": {
              schema: z.object({ hash: z.string(), src: z.string(), width: z.number(), height: z.number() }),
            },
          },
        },
        ...Object.fromEntries(["400", "401", "403", "413", "415"].map((status) => [status, ERROR_BODY])),
      },
    },
  },
};

const documents = new Map<string, OpenAPIObject>();

/** The OpenAPI 3.1 description of the Admin API on this site, made once. */
export function openApiDocument(siteUrl: string): OpenAPIObject {
  let doc = documents.get(siteUrl);
  if (!doc) {
    doc = generateOpenApiDocument(appRouter, {
      title: "Quire Admin API",
      description:
        "Write, publish and manage posts and pages with an admin key (Authorization: Bearer <key>). " +
        "A post or page is one resource: make a page with kind: page. Every change takes the version you read; " +
        "a newer one on the server answers 409 CONFLICT with the server's copy.",
      version: "1",
      baseUrl: `${siteUrl}${ADMIN_API_BASE}`,
      securitySchemes: { adminKey: { type: "http", scheme: "bearer", description: "An admin key from Admin › API keys" } },
      paths: IMAGE_UPLOAD,
    });
    documents.set(siteUrl, doc);
  }
  return doc;
}

const BODY_METHODS = new Set(["POST", "PATCH", "PUT"]);

function apiError(status: number, code: string, message: string, headers: HeadersInit = {}): Response {
  return Response.json({ code, message }, { status, headers });
}

export async function handleAdminApi(request: Request, runtime: Runtime, media?: MediaStore): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === OPENAPI_PATH) {
    if (request.method !== "GET" && request.method !== "HEAD")
      return apiError(405, "METHOD_NOT_SUPPORTED", "Read the description with GET");
    return Response.json(openApiDocument(runtime.config.siteUrl), { headers: { "access-control-allow-origin": "*" } });
  }
  const holder = await keyHolderOf(runtime.db, bearerSecret(request.headers));
  if (isRefusal(holder))
    return apiError(holder.status, holder.code, holder.message, holder.status === 401 ? { "www-authenticate": "Bearer" } : {});
  // A body is JSON only: tRPC's adapters would also run a form as a call.
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (BODY_METHODS.has(request.method) && type !== "application/json") {
    return apiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
  }
  return tidyError(
    await createOpenApiFetchHandler({
      endpoint: ADMIN_API_BASE,
      req: request,
      router: appRouter,
      createContext: () =>
        createTRPCContext({
          headers: request.headers,
          db: runtime.db,
          auth: runtime.auth,
          media,
          keyHolder: holder,
          log: () => {},
          purge: (tags) => runtime.invalidation.purge(tags),
        }),
      responseMeta({ errors }) {
        if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) return { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } };
        return {};
      },
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[api] ${path ?? "?"}:`, error.cause ?? error);
        if (error.code === "SERVICE_UNAVAILABLE") logUnavailable(path ?? "?", error);
      },
    }),
  );
}

interface ErrorBody {
  code: string;
  message: string;
  issues?: { path: PropertyKey[]; message: string }[];
  data?: { conflict?: { current: unknown } | null };
}

/**
 * An error as `{ code, message }`, the message naming the field and the reason as the
 * islands see it ("title: Give the post a title", not the adapter's "Input validation
 * failed"), the zod issues beside it, and for a CONFLICT the server's copy as `current`.
 */
async function tidyError(response: Response): Promise<Response> {
  if (response.ok) return response;
  const body = (await response.json()) as ErrorBody;
  const first = body.issues?.[0];
  const message = first ? `${first.path.map(String).join(".") || "input"}: ${first.message}` : body.message;
  const tidy = { code: body.code, message, ...(body.issues ? { issues: body.issues } : {}), ...(body.data?.conflict ?? {}) };
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return Response.json(tidy, { status: response.status, headers });
}
