// tRPC setup: the context every procedure sees, the procedure builders (the access rule
// is in the builder's name), and the error shape islands read field errors from.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Auth, Session } from "../auth.ts";
import type { Db } from "../../db/client.ts";
import { can } from "../lib/permissions.ts";
import { PostConflict } from "./errors.ts";
import { readSession } from "./session.ts";

export interface CreateContextOptions {
  headers: Headers;
  db: Db;
  auth: Auth;
  /** Drops cached reader pages that carry any of these tags. */
  purge: (tags: string[]) => Promise<void>;
  /** Skip the session lookup: reader pages must render the same for everyone. */
  anonymous?: boolean;
  log?: (line: string) => void;
}

export async function createTRPCContext(opts: CreateContextOptions) {
  const session: Session | null = opts.anonymous ? null : await readSession(opts.auth, opts.db.db, opts.headers);
  return {
    headers: opts.headers,
    db: opts.db.db,
    write: opts.db.write,
    auth: opts.auth,
    purge: opts.purge,
    session,
    log: opts.log ?? ((line: string) => console.info(line)),
  };
}

export type Context = Awaited<ReturnType<typeof createTRPCContext>>;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Stack traces stay on the server whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    return {
      ...shape,
      message: zodError ? summarize(zodError) : shape.message,
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

/** "title: Give the post a title" — the first problem, readable on its own. */
function summarize(flat: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> }): string {
  const [field, messages] = Object.entries(flat.fieldErrors).find(([, m]) => m?.length) ?? [];
  if (field && messages) return `${field}: ${messages[0]}`;
  return flat.formErrors[0] ?? "Invalid input";
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const timing = t.middleware(async ({ next, path, type, ctx }) => {
  const start = performance.now();
  const result = await next();
  const ms = (performance.now() - start).toFixed(1);
  ctx.log(`[trpc] ${type} ${path} ${result.ok ? "ok" : result.error.code} ${ms}ms`);
  return result;
});

export const publicProcedure = t.procedure.use(timing);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  if (ctx.session.user.banned) throw new TRPCError({ code: "FORBIDDEN", message: "This account is suspended" });
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
});

/** Signed in with a role that may write posts. */
export const authorProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!can(ctx.user.role, { post: ["create"] })) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Your account cannot write posts" });
  }
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
  if (!can(ctx.user.role, { user: ["list", "set-role", "ban"] })) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can manage people" });
  }
  return next();
});
