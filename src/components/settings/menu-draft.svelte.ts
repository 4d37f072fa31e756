// The header and footer menus while an admin edits them: the items of each in order, moved,
// added and removed here, and what each change was, in words a screen reader announces.
import { isBuiltIn, menuLabel, MENU_ITEM_KINDS, type MenuWords } from "../../lib/menu.ts";
import type { MenuItem } from "../../lib/settings.ts";
import { MENU_MAX } from "../../lib/site-options.ts";
import type { RouterOutputs } from "../../server/root.ts";

export type MenuName = "header" | "footer";
export type Targets = RouterOutputs["settings"]["menuTargets"];
/** An item with a key of its own, so the list keeps track of it as it moves. */
export type Entry = MenuItem & { key: number };

const MENU_WORDS: Record<MenuName, string> = { header: "header menu", footer: "footer menu" };
let nextKey = 0;

export class MenuDraft {
  header = $state<Entry[]>([]);
  footer = $state<Entry[]>([]);
  /** The last change, for the live region. */
  announcement = $state("");
  readonly targets: Targets;
  /** The built-in items' words in the site's language: what an empty label shows. */
  readonly words: MenuWords;

  constructor(menus: Record<MenuName, MenuItem[]>, targets: Targets, words: MenuWords) {
    this.words = words;
    this.header = menus.header.map((item) => ({ ...item, key: ++nextKey }));
    this.footer = menus.footer.map((item) => ({ ...item, key: ++nextKey }));
    this.targets = targets;
  }

  full(menu: MenuName): boolean {
    return this[menu].length >= MENU_MAX;
  }

  /** What the item links to, in words: "Page “About” (a draft: readers do not see it yet)". */
  describe(entry: MenuItem): { kind: string; target: string; hidden: string } {
    const kind = MENU_ITEM_KINDS[entry.type];
    if (isBuiltIn(entry.type)) return { kind, target: "", hidden: "" };
    switch (entry.type) {
      case "page":
      case "post": {
        const found = (entry.type === "page" ? this.targets.pages : this.targets.posts).find((t) => t.id === entry.id);
        if (!found) return { kind, target: "(deleted)", hidden: "It no longer exists: readers do not see this link." };
        const hidden =
          found.status === "published"
            ? ""
            : `It is ${found.status === "draft" ? "a draft" : "scheduled"}: readers see the link once it is published.`;
        return { kind, target: found.title, hidden };
      }
      case "tag": {
        const found = this.targets.tags.find((t) => t.slug === entry.slug);
        return {
          kind,
          target: found ? `#${found.name}` : `#${entry.slug}`,
          hidden: found ? "" : "No published post has this tag: readers do not see this link yet.",
        };
      }
      case "url":
        return { kind, target: entry.url, hidden: "" };
      default:
        return { kind, target: "", hidden: "" };
    }
  }

  /** The words the item shows: its label, or the default one. */
  nameOf(entry: MenuItem): string {
    if (entry.label) return entry.label;
    if (isBuiltIn(entry.type)) return menuLabel(entry.type, this.words);
    return this.describe(entry).target;
  }

  defaultLabel(entry: MenuItem): string {
    if (isBuiltIn(entry.type)) return menuLabel(entry.type, this.words);
    const { target } = this.describe(entry);
    return entry.type === "url" ? "" : target.replace(/^#/, "");
  }

  /** Moves the item at `index` one place up (-1) or down (1); returns its key. */
  move(menu: MenuName, index: number, by: -1 | 1): number | undefined {
    const list = this[menu];
    const to = index + by;
    const entry = list[index];
    if (!entry || to < 0 || to >= list.length) return undefined;
    list.splice(index, 1);
    list.splice(to, 0, entry);
    this.announcement = `“${this.nameOf(entry)}” moved ${by < 0 ? "up" : "down"}: now ${to + 1} of ${list.length} in the ${MENU_WORDS[menu]}.`;
    return entry.key;
  }

  remove(menu: MenuName, index: number): void {
    const [entry] = this[menu].splice(index, 1);
    if (entry) this.announcement = `“${this.nameOf(entry)}” removed from the ${MENU_WORDS[menu]}.`;
  }

  add(menu: MenuName, item: MenuItem): number {
    const entry = { ...item, key: ++nextKey };
    this[menu].push(entry);
    this.announcement = `“${this.nameOf(entry)}” added at the end of the ${MENU_WORDS[menu]}.`;
    return entry.key;
  }

  /** The menu as the settings store it. */
  items(menu: MenuName): MenuItem[] {
    return this[menu].map(({ key: _key, ...item }) => item as MenuItem);
  }
}
