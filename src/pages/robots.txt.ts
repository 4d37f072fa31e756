import type { APIRoute } from "astro";
import { site } from "../server/site.ts";

export const GET: APIRoute = async () => {
  const s = await site();
  const body = `User-agent: *
Allow: /
Disallow: /dashboard
Disallow: /admin
Disallow: /profile
Disallow: /api/

Sitemap: ${s.abs("/sitemap.xml")}
`;
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "public, max-age=3600" } });
};
