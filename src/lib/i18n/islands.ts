// What each island says, picked from the catalogue on the server and handed to the island as
// a prop: plain data (strings, `{name}` templates, a count's forms), so a browser downloads
// one language's words for the island it runs and no catalogue. Islands import only types
// from here, and lib/i18n/format.ts to use the words.
import type { Language } from "../settings.ts";
import { messages } from "./index.ts";

/** The words of every island, in `language`. */
export function islandWords(language: Language) {
  const m = messages(language);
  const auth = { common: m.authCommon, refusals: m.refusals };
  return {
    comments: { locale: m.locale, comments: m.comments, refusals: m.commentRefusals, errors: m.errors },
    authForm: { form: m.authForm, ...auth },
    passwordForms: { form: m.passwordForms, ...auth },
    verifyEmail: { form: m.verifyEmail, ...auth },
    sessions: { locale: m.locale, form: m.sessions, ...auth },
    profileForm: { form: m.profileForm, errors: m.errors },
  };
}

export type IslandWords = ReturnType<typeof islandWords>;
export type CommentWords = IslandWords["comments"];
/** What the better-auth helpers (client/auth-client.ts) need of an auth island's words. */
export type AuthWords = Pick<IslandWords["authForm"], "common" | "refusals">;
