import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";
import type { Readable } from "./action.svelte.ts";

export const authClient = createAuthClient({ plugins: [adminClient()] });

export type AuthFailure = { status: number; message?: string };

/**
 * What to tell a person when better-auth refuses: its rate limit in words, then what the
 * form knows about its own failures (`known`), then better-auth's message.
 */
export function authFailureMessage(
  failure: AuthFailure,
  known: (failure: AuthFailure) => string | undefined = () => undefined,
  fallback = "That did not work. Try again.",
): string {
  if (failure.status === 429) return "Too many attempts from your address. Wait a minute and try again.";
  return known(failure) ?? failure.message ?? fallback;
}

/** A refusal from better-auth, already in the words the form shows. */
export class AuthRefused extends Error {}

/**
 * better-auth answers a refusal as `{ error }` rather than throwing: this throws it as an
 * AuthRefused worded by `words` (authFailureMessage unless told otherwise), for Action.run.
 */
export async function unlessRefused<R extends { error: AuthFailure | null }>(
  call: Promise<R>,
  words: (failure: AuthFailure) => string = (failure) => authFailureMessage(failure),
): Promise<R> {
  const result = await call;
  if (result.error) throw new AuthRefused(words(result.error));
  return result;
}

/** A failed auth call in words: its refusal as worded, else the server never answered. */
export function readAuthError(error: unknown): Readable {
  const message = error instanceof AuthRefused ? error.message : "Could not reach the server. Check your connection and try again.";
  return { message, fields: {} };
}
