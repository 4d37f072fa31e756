// The public facts every page head needs: absolute URLs, the site's name, its feeds.
import { getConfig } from "../config.ts";

export function site() {
  const { siteUrl, siteTitle, siteDescription, feedContent } = getConfig();
  return {
    url: siteUrl,
    title: siteTitle,
    description: siteDescription,
    feedContent,
    /** An absolute URL for a path on this site. */
    abs: (path: string) => new URL(path, `${siteUrl}/`).href,
  };
}
