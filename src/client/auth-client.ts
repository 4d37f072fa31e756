import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";
import type { RefusalCode } from "../lib/i18n/en.ts";
import type { AuthWords } from "../lib/i18n/islands.ts";
import type { Readable } from "./action.svelte.ts";

export const authClient = createAuthClient({ plugins: [adminClient()] });

export type AuthFailure = { status: number; code?: string; message?: string };

/**
 * What to tell a person when better-auth refuses: its rate limit in words, then what the
 * form knows about its own failures (`known`), then the catalogue's words for better-auth's
 * code, then better-auth's message (English has no words of its own for the codes).
 */
export function authFailureMessage(
  failure: AuthFailure,
  words: AuthWords,
  known: (failure: AuthFailure) => string | undefined = () => undefined,
  fallback = words.common.tryAgain,
): string {
  if (failure.status === 429) return words.common.tooMany;
  const refusal = failure.code ? words.refusals[failure.code as RefusalCode] : undefined;
  return known(failure) ?? refusal ?? failure.message ?? fallback;
}

/** A refusal from better-auth, already in the words the form shows. */
export class AuthRefused extends Error {}

/**
 * better-auth answers a refusal as `{ error }` rather than throwing: this throws it as an
 * AuthRefused worded by `words` (authFailureMessage, usually), for Action.run.
 */
export async function unlessRefused<R extends { error: AuthFailure | null }>(
  call: Promise<R>,
  words: (failure: AuthFailure) => string,
): Promise<R> {
  const result = await call;
  if (result.error) throw new AuthRefused(words(result.error));
  return result;
}

/** Reads a failed auth call into words: its refusal as worded, else the server never answered. */
export function authErrorReader(words: AuthWords): (error: unknown) => Readable {
  return (error) => ({ message: error instanceof AuthRefused ? error.message : words.common.unreachable, fields: {} });
}
