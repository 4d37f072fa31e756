import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { can, managesPages } from "../../lib/permissions.ts";
import { imageKeys } from "../../media/storage.ts";
import { fallbackSrc, MEDIA_HASH, renditionPath } from "../../media/urls.ts";
import { found } from "../errors.ts";
import { authorProcedure, createTRPCRouter, type Context } from "../trpc.ts";
import * as library from "../queries/library.ts";
import type { Usage } from "../queries/library.ts";
import { siteSettings } from "../settings.ts";
import type { SiteSettings } from "../../lib/settings.ts";

const NO_IMAGE = "No image with that hash";
const HashInput = z.object({ hash: z.string().regex(MEDIA_HASH, "hash: Not an image's hash (64 hex digits)") }).strict();

type Viewer = { id: string; role?: string | null };
type Signed = Context & { user: Viewer };

/** Editors and admins see and manage every upload; an author, their own. */
const managesAll = (viewer: Viewer) => can(viewer.role, { post: ["update-any"] });

/** The image, if the caller may manage it: one they uploaded, or any for an editor. */
async function manageable(ctx: Signed, hash: string) {
  const row = found(await library.mediaRow(ctx.db, hash), NO_IMAGE);
  if (!managesAll(ctx.user) && !(await library.isUploader(ctx.db, hash, ctx.user.id))) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This image is not in your library" });
  }
  return row;
}

const SITE_IMAGES = { logo: "logo", icon: "icon", socialImage: "social image" } as const;

/** What the site's settings use the image as ("logo", "icon", "social image"): a page of every kind shows it. */
function siteUses(settings: Pick<SiteSettings, keyof typeof SITE_IMAGES>, hash: string): string[] {
  return (Object.keys(SITE_IMAGES) as (keyof typeof SITE_IMAGES)[]).filter((k) => settings[k] === hash).map((k) => SITE_IMAGES[k]);
}

/** Where an image is used, as the caller may see it: someone else's draft is named as one, not by its title. */
function shown(usage: Usage, viewer: Viewer, site: string[]) {
  return {
    site,
    avatars: usage.avatars,
    posts: usage.posts.map((p) => {
      const page = p.kind === "page";
      const editable = page ? managesPages(viewer.role) : p.authorId === viewer.id || managesAll(viewer);
      const visible = editable || p.status === "published";
      return {
        id: p.id,
        kind: p.kind,
        title: visible ? p.title : page ? "A page that is not published" : "A post by another author that is not published",
        href: editable ? `/dashboard/posts/${p.id}` : visible ? (page ? `/${p.slug}` : `/posts/${p.slug}`) : null,
        status: p.status,
        asCover: p.asCover,
        inBody: p.inBody,
      };
    }),
  };
}

/** "the post “Hello” (its cover), the avatar of Ada": what holds the image, in words. */
function describe(usage: ReturnType<typeof shown>): string {
  const uses = [
    ...usage.site.map((as) => `the site's ${as}`),
    ...usage.posts.map(
      (p) => `the ${p.kind} “${p.title}” (${[p.asCover && "its cover", p.inBody && "its text"].filter(Boolean).join(" and ")})`,
    ),
    ...usage.avatars.map((a) => `the avatar of ${a.name}`),
  ];
  return uses.length > 3 ? `${uses.slice(0, 3).join(", ")} and ${uses.length - 3} more` : uses.join(", ");
}

export const mediaRouter = createTRPCRouter({
  /** The caller's uploads (everyone's for an editor), newest first, with where each is used. */
  list: authorProcedure.query(async ({ ctx }) => {
    const rows = await library.library(ctx.db, managesAll(ctx.user) ? "all" : ctx.user.id);
    const [usage, settings] = await Promise.all([
      library.usageOf(
        ctx.db,
        rows.map((r) => r.hash),
      ),
      siteSettings(ctx.db),
    ]);
    return rows.map((r) => {
      const thumb = r.variants.find((v) => v.format === "webp") ?? r.variants[0]!;
      return {
        hash: r.hash,
        src: fallbackSrc(r),
        thumbnail: { src: renditionPath(r.hash, thumb), width: thumb.width, height: thumb.height },
        width: r.width,
        height: r.height,
        format: r.format,
        bytes: r.bytes,
        placeholder: r.placeholder,
        fileName: r.fileName,
        uploadedAt: r.uploadedAt,
        uploader: { id: r.uploaderId, name: r.uploaderName },
        usage: shown(usage.get(r.hash)!, ctx.user, siteUses(settings, r.hash)),
      };
    });
  }),

  usage: authorProcedure.input(HashInput).query(async ({ ctx, input }) => {
    await manageable(ctx, input.hash);
    const [usage, settings] = await Promise.all([library.usageOf(ctx.db, [input.hash]), siteSettings(ctx.db)]);
    return shown(usage.get(input.hash)!, ctx.user, siteUses(settings, input.hash));
  }),

  /**
   * Removes an image nothing uses: its rows and its files. An author's image that someone else
   * uploaded too only leaves the author's library. Used anywhere: CONFLICT, naming where.
   */
  delete: authorProcedure.input(HashInput).mutation(async ({ ctx, input }) => {
    const row = await manageable(ctx, input.hash);
    const inUse = () =>
      Promise.all([library.usageOf(ctx.db, [input.hash]), siteSettings(ctx.db)]).then(([u, settings]) => {
        const usage = shown(u.get(input.hash)!, ctx.user, siteUses(settings, input.hash));
        if (usage.site.length || usage.posts.length || usage.avatars.length) {
          throw new TRPCError({ code: "CONFLICT", message: `This image is in use by ${describe(usage)}: remove it there first.` });
        }
      });
    await inUse();
    if (!managesAll(ctx.user) && (await library.hasOtherUploaders(ctx.db, input.hash, ctx.user.id))) {
      await library.removeUpload(ctx.write, input.hash, ctx.user.id);
      return { hash: input.hash, removed: "from-library" as const };
    }
    const store = ctx.media;
    if (!store) throw new Error("No media store in this server's context");
    if (!(await library.deleteUnused(ctx.write, input.hash))) {
      // Something started using it between the check and the delete.
      await inUse();
      throw new TRPCError({ code: "NOT_FOUND", message: NO_IMAGE });
    }
    for (const key of imageKeys(row)) await store.delete(key);
    return { hash: input.hash, removed: "image" as const };
  }),
});
