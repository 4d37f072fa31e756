// The site's menus as readers see them: each item's address and words, the pages, posts and
// tags they name looked up in one go, and an item whose target is not public left out.
import type { Database } from "../../db/client.ts";
import { cacheTags } from "../lib/cache-tags.ts";
import { messages } from "../lib/i18n/index.ts";
import { BUILT_IN_HREF, isBuiltIn, menuLabel, type MenuLink } from "../lib/menu.ts";
import type { MenuItem, SiteSettings } from "../lib/settings.ts";
import { publicMenuTargets } from "./queries/menus.ts";

export interface ResolvedMenus {
  header: MenuLink[];
  footer: MenuLink[];
  /**
   * What the menus show besides the settings: the pages, posts and tags they name, public or
   * not yet, so a page that shows the menus is purged when one of them changes.
   */
  tags: string[];
}

export async function resolveMenus(
  db: Database,
  settings: Pick<SiteSettings, "headerMenu" | "footerMenu" | "language">,
): Promise<ResolvedMenus> {
  const words = messages(settings.language).menu;
  const items = [...settings.headerMenu, ...settings.footerMenu];
  const ids = items.flatMap((i) => (i.type === "page" || i.type === "post" ? [i.id] : []));
  const slugs = items.flatMap((i) => (i.type === "tag" ? [i.slug] : []));
  const targets = await publicMenuTargets(db, ids, slugs);

  const link = (item: MenuItem): MenuLink | null => {
    if (isBuiltIn(item.type)) return { href: BUILT_IN_HREF[item.type], label: item.label || menuLabel(item.type, words) };
    switch (item.type) {
      case "page":
      case "post": {
        const target = targets.posts.get(item.id);
        if (!target || target.kind !== item.type) return null;
        return { href: item.type === "page" ? `/${target.slug}` : `/posts/${target.slug}`, label: item.label || target.title };
      }
      case "tag": {
        const tag = targets.tags.get(item.slug);
        return tag ? { href: `/tags/${tag.slug}`, label: item.label || tag.name } : null;
      }
      case "url":
        return { href: item.url, label: item.label };
      default:
        return null;
    }
  };
  const resolve = (menu: MenuItem[]) => menu.flatMap((item) => link(item) ?? []);
  return {
    header: resolve(settings.headerMenu),
    footer: resolve(settings.footerMenu),
    tags: [...new Set([...ids.map(cacheTags.post), ...slugs.map(cacheTags.tag)])],
  };
}
