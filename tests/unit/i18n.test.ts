// The reader-facing catalogue (src/lib/i18n/): every language says everything English says,
// with the same names and numbers in it, and counts, numbers and dates come out as that
// language writes them, on the site's clock.
import { describe, expect, it } from "vitest";
import { COMMENT_MAX } from "../../src/lib/constants.ts";
import { formatDate } from "../../src/lib/dates.ts";
import type { CommentRefusal } from "../../src/lib/i18n/en.ts";
import { formatSiteDate, intlLocale, messages, type Messages, type Section } from "../../src/lib/i18n/index.ts";
import { fill, plural, type PluralForms } from "../../src/lib/i18n/format.ts";
import { LANGUAGES } from "../../src/lib/settings.ts";

const english = messages("en");
const sections = (m: Messages) => Object.keys(m).filter((k): k is Section => k !== "locale");

type FunctionKeys<S extends Section> = {
  [K in keyof Messages[S]]-?: Messages[S][K] extends (...args: never[]) => string ? K : never;
}[keyof Messages[S]];
/**
 * Arguments for every function in the catalogue. Typed from English, so a new function there
 * does not compile here until it has its sample. Strings are unusual enough that finding one
 * in the output means the function put it there; numbers are large enough to need separators.
 */
const samples: { [S in Section]: { [K in FunctionKeys<S>]: Parameters<Extract<Messages[S][K], (...args: never[]) => string>> } } = {
  layout: {},
  menu: {},
  list: { posts: [1234] },
  home: {},
  post: { minRead: [1234], description: ["‹Title›", "‹Author›"] },
  tags: { tagDescription: ["‹Tag›", "‹3 posts›"], feedDescription: ["‹Tag›", "‹Site›"] },
  author: { description: ["‹Name›"] },
  search: { titleFor: ["‹query›"], nothing: ["‹query›"], matches: [1234, "‹query›"] },
  notFound: {},
  providerError: {},
  authPages: {},
  accountPages: { signedInAs: ["‹Name›", "‹name@example.com›"], commentsWaiting: [1234] },
  roles: {},
  statuses: {},
  comments: {},
  commentRefusals: {},
  errors: {},
  authCommon: {},
  authForm: {},
  passwordForms: {},
  verifyEmail: {},
  sessions: {},
  profileForm: {},
  refusals: {},
  mail: {
    existingText: ["‹Name›", "‹https://sign.in›", "‹https://forgot›"],
    resetText: ["‹Name›", "‹https://reset›"],
    verifyText: ["‹Name›", "‹https://verify›"],
  },
  newsletter: {
    formTagTitle: ["‹tag›"],
    senderName: ["‹Author›", "‹Site›"],
    by: ["‹Author›"],
    footer: ["‹Site›"],
    confirmSubject: ["‹Site›"],
    confirmText: ["‹Site›", "‹https://confirm›"],
  },
};

type Entry = string | PluralForms | ((...args: unknown[]) => string) | undefined;
/** The `{name}` holes of an island's template, sorted. */
const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const entry = (m: Messages, section: Section, key: string) => (m[section] as Record<string, Entry>)[key];
const argsOf = (section: Section, key: string) => (samples[section] as Record<string, unknown[]>)[key];

describe.each(LANGUAGES.filter((l) => l !== "en"))("the %s catalogue", (language) => {
  const other = messages(language);

  it("has every section and key of English, and no other", () => {
    expect(sections(other).sort()).toEqual(sections(english).sort());
    for (const section of sections(english)) {
      // Refusals are words for the server's codes: English shows the server's own.
      if (section === "refusals" || section === "commentRefusals") continue;
      expect(Object.keys(other[section]).sort(), section).toEqual(Object.keys(english[section]).sort());
    }
  });

  it("has no empty text, the same holes in every template, and a function wherever English has one, taking the same parameters", () => {
    for (const section of sections(english)) {
      for (const key of Object.keys(english[section])) {
        const mine = entry(english, section, key);
        const theirs = entry(other, section, key);
        const where = `${language}: ${section}.${key}`;
        expect(typeof theirs, where).toBe(typeof mine);
        if (typeof theirs === "string") {
          expect(theirs.trim(), where).not.toBe("");
          // An island fills the same holes whatever the language.
          expect(holes(theirs), where).toEqual(holes(mine as string));
        }
        if (typeof theirs === "object" && typeof mine === "object") {
          // A count's forms: always an "other", every form showing the number.
          expect(typeof theirs.other, where).toBe("string");
          expect((theirs.other as string).trim(), where).not.toBe("");
          for (const form of Object.values(theirs)) expect(form, where).toContain("#");
          for (const form of Object.values(mine)) expect(form, where).toContain("#");
        }
        if (typeof mine === "function" && typeof theirs === "function") {
          expect(theirs.length, where).toBe(mine.length);
          const args = argsOf(section, key);
          expect(args, `${section}.${key} has samples in this test`).toBeDefined();
          const said = theirs(...args);
          expect(said.trim(), where).not.toBe("");
          // Every name, address or query handed in shows up: no placeholder was dropped.
          for (const arg of args.filter((a) => typeof a === "string")) expect(said, where).toContain(arg);
          // And every number, written the way this language writes it.
          for (const n of args.filter((a) => typeof a === "number")) {
            if (said.includes(String(n))) continue; // a limit such as "5000" may be written plain
            expect(said, where).toContain(new Intl.NumberFormat(intlLocale(language)).format(n));
          }
        }
      }
    }
  });

  it("words the sign-in service's refusals only with codes it has", () => {
    for (const [code, words] of Object.entries(other.refusals)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(words.trim()).not.toBe("");
    }
  });

  it("words every way a comment can be refused, since the server's words are English", () => {
    // Typed as a record so that a situation added to CommentRefusal must be added here too.
    const every: Record<CommentRefusal, true> = {
      empty: true,
      tooLong: true,
      unclean: true,
      gone: true,
      editWindow: true,
      notYours: true,
      cannotComment: true,
      unavailable: true,
      failed: true,
    };
    for (const situation of Object.keys(every) as CommentRefusal[])
      expect(other.commentRefusals[situation]?.trim() ?? "", situation).toMatch(/\S/);
    // The limit it names is the one the schema holds, in the language's digits.
    const limit = new Intl.NumberFormat(intlLocale(language)).format(COMMENT_MAX);
    expect(other.commentRefusals.tooLong).toContain(limit);
  });
});

describe("counts", () => {
  it("take the singular for one and the plural otherwise, in each language's own words", () => {
    expect(messages("en").post.minRead(1)).toBe("1 min read");
    expect(messages("en").post.minRead(5)).toBe("5 min read");
    expect(messages("en").list.posts(1)).toBe("1 post");
    expect(messages("en").list.posts(3)).toBe("3 posts");
    expect(messages("en").list.posts(0)).toBe("0 posts");
    expect(plural("en-GB", 1, messages("en").comments.count)).toBe("1 comment");
    expect(plural("en-GB", 2, messages("en").comments.count)).toBe("2 comments");
    expect(messages("en").search.matches(1, "tea")).toBe("1 result matches “tea”");
    expect(messages("en").search.matches(4, "tea")).toBe("4 results match “tea”");

    expect(messages("de").post.minRead(1)).toBe("1 Min. Lesezeit");
    expect(messages("de").list.posts(1)).toBe("1 Beitrag");
    expect(messages("de").list.posts(3)).toBe("3 Beiträge");
    expect(plural(intlLocale("de"), 1, messages("de").comments.count)).toBe("1 Kommentar");
    expect(plural(intlLocale("de"), 7, messages("de").comments.count)).toBe("7 Kommentare");

    expect(messages("es").list.posts(1)).toBe("1 entrada");
    expect(messages("es").list.posts(2)).toBe("2 entradas");
  });

  it("write their numbers with the language's separators", () => {
    expect(messages("en").list.posts(12345)).toBe("12,345 posts");
    expect(messages("de").list.posts(12345)).toBe("12.345 Beiträge");
  });
});

describe("island templates", () => {
  it("take their values by name, and show a hole left unfilled rather than dropping it", () => {
    expect(fill(messages("de").comments.replyTo, { name: "Ada" })).toBe("Antwort an Ada");
    expect(fill(messages("en").sessions.device, { browser: "Firefox", os: "Linux" })).toBe("Firefox on Linux");
    expect(fill("{who} liked {what}", { who: "Ada" })).toBe("Ada liked {what}");
    // A value is put in as given, never read as a template itself.
    expect(fill("Hi {name}", { name: "{name} $& $1" })).toBe("Hi {name} $& $1");
  });
});

describe("dates", () => {
  // 23:30 on 31 December in London is already New Year's Day in Berlin.
  const lateEvening = new Date("2026-12-31T23:30:00Z");

  it("fall on the day of the site's time zone", () => {
    expect(formatSiteDate(lateEvening, { language: "en", timezone: "UTC" })).toBe("31 December 2026");
    expect(formatSiteDate(lateEvening, { language: "en", timezone: "Europe/Berlin" })).toBe("1 January 2027");
    expect(formatSiteDate(lateEvening, { language: "de", timezone: "UTC" })).toBe("31. Dezember 2026");
    expect(formatSiteDate(lateEvening, { language: "de", timezone: "Europe/Berlin" })).toBe("1. Januar 2027");
  });

  it("show the zone's clock when the time matters", () => {
    expect(formatSiteDate(lateEvening, { language: "en", timezone: "UTC" }, "dayAndTime")).toBe("31 December 2026 at 23:30 UTC");
    expect(formatSiteDate(lateEvening, { language: "de", timezone: "Europe/Berlin" }, "dayAndTime")).toBe("1. Januar 2027 um 00:30 MEZ");
  });

  it("stay as English has always written them where no site is asked", () => {
    expect(formatDate(new Date("2026-11-24T14:05:00Z"))).toBe("24 November 2026");
    expect(formatDate(new Date("2026-11-24T14:05:00Z"), { time: true })).toBe("24 November 2026 at 14:05 UTC");
  });
});
