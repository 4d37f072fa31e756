// Numbers, plurals, dates and templates for the catalogues, through Intl. Formatters are costly to
// build, so each (locale, style) is made once per process (or page) and reused. Nothing
// runs when a module is loaded: an island that imports one catalogue section keeps none
// of the others.

/** A count's forms by plural category (Intl.PluralRules); `#` stands for the number. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const memo = <T>(make: (key: string) => T) => {
  const made = new Map<string, T>();
  return (key: string) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make(key)));
    return value;
  };
};

const pluralRules = memo((locale) => new Intl.PluralRules(locale));
const numberFormat = memo((locale) => new Intl.NumberFormat(locale));

/** `n` in the locale's digits and separators: 1,234 in English, 1.234 in German. */
export function formatNumber(locale: string, n: number): string {
  return numberFormat(locale).format(n);
}

/** The form of `forms` that `n` takes in `locale`, with `#` replaced by the number. */
export function plural(locale: string, n: number, forms: PluralForms): string {
  const form = forms[pluralRules(locale).select(n)] ?? forms.other;
  return form.replaceAll("#", formatNumber(locale, n));
}

export type DateStyle = "day" | "dayAndTime" | "stamp";

const DATE_STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  /** 24 November 2026 */
  day: { day: "numeric", month: "long", year: "numeric" },
  /** 24 November 2026 at 14:05 UTC */
  dayAndTime: { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
  /** 24 Nov 2026, 14:05 (a comment's or a session's moment) */
  stamp: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" },
};

const dateFormat = memo((key) => {
  const [locale, timeZone, style] = key.split("|") as [string, string, DateStyle];
  return new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], timeZone });
});

/** `date` as `locale` writes it, on the calendar and clock of `timeZone`. */
export function formatDateIn(date: Date, locale: string, timeZone: string, style: DateStyle = "day"): string {
  return dateFormat(`${locale}|${timeZone}|${style}`).format(date);
}

/**
 * Fills an island's template: "Reply to {name}" with { name: "Ada" }. A value goes in as
 * given, never read as a template; a hole with no value stays as written, so it shows.
 */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (hole, name: string) => values[name] ?? hole);
}
