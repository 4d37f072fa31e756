// Where a person may be sent after signing in: the one rule for every redirect target the
// site takes from a request, on the server (sign-in, sign-up) and in the browser (AuthForm).

export const DEFAULT_NEXT = "/dashboard";

/**
 * `next` as a path on this site, or `fallback`. It is resolved by the WHATWG URL parser,
 * the way a browser reads a Location header, against `siteUrl` (SITE_URL on the server,
 * the page's own origin in the browser): backslashes, tabs, newlines, `//` and `@` tricks,
 * encoded slashes and schemes like `javascript:` all either stay on this origin as a path
 * or are refused. What comes back is the parser's own serialization, percent-encoded, so
 * it is always a valid header value and reads the same to every later parser.
 */
export function safeNext(next: string | null | undefined, siteUrl: string, fallback = DEFAULT_NEXT): string {
  // Only a path is taken: not an absolute address, not a relative one, not a scheme.
  if (!next || next[0] !== "/" || next.length > 2000) return fallback;
  const base = URL.parse(siteUrl);
  const target = base && URL.parse(next, base);
  if (!base || !target || target.origin !== base.origin) return fallback;
  const path = target.pathname + target.search + target.hash;
  // A path the parser collapsed to `//host` (from `/.//host`, say) names another site.
  return path.startsWith("//") ? fallback : path;
}
