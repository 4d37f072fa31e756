// Inputs of the API key procedures, shared with the dashboard's form.
import { z } from "zod";
import { API_KEY_TYPES } from "../../db/schema/api-keys.ts";
import { createSelectSchema } from "drizzle-zod";
import { Post, POST_STATUSES } from "../../db/schema/content.ts";
import { CleanText, Id } from "./schemas.ts";

export const API_KEY_NAME_MAX = 80;

export const ApiKeyCreateInput = z
  .object({
    type: z.enum(API_KEY_TYPES, { message: "Either a content key or an admin key" }),
    name: CleanText.trim()
      .min(1, "Name the key after what will use it")
      .max(API_KEY_NAME_MAX, `Keep the name under ${API_KEY_NAME_MAX} characters`),
    /** An admin key that may only write drafts. */
    draftsOnly: z.boolean().default(false),
  })
  .strict();

export const ApiKeyId = z.object({ id: Id }).strict();

// What the Admin API's post procedures answer, for its OpenAPI description: the post's row
// as the table has it, its tags and cover, so the editor's types stay what they were.
const Timestamp = z.date().meta({ type: "string", format: "date-time" });
const TagOutput = z.object({ slug: z.string(), name: z.string() });
const Rendition = z.object({ width: z.number(), height: z.number(), format: z.enum(["jpeg", "png", "webp", "gif"]), bytes: z.number() });
const CoverOutput = z.object({
  hash: z.string(),
  width: z.number(),
  height: z.number(),
  placeholder: z.string(),
  variants: z.array(Rendition),
  alt: z.string(),
  src: z.string().meta({ description: "The image's address, to put in Markdown" }),
});

export const PostOutput = createSelectSchema(Post, {
  publishedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  body: (s) => s.meta({ description: "Markdown" }),
  version: (s) => s.meta({ description: "Send it back with the next update: a newer one on the server is a 409 CONFLICT" }),
}).extend({ tags: z.array(TagOutput), cover: CoverOutput.nullable() });

export const PostDeleted = z.object({ id: z.string() });

export const OwnPostsOutput = z.array(
  z.object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    status: z.enum(POST_STATUSES),
    publishedAt: Timestamp.nullable(),
    updatedAt: Timestamp,
  }),
);
