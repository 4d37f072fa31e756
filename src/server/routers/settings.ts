import { TRPCError } from "@trpc/server";
import type { Database } from "../../../db/client.ts";
import { cacheTags } from "../../lib/cache-tags.ts";
import { SettingsUpdateInput, type MenuItem, type SiteSettings } from "../../lib/settings.ts";
import { renditionPath } from "../../media/urls.ts";
import { createTRPCRouter, siteAdminProcedure } from "../trpc.ts";
import { existingTargets, menuChoices } from "../queries/menus.ts";
import { mediaByHashes } from "../queries/media.ts";
import { saveSettings } from "../queries/settings.ts";
import { settingsChanged, siteSettings } from "../settings.ts";

const IMAGE_KEYS = ["logo", "icon", "socialImage"] as const;
const MENU_KEYS = ["headerMenu", "footerMenu"] as const;

const menuIds = (menu: MenuItem[]) => menu.flatMap((i) => (i.type === "page" || i.type === "post" ? [i.id] : []));

/** The settings, with a thumbnail of each image they name, as the settings form shows them. */
async function editable(db: Database) {
  const settings = await siteSettings(db);
  const media = await mediaByHashes(
    db,
    IMAGE_KEYS.flatMap((k) => settings[k] ?? []),
  );
  const preview = (hash: string | null) => {
    const info = hash ? media.get(hash) : undefined;
    const thumb = info && (info.variants.find((v) => v.format === "webp") ?? info.variants[0]);
    return info && thumb ? { hash: info.hash, src: renditionPath(info.hash, thumb), width: thumb.width, height: thumb.height } : null;
  };
  return { settings, images: { logo: preview(settings.logo), icon: preview(settings.icon), socialImage: preview(settings.socialImage) } };
}

/** BAD_REQUEST naming the field unless every image and page or post the change names exists. */
async function assertTargetsExist(db: Database, change: Partial<SiteSettings>) {
  const hashes = IMAGE_KEYS.flatMap((k) => change[k] ?? []);
  const ids = MENU_KEYS.flatMap((k) => menuIds(change[k] ?? []));
  const [media, posts] = await Promise.all([mediaByHashes(db, hashes), existingTargets(db, ids)]);
  for (const key of IMAGE_KEYS) {
    const hash = change[key];
    if (hash && !media.has(hash)) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `${key}: No uploaded image has that hash; pick one from the media library` });
    }
  }
  for (const key of MENU_KEYS) {
    for (const item of change[key] ?? []) {
      if ((item.type === "page" || item.type === "post") && posts.get(item.id) !== item.type) {
        throw new TRPCError({ code: "BAD_REQUEST", message: `${key}: No ${item.type} has the id ${item.id}; pick one from the list` });
      }
    }
  }
}

export const settingsRouter = createTRPCRouter({
  /** The site's settings and the previews of the images they name. */
  get: siteAdminProcedure.query(({ ctx }) => editable(ctx.db)),

  /** What a menu may link to: the pages, the newest public posts, the tags in use, and what the menus name now. */
  menuTargets: siteAdminProcedure.query(async ({ ctx }) => {
    const settings = await siteSettings(ctx.db);
    return menuChoices(ctx.db, [...menuIds(settings.headerMenu), ...menuIds(settings.footerMenu)]);
  }),

  /**
   * Changes the settings given, all of them or (on any error) none; every page shows the
   * settings, so every cached page goes, here and in every other process.
   */
  update: siteAdminProcedure.input(SettingsUpdateInput).mutation(async ({ ctx, input }) => {
    await assertTargetsExist(ctx.db, input);
    if (Object.values(input).some((v) => v !== undefined)) {
      await saveSettings(ctx.write, input);
      settingsChanged(ctx.db);
      await ctx.purge([cacheTags.site]);
    }
    return editable(ctx.db);
  }),
});
