// Dates as readers see them. Intl formatters are costly to build (toLocaleString builds
// one per call), so each style is made once per process and reused by every render.
const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const dayAndTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
  timeZone: "UTC",
});

/** "24 November 2026", or with `time` "24 November 2026 at 14:05 UTC". */
export function formatDate(date: Date, opts: { time?: boolean } = {}): string {
  return (opts.time ? dayAndTime : day).format(date);
}
