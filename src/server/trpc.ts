// tRPC setup: the context every procedure sees, the procedure builders (the access rule
// is in the builder's name), and the error shape islands read field errors from.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Auth, Session } from "../auth.ts";
import type { Db } from "../../db/client.ts";
import type { MediaStore } from "../media/storage.ts";
import { can, managesPages, managesPeople, managesSite } from "../lib/permissions.ts";
import { MAX_BATCH } from "../lib/constants.ts";
import { PostConflict } from "./errors.ts";
import { databaseUnavailable } from "../../db/unavailable.ts";
import { UNAVAILABLE_MESSAGES } from "../http/unavailable.ts";
import { readSession } from "./session.ts";
import { RenderTooComplex } from "../lib/markdown.ts";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { KeyHolder } from "./api/keys.ts";

export interface CreateContextOptions {
  headers: Headers;
  db: Db;
  auth: Auth;
  /** Drops cached reader pages that carry any of these tags. */
  purge: (tags: string[]) => Promise<void>;
  /** Skip the session lookup: reader pages must render the same for everyone. */
  anonymous?: boolean;
  /** Where uploaded images are kept: the media library deletes from it. */
  media?: MediaStore;
  log?: (line: string) => void;
  /** Who an admin key acts as (the Admin API): asked in place of a cookie, which is then never read. */
  keyHolder?: KeyHolder;
}

/** An admin key's person as a session, so procedures see one kind of caller. */
function keySession({ key, user }: KeyHolder): Session {
  const at = new Date();
  const session = { id: `api-key:${key.id}`, token: "", userId: user.id, expiresAt: at, createdAt: at, updatedAt: at };
  return { session: { ...session, ipAddress: null, userAgent: null, impersonatedBy: null }, user };
}

/** A database that is locked or out of reach is a 503 the client may retry, not a 500. */
function asUnavailable(error: unknown): TRPCError | null {
  if (error instanceof TRPCError && error.code === "SERVICE_UNAVAILABLE") return error;
  const why = databaseUnavailable(error);
  return why ? new TRPCError({ code: "SERVICE_UNAVAILABLE", message: UNAVAILABLE_MESSAGES[why], cause: error }) : null;
}

export async function createTRPCContext(opts: CreateContextOptions) {
  const session: Session | null = opts.keyHolder
    ? keySession(opts.keyHolder)
    : opts.anonymous
      ? null
      : await readSession(opts.auth, opts.db.db, opts.headers).catch((e: unknown) => {
          throw asUnavailable(e) ?? e;
        });
  return {
    headers: opts.headers,
    db: opts.db.db,
    write: opts.db.write,
    auth: opts.auth,
    purge: opts.purge,
    media: opts.media,
    session,
    /** The admin key behind this call, if one: what it allows beyond its person's role. */
    apiKey: opts.keyHolder?.key,
    log: opts.log ?? ((line: string) => console.info(line)),
  };
}

export type Context = Awaited<ReturnType<typeof createTRPCContext>>;

/** tRPC's words for a batch over `maxBatchSize`, which do not say what the limit is. */
const TRPC_BATCH_REFUSED = "Batch call exceeds maximum size";

/**
 * superjson both ways, except that an input it cannot decode (a hand-made envelope whose
 * annotations lie) is a 400 that says so, not superjson's insides ("x.map is not a function").
 */
const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (value: unknown) => {
      try {
        return superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]);
      } catch {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "The input could not be decoded: send it as superjson, as the tRPC client does",
        });
      }
    },
  },
  output: superjson,
};

// The meta is the REST address a procedure also answers at (src/http/admin-api.ts).
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    transformer,
    // Stack traces stay on the server whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
      return {
        ...shape,
        message: zodError ? summarize(zodError) : readable(error, shape.message),
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          zodError,
          conflict: error.cause instanceof PostConflict ? { current: error.cause.current } : null,
        },
      };
    },
  });

const INTERNAL_MESSAGE = "Something went wrong on the server; it has been logged. Try again in a moment.";

/** tRPC's own refusals in words that say what to change; our own failures in none of theirs. */
function readable(error: TRPCError, message: string): string {
  // An unexpected error's message is the database's or a library's, and may name a file or
  // a table: it is logged (api/trpc), never sent.
  if (error.code === "INTERNAL_SERVER_ERROR") return INTERNAL_MESSAGE;
  // JSON.parse's words ("Unexpected end of JSON input") describe the parser, not the request.
  if (error.code === "BAD_REQUEST" && error.cause instanceof SyntaxError) return "The input is not valid JSON";
  if (error.message === TRPC_BATCH_REFUSED) return `A batch holds at most ${MAX_BATCH} calls`;
  return message;
}

/** "title: Give the post a title" — the first problem, readable on its own. */
function summarize(flat: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> }): string {
  const [field, messages] = Object.entries(flat.fieldErrors).find(([, m]) => m?.length) ?? [];
  if (field && messages) return `${field}: ${messages[0]}`;
  return flat.formErrors[0] ?? "Invalid input";
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const unavailable = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = asUnavailable(result.error);
    if (mapped && mapped !== result.error) throw mapped;
    // Text the formatter gave up on is the writer's to change: a 400 on the body.
    if (result.error.cause instanceof RenderTooComplex) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `body: ${result.error.cause.message}`, cause: result.error.cause });
    }
  }
  return result;
});

const timing = t.middleware(async ({ next, path, type, ctx }) => {
  const start = performance.now();
  const result = await next();
  const ms = (performance.now() - start).toFixed(1);
  ctx.log(`[trpc] ${type} ${path} ${result.ok ? "ok" : result.error.code} ${ms}ms`);
  return result;
});

export const publicProcedure = t.procedure.use(timing).use(unavailable);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  // readSession answers no session for a banned account: pages and procedures agree.
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
});

/** Why an author or a reader cannot touch a page. */
export const PAGES_FORBIDDEN = "Only editors and admins manage the site's pages";

/** Signed in with a role that may write posts. */
export const authorProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!can(ctx.user.role, { post: ["create"] })) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Your account cannot write posts" });
  }
  return next();
});

/** Signed in with a role that manages the site's pages (About, Contact…): editors and admins. */
export const editorProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!managesPages(ctx.user.role)) throw new TRPCError({ code: "FORBIDDEN", message: PAGES_FORBIDDEN });
  return next();
});

/** Signed in with a role that may comment. */
export const commenterProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!can(ctx.user.role, { comment: ["create"] })) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Your account cannot comment" });
  }
  return next();
});

/** Signed in as someone who manages people. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!managesPeople(ctx.user.role)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can manage people" });
  }
  return next();
});

/** Signed in as someone who changes the site's settings and menus. */
export const siteAdminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!managesSite(ctx.user.role)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can change the site's settings" });
  }
  return next();
});
