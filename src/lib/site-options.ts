// The choices the site's settings offer and their limits, without the schema (src/lib/settings.ts):
// the settings islands import these, and zod stays out of what the browser downloads.

/** Languages the reader-facing catalogue is complete in (src/lib/i18n/). */
export const LANGUAGES = ["en", "de", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

export const COMMENT_MODES = ["on", "off", "hold-first"] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

export const MENU_MAX = 12;
export const POSTS_PER_PAGE_MAX = 50;

/** The stylesheet's own accent (--accent in src/styles/global.css). */
export const DEFAULT_ACCENT = "#9a3412";
