// Dates as readers see them: through Intl, in a locale and on a time zone's calendar. The
// formatters are made once per style and reused by every render (src/lib/i18n/format.ts).
import { formatDateIn } from "./i18n/format.ts";

/**
 * "24 November 2026", or with `time` "24 November 2026 at 14:05 UTC"; in English and UTC
 * unless told the locale and zone (pages pass the site's: components/FormattedDate.astro).
 */
export function formatDate(date: Date, opts: { time?: boolean; locale?: string; timeZone?: string } = {}): string {
  return formatDateIn(date, opts.locale ?? "en-GB", opts.timeZone ?? "UTC", opts.time ? "dayAndTime" : "day");
}
