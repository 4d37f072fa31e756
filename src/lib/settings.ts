// The site's settings: what an admin edits in the browser. The shape, the limits and the
// defaults live here, shared by the router, the settings form and the pages that show them.
import { z } from "zod";
import { MEDIA_HASH } from "../media/urls.ts";
import { checkAccent } from "./contrast.ts";
import { CleanText } from "./schemas.ts";
import { COMMENT_MODES, DEFAULT_ACCENT, LANGUAGES, MENU_MAX, POSTS_PER_PAGE_MAX } from "./site-options.ts";

export * from "./site-options.ts";

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const Label = CleanText.trim().max(40, "Keep a menu label under 40 characters");
const MediaHash = z.string().regex(MEDIA_HASH, "Pick an image from the media library");

/**
 * One link in a menu. The built-in targets (home, tags, search, write, feed) keep an empty
 * label to mean "the catalogue's word for it", so they follow the site's language.
 */
export const MenuItem = z.discriminatedUnion("type", [
  z.object({ type: z.literal("home"), label: Label.default("") }).strict(),
  z.object({ type: z.literal("tags"), label: Label.default("") }).strict(),
  z.object({ type: z.literal("search"), label: Label.default("") }).strict(),
  z.object({ type: z.literal("write"), label: Label.default("") }).strict(),
  z.object({ type: z.literal("feed"), label: Label.default("") }).strict(),
  z.object({ type: z.literal("page"), id: z.string().min(1).max(64), label: Label.default("") }).strict(),
  z.object({ type: z.literal("post"), id: z.string().min(1).max(64), label: Label.default("") }).strict(),
  z.object({ type: z.literal("tag"), slug: z.string().min(1).max(200), label: Label.default("") }).strict(),
  z
    .object({
      type: z.literal("url"),
      url: z
        .string()
        .trim()
        .max(2000)
        .refine(
          (u) => /^\/(?!\/)/.test(u) || (URL.canParse(u) && /^https?:$/.test(new URL(u).protocol)),
          "Use an address starting with https:// or /",
        ),
      label: Label.min(1, "Give the link a label"),
    })
    .strict(),
]);
export type MenuItem = z.infer<typeof MenuItem>;
const Menu = z.array(MenuItem).max(MENU_MAX, `Keep a menu to ${MENU_MAX} links`);

export const SiteSettings = z.object({
  title: CleanText.trim().min(1, "Give the site a title").max(80, "Keep the title under 80 characters"),
  description: CleanText.trim().min(1, "Describe the site in a sentence").max(300, "Keep the description under 300 characters"),
  logo: MediaHash.nullable(),
  icon: MediaHash.nullable(),
  socialImage: MediaHash.nullable(),
  /** The light scheme's accent, #rrggbb, readable as links and as a button; the dark scheme's is derived. */
  accent: z
    .string()
    .regex(/^#[0-9a-f]{6}$/i, "Use a colour like #9a3412")
    .transform((c) => c.toLowerCase())
    .superRefine((colour, ctx) => {
      for (const message of checkAccent(colour).problems) ctx.addIssue({ code: "custom", message });
    }),
  postsPerPage: z
    .number({ error: "Give the number of posts a page shows" })
    .int("Use a whole number of posts")
    .min(1, "Show at least 1 post a page")
    .max(POSTS_PER_PAGE_MAX, `Show at most ${POSTS_PER_PAGE_MAX} posts a page`),
  feedContent: z.enum(["full", "excerpt"], { error: "Choose full text or excerpts for the feed" }),
  comments: z.enum(COMMENT_MODES, { error: `Choose one of ${COMMENT_MODES.join(", ")}` }),
  language: z.enum(LANGUAGES, { error: `Choose one of ${LANGUAGES.join(", ")}` }),
  timezone: z
    .string()
    .trim()
    .max(100)
    .refine(isTimeZone, "Pick a time zone such as Europe/Berlin")
    // As Intl spells it ("europe/berlin" is Europe/Berlin), so pages compare and show one name.
    .transform((zone) => new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone),
  headerMenu: Menu,
  footerMenu: Menu,
});
export type SiteSettings = z.infer<typeof SiteSettings>;
export type SettingKey = keyof SiteSettings;

/** Settings that name an image of the media library by its hash (an export carries the file). */
export const IMAGE_SETTINGS = ["logo", "icon", "socialImage"] as const satisfies readonly SettingKey[];
/** Settings that are menus, whose links to posts and pages name them by id. */
export const MENU_SETTINGS = ["headerMenu", "footerMenu"] as const satisfies readonly SettingKey[];

/** What an admin sends: any of the settings, each whole; the rest stay as they are. */
export const SettingsUpdateInput = SiteSettings.partial().strict();
export type SettingsUpdate = z.input<typeof SettingsUpdateInput>;

/** What a new site starts with; title, description and feed content come from the environment. */
export function defaultSettings(env: { siteTitle: string; siteDescription: string; feedContent: "full" | "excerpt" }): SiteSettings {
  return {
    title: env.siteTitle,
    description: env.siteDescription,
    logo: null,
    icon: null,
    socialImage: null,
    accent: DEFAULT_ACCENT,
    postsPerPage: 10,
    feedContent: env.feedContent,
    comments: "on",
    language: "en",
    timezone: "UTC",
    headerMenu: [
      { type: "home", label: "" },
      { type: "tags", label: "" },
      { type: "search", label: "" },
      { type: "write", label: "" },
    ],
    footerMenu: [{ type: "feed", label: "" }],
  };
}

/**
 * The stored values over the defaults, key by key: a value a later version no longer accepts
 * falls back to its default instead of breaking every page.
 */
export function mergeSettings(defaults: SiteSettings, stored: Record<string, unknown>): SiteSettings {
  const out: Record<string, unknown> = { ...defaults };
  const shape = SiteSettings.shape;
  for (const [key, value] of Object.entries(stored)) {
    if (!(key in shape)) continue;
    const parsed = shape[key as SettingKey].safeParse(value);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as SiteSettings;
}
