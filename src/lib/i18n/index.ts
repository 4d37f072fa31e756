// The reader-facing catalogue: what every page, island and mail says, in the site's language.
// English (en.ts) is the source of truth; the others must match it key for key, and tsc
// checks that they do (the `satisfies` in each file and the checks below).
import type { Language } from "../settings.ts";
import * as de from "./de.ts";
import * as en from "./en.ts";
import * as es from "./es.ts";
import { formatDateIn, type DateStyle } from "./format.ts";

export type Messages = typeof en;
export type { RefusalCode } from "./en.ts";

/** A catalogue's sections: every export but its Intl locale. */
export type Section = Exclude<keyof Messages, "locale">;

type Fn = (...args: never[]) => string;
type Args<F> = F extends (...args: infer A) => string ? A : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The "section.key" names where `T` strays from English: a section or key English lacks, or a
 * function whose parameters are not exactly English's. (Plain assignability lets a function
 * with fewer parameters through, and `import * as` lets an extra section through.)
 */
type Strays<T> =
  | Exclude<keyof T, keyof Messages>
  | {
      [S in Section]-?: S extends keyof T
        ? | `${S}.${Exclude<keyof T[S], keyof Messages[S]> & string}`
          | {
              [K in keyof Messages[S]]-?: Messages[S][K] extends Fn
                ? K extends keyof T[S]
                  ? Same<Args<T[S][K]>, Args<Messages[S][K]>> extends true
                    ? never
                    : `${S}.${K & string}`
                  : never
                : never;
            }[keyof Messages[S]]
        : never;
    }[Section];
/** Compiles only when `T` has no strays; otherwise tsc names them. */
type Matches<T> = [Strays<T>] extends [never] ? "matches English" : Strays<T>;

const catalogues = { en, de, es } satisfies Record<Language, Messages>;
const _deMatches: Matches<typeof de> = "matches English";
const _esMatches: Matches<typeof es> = "matches English";

/** The words of `language`. */
export function messages(language: Language): Messages {
  return catalogues[language];
}

/** The locale Intl formats `language` in (English writes the day first, as it always has here). */
export function intlLocale(language: Language): string {
  return messages(language).locale;
}

/** A date in the site's language and on its clock: "24 November 2026", "24. November 2026". */
export function formatSiteDate(date: Date, site: { language: Language; timezone: string }, style: DateStyle = "day"): string {
  return formatDateIn(date, intlLocale(site.language), site.timezone, style);
}
