// The public facts every page head needs: absolute URLs, the site's settings, its feeds.
import { getConfig } from "../config.ts";
import { getRuntime } from "../runtime.ts";
import { siteSettings } from "./settings.ts";

/** Where /media/ redirects to (MEDIA_PUBLIC_URL's origin), which pages may load images from. */
export function mediaOrigin(): string | undefined {
  const { publicUrl } = getConfig().media;
  return publicUrl ? new URL(publicUrl).origin : undefined;
}

export async function site() {
  const { siteUrl } = getConfig();
  const settings = await siteSettings((await getRuntime()).db.db);
  return {
    ...settings,
    url: siteUrl,
    mediaOrigin: mediaOrigin(),
    /** An absolute URL for a path on this site. */
    abs: (path: string) => new URL(path, `${siteUrl}/`).href,
  };
}
export type Site = Awaited<ReturnType<typeof site>>;
