// Inputs shared by routers and forms. Derived from the tables where they match, then refined.
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";
import { Post, POST_KINDS } from "../../db/schema.ts";
import { MEDIA_HASH } from "../media/urls.ts";
import { COMMENT_MAX, ROLES } from "./constants.ts";
import { isSlug, SLUG_MAX, slugify } from "./slug.ts";

/**
 * Control characters other than tab and line breaks, and broken UTF-16 (lone surrogates,
 * which the database would turn into U+FFFD): nobody types them on purpose, a page cannot
 * show them, and an RSS feed that carried one would not be XML. Refused, never stripped.
 */
const CLEAN_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]*$/u;
/** Each character CLEAN_TEXT refuses, for text nobody here typed (a provider's profile). */
export const UNCLEAN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/gu;
const CONTROL_MESSAGE = "Remove the invisible control characters (such as U+001B, escape) or broken characters";
const cleanText = <S extends z.ZodString>(s: S) => s.regex(CLEAN_TEXT, CONTROL_MESSAGE);
/** Any text the site shows or feeds, of any length. */
export const CleanText = cleanText(z.string());

export const TITLE_MAX = 200;
export const EXCERPT_MAX = 500;
export const BODY_MAX = 200_000;

const PostFields = createInsertSchema(Post, {
  title: (s) => cleanText(s.trim().min(1, "Give the post a title").max(TITLE_MAX, `Keep the title under ${TITLE_MAX} characters`)),
  slug: (s) =>
    s
      .trim()
      .min(1, "The slug cannot be empty")
      .refine((slug) => Array.from(slug).length <= SLUG_MAX, `Keep the slug under ${SLUG_MAX} characters`)
      .refine(isSlug, "Use lowercase letters (of any alphabet), digits and single hyphens, like my-first-post or καλημέρα-κόσμε"),
  body: (s) => cleanText(s.max(BODY_MAX, `The body is over ${BODY_MAX.toLocaleString("en")} characters`)),
  excerpt: (s) => cleanText(s.trim().max(EXCERPT_MAX, `Keep the excerpt under ${EXCERPT_MAX} characters`)),
});

export const Id = z.string().min(1).max(64);
export const PostId = z.object({ id: Id }).strict();

export const TAG_MAX = 40;
export const TAGS_PER_POST = 10;
/** Tag names as typed; matched case-insensitively by their slug. */
export const TagNames = z
  .array(
    z
      .string()
      .trim()
      .min(1, "A tag cannot be empty")
      .max(TAG_MAX, `Keep each tag under ${TAG_MAX} characters`)
      .regex(CLEAN_TEXT, CONTROL_MESSAGE)
      .refine((name) => slugify(name).length > 0, "A tag needs at least one letter or digit"),
  )
  .max(TAGS_PER_POST, `Use at most ${TAGS_PER_POST} tags`);

/** The longest language tag taken: BCP 47 asks every implementation to take 35 characters. */
export const LANG_MAX = 35;

/** A BCP 47 tag as Intl writes it (de-at → de-AT), or null when Intl knows no such tag. */
export function canonicalLang(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * The language a post is written in, when it is not the site's: a BCP 47 tag, stored as
 * Intl writes it. Empty (or null) means the site's language.
 */
export const PostLang = z
  .string()
  .trim()
  .max(LANG_MAX, `Keep the language tag under ${LANG_MAX} characters`)
  .nullable()
  .transform((tag, ctx) => {
    if (!tag) return null;
    const canonical = canonicalLang(tag);
    if (canonical) return canonical;
    ctx.addIssue({ code: "custom", message: "Use a language tag such as en, de-AT or zh-Hant (BCP 47), or leave it empty" });
    return z.NEVER;
  });

export const PostCreateInput = PostFields.pick({ title: true, slug: true, body: true, excerpt: true })
  .partial({ slug: true, body: true, excerpt: true })
  .extend({
    tags: TagNames.optional(),
    /** A post (dated, listed) or a page (About, Contact: at /<slug>, in no list). Fixed once made. */
    kind: z.enum(POST_KINDS, { message: `Either ${POST_KINDS.join(" or ")}` }).default("post"),
    lang: PostLang.optional(),
  })
  .strict();

export const ALT_MAX = 300;
/** Words for an image, for people who cannot see it. */
export const AltText = cleanText(z.string().trim().max(ALT_MAX, `Keep the alt text under ${ALT_MAX} characters`));
/** An uploaded image, by the sha256 that names it (src/media/urls.ts). */
export const MediaHash = z.string().regex(MEDIA_HASH, "Not an uploaded image");
/** A post's cover: an uploaded image and its alt text; null removes it. */
export const CoverInput = z.object({ hash: MediaHash, alt: AltText }).strict();

export const PostUpdateInput = PostFields.pick({ title: true, slug: true, body: true, excerpt: true })
  .partial()
  .extend({
    id: Id,
    /** The version the editor started from; a newer one on the server is a CONFLICT. */
    version: z.number().int().min(1),
    tags: TagNames.optional(),
    /** Absent leaves the cover as it is. */
    cover: CoverInput.nullable().optional(),
    /** Absent leaves the language as it is; empty or null makes it the site's. */
    lang: PostLang.optional(),
  })
  .strict();

export const PostPublishInput = z
  .object({
    id: Id,
    /** A future time schedules the post; absent or past publishes now. */
    at: z.date().optional(),
    /** Mail it to subscribers: yes for a post, no for a page, unless said. */
    email: z.boolean().optional(),
  })
  .strict();

export const RestoreInput = z.object({ revisionId: Id, version: z.number().int().min(1) }).strict();

export const PostListInput = z
  .object({
    cursor: z.string().max(200).optional(),
    /** The site's posts per page (its settings) unless given. */
    limit: z.number().int().min(1).max(50).optional(),
    tag: z
      .string()
      .max(SLUG_MAX * 2)
      .optional(),
    authorId: Id.optional(),
    /** Include each post's rendered HTML (for feeds). */
    full: z.boolean().default(false),
  })
  .strict()
  .default({ full: false });

export const SearchInput = z
  .object({
    q: z.string().max(200, "Keep the search under 200 characters"),
    cursor: z
      .string()
      .regex(/^\d{1,6}$/)
      .optional(),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();

/**
 * A slug to look up, as a URL brought it: in UTF-16 units (SLUG_MAX characters from beyond the
 * BMP take twice as many), composed (NFC) as stored, however the browser sent it.
 */
export const SlugLookup = z
  .string()
  .min(1)
  .max(SLUG_MAX * 2)
  .transform((slug) => slug.normalize("NFC"));
export const PostBySlugInput = z.object({ slug: SlugLookup }).strict();
export const PreviewInput = PostFields.pick({ body: true }).required().strict();

export type PostCreate = z.infer<typeof PostCreateInput>;
export type PostUpdate = z.infer<typeof PostUpdateInput>;

export { COMMENT_MAX };
export const CommentBody = z
  .string()
  .trim()
  .min(1, "Write something first")
  .max(COMMENT_MAX, `Keep comments under ${COMMENT_MAX.toLocaleString("en")} characters`)
  .regex(CLEAN_TEXT, CONTROL_MESSAGE);
export const CommentCreateInput = z.object({ postId: Id, body: CommentBody, parentId: Id.optional() }).strict();
export const CommentEditInput = z.object({ id: Id, body: CommentBody }).strict();
export const CommentId = z.object({ id: Id }).strict();
export const CommentListInput = z
  .object({ postId: Id, cursor: z.string().max(200).optional(), limit: z.number().int().min(1).max(100).default(50) })
  .strict();

export const NAME_MAX = 80;
/** A display name, wherever it is set: the profile form, sign-up, better-auth's update-user. */
export const PersonName = cleanText(
  z.string().trim().min(1, "Your name cannot be empty").max(NAME_MAX, `Keep your name under ${NAME_MAX} characters`),
);
export const BIO_MAX = 1_000;
/** An image this site stores and serves (src/media/urls.ts writes them): `/media/<hash>/<rendition>.<ext>`. */
const SITE_IMAGE = /^\/media\/[a-f0-9]{64}\/(?:original|\d{1,5})\.(?:jpg|png|webp|gif)$/;
/**
 * An avatar: an image uploaded here, by its address on this site, or none ("" and null both
 * clear it). Never another site's address: reader pages load images from this site only.
 * Whether the image exists is for the server to check (avatarExists in the profile's paths).
 */
export const AvatarUrl = z
  .union([
    z.literal(""),
    z.null(),
    z
      .string()
      .max(200, "Upload the avatar here")
      .regex(SITE_IMAGE, "Upload the avatar here: only an image uploaded to this site can be one"),
  ])
  .transform((v) => v || null);
export const ProfileInput = z
  .object({
    name: PersonName,
    bio: cleanText(
      z
        .string()
        .trim()
        .max(BIO_MAX, `Keep your bio under ${BIO_MAX.toLocaleString("en")} characters`),
    ),
    image: AvatarUrl,
  })
  .strict();
/**
 * The user fields better-auth's own endpoints write (sign-up, update-user, sign-in with a
 * provider, admin create-user): the same rules as the profile form.
 */
export const UserFields = z.object({ name: PersonName, image: AvatarUrl }).partial();
export const UserId = z.object({ userId: Id }).strict();
export const SetRoleInput = z.object({ userId: Id, role: z.enum(ROLES) }).strict();
export const BanInput = z.object({ userId: Id, reason: z.string().trim().max(200).optional() }).strict();

/** What a subscriber asks for: the whole site, or posts with some of these tags (by slug). */
export const NewsletterChoice = z.discriminatedUnion("all", [
  z.object({ all: z.literal(true) }).strict(),
  z
    .object({
      all: z.literal(false),
      tags: z.array(z.string().trim().toLowerCase().min(1).max(100)).min(1, "Choose at least one tag").max(50),
    })
    .strict(),
]);

export const SubscriberEmail = z
  .email("Enter an email address, such as name@example.com")
  .max(254, "An email address is at most 254 characters");
