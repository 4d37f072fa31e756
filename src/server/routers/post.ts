import { TRPCError } from "@trpc/server";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Post, user, type PostRow } from "../../../db/schema.ts";
import type { Database } from "../../../db/client.ts";
import { postTags } from "../../lib/cache-tags.ts";
import { renderMarkdown } from "../../lib/markdown.ts";
import { can } from "../../lib/permissions.ts";
import {
  PostBySlugInput,
  PostCreateInput,
  PostId,
  PostListInput,
  PostUpdateInput,
  PreviewInput,
} from "../../lib/schemas.ts";
import { slugify } from "../../lib/slug.ts";
import { authorProcedure, createTRPCRouter, publicProcedure, type Context } from "../trpc.ts";

const authorColumns = { id: user.id, name: user.name, image: user.image };

const isPublished = eq(Post.status, "published");

/** Cursor over (published_at, id), newest first: stable while posts are added. */
function encodeCursor(p: { publishedAt: Date | null; id: string }): string {
  return Buffer.from(`${p.publishedAt?.getTime() ?? 0}:${p.id}`).toString("base64url");
}
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split(":");
  const ms = Number(at);
  if (!id || !Number.isSafeInteger(ms)) throw new TRPCError({ code: "BAD_REQUEST", message: "cursor: not a valid cursor" });
  return { at: new Date(ms), id };
}

async function findPost(db: Database, id: string): Promise<PostRow> {
  const [post] = await db.select().from(Post).where(eq(Post.id, id)).limit(1);
  if (!post) throw new TRPCError({ code: "NOT_FOUND", message: "No post with that id" });
  return post;
}

type Action = "update" | "publish" | "delete";
/** Loads a post the signed-in user may change: their own, or any for an editor. */
async function findOwnedPost(ctx: Context & { user: { id: string; role?: string | null } }, id: string, action: Action) {
  const post = await findPost(ctx.db, id);
  const own = post.authorId === ctx.user.id;
  const allowed = can(ctx.user.role, { post: [`${action}-${own ? "own" : "any"}`] });
  if (!allowed) throw new TRPCError({ code: "FORBIDDEN", message: "This post is not yours" });
  return post;
}

function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: string; cause?: unknown; message?: string } | undefined; err; err = err.cause as typeof err) {
    if (String(err.code).includes("CONSTRAINT") || /UNIQUE constraint failed/.test(String(err.message))) return true;
  }
  return false;
}
const slugTaken = () =>
  new TRPCError({ code: "CONFLICT", message: "slug: Another post already uses this slug" });

async function freeSlug(db: Database, base: string): Promise<string> {
  const root = base || "untitled";
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? root : `${root.slice(0, 75)}-${n}`;
    const [hit] = await db.select({ id: Post.id }).from(Post).where(eq(Post.slug, candidate)).limit(1);
    if (!hit) return candidate;
  }
}

export const postRouter = createTRPCRouter({
  list: publicProcedure.input(PostListInput).query(async ({ ctx, input }) => {
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const rows = await ctx.db
      .select({
        id: Post.id,
        slug: Post.slug,
        title: Post.title,
        excerpt: Post.excerpt,
        publishedAt: Post.publishedAt,
        author: authorColumns,
      })
      .from(Post)
      .innerJoin(user, eq(user.id, Post.authorId))
      .where(
        after
          ? and(isPublished, or(lt(Post.publishedAt, after.at), and(eq(Post.publishedAt, after.at), lt(Post.id, after.id))))
          : isPublished,
      )
      .orderBy(desc(Post.publishedAt), desc(Post.id))
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null };
  }),

  bySlug: publicProcedure.input(PostBySlugInput).query(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .select({ post: Post, author: authorColumns })
      .from(Post)
      .innerJoin(user, eq(user.id, Post.authorId))
      .where(and(eq(Post.slug, input.slug), isPublished))
      .limit(1);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No published post at this address" });
    return { ...row.post, author: row.author };
  }),

  /** Published posts for anyone; drafts only for their owner (and editors): others get NOT_FOUND. */
  byId: publicProcedure.input(PostId).query(async ({ ctx, input }) => {
    const post = await findPost(ctx.db, input.id);
    if (post.status === "published") return post;
    const viewer = ctx.session?.user;
    const mayRead = viewer && (viewer.id === post.authorId || can(viewer.role, { post: ["update-any"] }));
    if (!mayRead) throw new TRPCError({ code: "NOT_FOUND", message: "No post with that id" });
    return post;
  }),

  mine: authorProcedure.query(({ ctx }) =>
    ctx.db
      .select({
        id: Post.id,
        slug: Post.slug,
        title: Post.title,
        status: Post.status,
        publishedAt: Post.publishedAt,
        updatedAt: Post.updatedAt,
      })
      .from(Post)
      .where(eq(Post.authorId, ctx.user.id))
      .orderBy(desc(Post.updatedAt)),
  ),

  preview: authorProcedure.input(PreviewInput).mutation(async ({ input }) => {
    const { html } = await renderMarkdown(input.body);
    return { html };
  }),

  create: authorProcedure.input(PostCreateInput).mutation(async ({ ctx, input }) => {
    const body = input.body ?? "";
    const rendered = await renderMarkdown(body);
    const id = randomUUID();
    try {
      await ctx.write(async (db) => {
        const slug = input.slug ?? (await freeSlug(db, slugify(input.title)));
        await db.insert(Post).values({
          id,
          slug,
          title: input.title,
          body,
          html: rendered.html,
          excerpt: input.excerpt || rendered.excerpt,
          status: "draft",
          authorId: ctx.user.id,
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw slugTaken();
      throw e;
    }
    // A new draft is on no public page: nothing to purge.
    return findPost(ctx.db, id);
  }),

  update: authorProcedure.input(PostUpdateInput).mutation(async ({ ctx, input }) => {
    const { id, version, ...changes } = input;
    const post = await findOwnedPost(ctx, id, "update");
    // The excerpt is the author's own when given, else the body's first paragraph.
    const rendered =
      changes.body !== undefined || changes.excerpt !== undefined
        ? await renderMarkdown(changes.body ?? post.body)
        : undefined;
    const result = await ctx
      .write((db) =>
        db
          .update(Post)
          .set({
            ...changes,
            ...(rendered ? { html: rendered.html, excerpt: changes.excerpt || rendered.excerpt } : {}),
            updatedAt: new Date(),
            version: version + 1,
          })
          // The version guard makes the check and the write one step: no lost update.
          .where(and(eq(Post.id, id), eq(Post.version, version))),
      )
      .catch((e) => {
        if (isUniqueViolation(e)) throw slugTaken();
        throw e;
      });
    if (result.rowsAffected === 0) {
      const current = await findPost(ctx.db, id);
      throw new TRPCError({
        code: "CONFLICT",
        message: `This post was changed elsewhere (now version ${current.version}); reload to see the latest copy`,
      });
    }
    if (post.status === "published") await ctx.purge(postTags(post));
    return findPost(ctx.db, id);
  }),

  publish: authorProcedure.input(PostId).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "publish");
    const now = new Date();
    await ctx.write((db) =>
      db
        .update(Post)
        .set({
          status: "published",
          publishedAt: post.publishedAt ?? now,
          updatedAt: now,
          version: post.version + 1,
        })
        .where(eq(Post.id, post.id)),
    );
    await ctx.purge(postTags(post));
    return findPost(ctx.db, post.id);
  }),

  unpublish: authorProcedure.input(PostId).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "publish");
    await ctx.write((db) =>
      db
        .update(Post)
        .set({ status: "draft", updatedAt: new Date(), version: post.version + 1 })
        .where(eq(Post.id, post.id)),
    );
    await ctx.purge(postTags(post));
    return findPost(ctx.db, post.id);
  }),

  delete: authorProcedure.input(PostId).mutation(async ({ ctx, input }) => {
    const post = await findOwnedPost(ctx, input.id, "delete");
    await ctx.write((db) => db.delete(Post).where(eq(Post.id, post.id)));
    if (post.status === "published") await ctx.purge(postTags(post));
    return { id: post.id };
  }),
});
