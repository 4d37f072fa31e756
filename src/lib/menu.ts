// Menus as readers see them: each item's address and words. The settings hold items by
// what they point at (src/lib/settings.ts); src/server/menus.ts looks up the pages, posts
// and tags they name.
import type { Messages } from "./i18n/index.ts";
import type { MenuItem } from "./settings.ts";

export type MenuItemType = MenuItem["type"];

/** The kinds of item an admin can add, in the order the menu editor offers them. */
export const MENU_ITEM_TYPES: readonly MenuItemType[] = ["home", "tags", "search", "write", "feed", "page", "post", "tag", "url"];

/** Where a built-in item points. */
export const BUILT_IN_HREF = {
  home: "/",
  tags: "/tags",
  search: "/search",
  write: "/dashboard",
  feed: "/rss.xml",
} as const;
export type BuiltInType = keyof typeof BUILT_IN_HREF;

export function isBuiltIn(type: MenuItemType): type is BuiltInType {
  return type in BUILT_IN_HREF;
}

/** The catalogue's words for the built-in items, in the site's language (src/lib/i18n/, section menu). */
export type MenuWords = Pick<Messages["menu"], BuiltInType>;

/** The word a built-in item shows when its label is left empty: the catalogue's, in the site's language. */
export function menuLabel(type: BuiltInType, words: MenuWords): string {
  return words[type];
}

/** What each kind of item is, for the menu editor. */
export const MENU_ITEM_KINDS: Record<MenuItemType, string> = {
  home: "Home page",
  tags: "All tags",
  search: "Search",
  write: "Write (dashboard)",
  feed: "RSS feed",
  page: "A page",
  post: "A post",
  tag: "A tag",
  url: "A link",
};

/** A menu item ready to show. */
export interface MenuLink {
  href: string;
  label: string;
}
