// Headers every response carries. Pages also get Astro's Content-Security-Policy, which
// hashes the island scripts it emits (security.csp in astro.config.mjs); anything else
// (API answers, redirects, static files) gets one that allows nothing at all.

import { PRIVATE_CACHE_CONTROL } from "../lib/cache-tags.ts";

export const NOTHING_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function securityHeaders(siteUrl: string): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    // Only a site served over https may promise browsers it always will be.
    ...(siteUrl.startsWith("https:") ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/**
 * What an answer carries unless it says otherwise: the security headers, a policy that
 * allows nothing, and no-store (a page that may be kept says so itself; an error, a 413 or
 * an API answer is about one request only). Names in lower case, as a Response's are.
 */
export function baselineHeaders(siteUrl: string): Record<string, string> {
  const headers = { ...securityHeaders(siteUrl), "Content-Security-Policy": NOTHING_CSP, "Cache-Control": PRIVATE_CACHE_CONTROL };
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
