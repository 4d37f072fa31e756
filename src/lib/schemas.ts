// Inputs shared by routers and forms. Derived from the tables where they match, then refined.
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";
import { Post } from "../../db/schema.ts";
import { SLUG_MAX, SLUG_PATTERN } from "./slug.ts";

export const TITLE_MAX = 200;
export const EXCERPT_MAX = 500;
export const BODY_MAX = 200_000;

const PostFields = createInsertSchema(Post, {
  title: (s) =>
    s.trim().min(1, "Give the post a title").max(TITLE_MAX, `Keep the title under ${TITLE_MAX} characters`),
  slug: (s) =>
    s
      .trim()
      .min(1, "The slug cannot be empty")
      .max(SLUG_MAX, `Keep the slug under ${SLUG_MAX} characters`)
      .regex(SLUG_PATTERN, "Use lowercase letters, digits and single hyphens (like my-first-post)"),
  body: (s) => s.max(BODY_MAX, `The body is over ${BODY_MAX.toLocaleString("en")} characters`),
  excerpt: (s) => s.trim().max(EXCERPT_MAX, `Keep the excerpt under ${EXCERPT_MAX} characters`),
});

export const PostId = z.object({ id: z.string().min(1).max(64) }).strict();

export const PostCreateInput = PostFields.pick({ title: true, slug: true, body: true, excerpt: true })
  .partial({ slug: true, body: true, excerpt: true })
  .strict();

export const PostUpdateInput = PostFields.pick({ title: true, slug: true, body: true, excerpt: true })
  .partial()
  .extend({
    id: z.string().min(1).max(64),
    /** The version the editor started from; a newer one on the server is a CONFLICT. */
    version: z.number().int().min(1),
  })
  .strict();

export const PostListInput = z
  .object({
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict()
  .default({ limit: 10 });

export const PostBySlugInput = z.object({ slug: z.string().min(1).max(SLUG_MAX) }).strict();
export const PreviewInput = PostFields.pick({ body: true }).required().strict();

export type PostCreate = z.infer<typeof PostCreateInput>;
export type PostUpdate = z.infer<typeof PostUpdateInput>;
