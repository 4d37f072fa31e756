// Headers every response carries. Pages also get Astro's Content-Security-Policy, which
// hashes the island scripts it emits (security.csp in astro.config.mjs); anything else
// (API answers, redirects, static files) gets one that allows nothing at all.

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
