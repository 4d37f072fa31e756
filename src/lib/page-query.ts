// The query parameters that choose what a reader page shows. Everything else in a query
// string (utm_source, ref, fbclid, junk) changes nothing on the page, so it is left out of
// the page's cache key and of its canonical address: every such request is served the one
// stored copy instead of rendering, and storing, a page of its own.

/** Lists page back through `after`; search also reads `q`. */
const LIST = ["after"] as const;
const SEARCH = ["after", "q"] as const;
const NONE = [] as const;

export function pageParams(pathname: string): readonly string[] {
  if (pathname === "/search") return SEARCH;
  if (pathname === "/" || /^\/(tags|authors)\/[^/]+$/.test(pathname)) return LIST;
  return NONE;
}

/** The path and, sorted, only the parameters the page reads: `/search?after=10&q=x`. */
export function canonicalTarget(url: URL): string {
  const names = pageParams(url.pathname);
  if (!url.search || names.length === 0) return url.pathname;
  const kept = new URLSearchParams();
  for (const name of names) {
    // A repeated parameter is read as the page reads it: the first one.
    const value = url.searchParams.get(name);
    if (value !== null && value !== "") kept.set(name, value);
  }
  const query = kept.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}
