// The public facts every page head needs: absolute URLs, the site's name, its feeds.
import { getConfig } from "../config.ts";

export function site() {
  const { siteUrl, siteTitle, siteDescription, feedContent, media } = getConfig();
  return {
    url: siteUrl,
    title: siteTitle,
    description: siteDescription,
    feedContent,
    /** Where /media/ redirects to (MEDIA_PUBLIC_URL's origin), which pages may load images from. */
    mediaOrigin: media.publicUrl ? new URL(media.publicUrl).origin : undefined,
    /** An absolute URL for a path on this site. */
    abs: (path: string) => new URL(path, `${siteUrl}/`).href,
  };
}
