import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";

export const authClient = createAuthClient({ plugins: [adminClient()] });

type AuthFailure = { status: number; message?: string };

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
