// GET /api/export: everything the site holds, as the .tar.gz `npm run export` writes, streamed
// to an admin's browser as it is made (a download of any size, never held in memory). Never
// cached anywhere. A GET changes nothing, so it needs no Origin; a request another site's page
// started (Sec-Fetch-Site: cross-site) is refused all the same, so no page elsewhere can make
// an admin's browser run exports. A failure once bytes are out cuts the connection, so the
// browser reports a failed download rather than keeping a truncated archive.
import type { IncomingMessage, ServerResponse } from "node:http";
import { PRIVATE_CACHE_CONTROL } from "../lib/cache-tags.ts";
import { managesPeople } from "../lib/permissions.ts";
import type { MediaStore } from "../media/storage.ts";
import type { Runtime } from "../runtime.ts";
import { readSession } from "../server/session.ts";
import { headersOf, refuseJson, uploadFailed } from "./file-upload.ts";
import { RETRY_AFTER_SECONDS } from "./unavailable.ts";

export const EXPORT_PATH = "/api/export";

export function isExportPath(url: string): boolean {
  return url === EXPORT_PATH || url.startsWith(`${EXPORT_PATH}?`);
}

/** Exports running at once in this process: each reads the whole site, and one is the common case. */
const AT_ONCE = 2;

export function exportDownloadListener(runtime: Runtime, media: MediaStore) {
  const { config } = runtime;
  let running = 0;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD, OPTIONS");
      return refuseJson(res, 405, "method", "Download the export with GET.");
    }
    const headers = headersOf(req);
    if (headers.get("sec-fetch-site") === "cross-site") {
      return refuseJson(res, 403, "cross-site", `Exports are downloaded from ${new URL(config.siteUrl).origin}'s own pages.`);
    }
    try {
      const session = await readSession(runtime.auth, runtime.db.db, headers);
      if (!session) return refuseJson(res, 401, "unauthorized", "Sign in as an admin to export the site.");
      if (!managesPeople(session.user.role)) return refuseJson(res, 403, "forbidden", "Only admins export the site.");
    } catch (e) {
      return uploadFailed(req, res, e, "export");
    }
    if (running >= AT_ONCE) {
      res.setHeader("retry-after", String(RETRY_AFTER_SECONDS * 5));
      return refuseJson(res, 503, "busy", "An export is already being made; try again when it is done.");
    }
    // Loaded with the first export: most processes never make one.
    const { exportFileName, exportSite } = await import("../export/site.ts");
    res.writeHead(200, {
      "content-type": "application/gzip",
      "content-disposition": `attachment; filename="${exportFileName(config.siteUrl)}"`,
      "cache-control": PRIVATE_CACHE_CONTROL,
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") return void res.end();
    running++;
    try {
      await exportSite({ db: runtime.db.db, media, siteUrl: config.siteUrl, siteTitle: config.siteTitle }, res);
    } catch (e) {
      if (!res.destroyed) console.error(`[export] ${req.method} ${req.url}:`, e);
      res.destroy();
    } finally {
      running--;
    }
  };
}
