// The sign-in providers the configuration switches on, as the sign-in page lists them.
import type { Config } from "../config.ts";
import { OIDC_PROVIDER_ID } from "../auth.ts";

export interface ProviderButton {
  id: string;
  name: string;
}

export function signInProviders(config: Config): ProviderButton[] {
  const { discord, google, oidc } = config.providers;
  return [
    ...(google ? [{ id: "google", name: "Google" }] : []),
    ...(discord ? [{ id: "discord", name: "Discord" }] : []),
    ...(oidc ? [{ id: OIDC_PROVIDER_ID, name: oidc.name }] : []),
  ];
}
