// Menus as readers see them: each item's address and words. The settings hold items by
// what they point at (src/lib/settings.ts); src/server/menus.ts looks up the pages, posts
// and tags they name.
import type { MenuItem } from "./settings.ts";

export type MenuItemType = MenuItem["type"];

/** The kinds of item an admin can add, in the order the menu editor offers them. */
export const MENU_ITEM_TYPES: readonly MenuItemType[] = ["home", "tags", "search", "write", "feed", "page", "post", "tag", "url"];

const BUILT_IN = {
  home: "Read",
  tags: "Tags",
  search: "Search",
  write: "Write",
  feed: "RSS feed",
} as const;
export type BuiltInType = keyof typeof BUILT_IN;

export function isBuiltIn(type: MenuItemType): type is BuiltInType {
  return type in BUILT_IN;
}

/** The word a built-in item shows when its label is left empty. The one place these words live. */
export function menuLabel(type: BuiltInType): string {
  return BUILT_IN[type];
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

/** Where a built-in item points. */
export const BUILT_IN_HREF: Record<BuiltInType, string> = {
  home: "/",
  tags: "/tags",
  search: "/search",
  write: "/dashboard",
  feed: "/rss.xml",
};

/** A menu item ready to show. */
export interface MenuLink {
  href: string;
  label: string;
}
