// The built server's HTTP layer, composed once: what every request meets, in order.
//  0. Old addresses (an import's redirects) answered with a 301.
//  1. The fast path: a fresh cached reader page is written straight from the store.
//     Then the Content API (/ghost/api/content/): read-only, for any origin, its answers
//     from the same store as pages.
//  2. Baseline headers (security headers, a policy that allows nothing, no-store), which
//     Astro's own answers replace with a page's where they set them.
//  3. The method rule: OPTIONS answered, TRACE and the like refused.
//  4. With a media store: /media/ files from it, and image uploads (POST /api/media), which
//     come before the generic body limit because they have their own (MEDIA_MAX_BYTES); so
//     do import files (POST /api/import, IMPORT_MAX_BYTES). The export (GET /api/export),
//     which streams the images too. The newsletter's form, confirm and unsubscribe routes
//     (/api/newsletter/), which read small forms of their own.
//  5. Body limits, from the headers or as the body arrives.
//  6. /api/trpc straight to tRPC; the Admin API (/api/v1: the same procedures over REST, and
//     /api/openapi.json); a built static file (when a client folder is given) as it is;
//     everything else to Astro.
// It takes the runtime and Astro's Node handler, so a test can start it on port 0 with a
// handler of its own.
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import type { Runtime } from "../runtime.ts";
import { isTrpcPath } from "../lib/constants.ts";
import { getStore, type Store } from "../cache/store.ts";
import { answerClientError } from "./client-error.ts";
import { limitRequestBodies } from "./body-limit.ts";
import { createFastPath } from "./fast-path.ts";
import { baselineHeaders } from "./headers.ts";
import { answerMethod } from "./methods.ts";
import { isMediaPath, serveMedia } from "./media.ts";
import { serveStaticFiles } from "./static-files.ts";
import type { MediaStore } from "../media/storage.ts";
import { trpcListener } from "./trpc-listener.ts";
import { isUploadPath, uploadListener, type UploadOptions } from "./upload.ts";
import { withRedirects } from "./redirects.ts";
import { importUploadListener, isImportPath } from "./import-upload.ts";
import { exportDownloadListener, isExportPath } from "./export-download.ts";
import { redirectTable } from "../server/redirects.ts";
import { isNewsletterPath, newsletterListener } from "./newsletter.ts";
import { handleAdminApi, isAdminApiPath } from "./admin-api.ts";
import { contentApiListener, isContentApiPath } from "./content-api.ts";

export interface QuireServer {
  server: Server;
  /** Stops taking connections, lets requests in flight finish (at most `graceMs`), then resolves. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServerOptions {
  /** The page store the fast path answers from (the process's own by default). */
  store?: Store;
  /** The built client folder (dist/client) and its hashed assets' folder name in it. */
  staticFiles?: { dir: string; assets: string };
  /** Where uploaded images are kept; /media/ is answered from it. */
  media?: MediaStore;
  /** The upload route's queue (tests give a small one). */
  uploads?: UploadOptions;
}

export function createServer(runtime: Runtime, astro: RequestListener, options: ServerOptions = {}): QuireServer {
  const { store = getStore(), staticFiles, media } = options;
  const images = media && serveMedia(media);
  const uploads = media && uploadListener(runtime, media, options.uploads);
  const imports = importUploadListener(runtime);
  const exports = media && exportDownloadListener(runtime, media);
  const newsletter = newsletterListener(runtime);
  const api = trpcListener(runtime, media);
  const adminApi = trpcListener(runtime, media, (request, _address, runtime, media) => handleAdminApi(request, runtime, media));
  const contentApi = contentApiListener(runtime, store);
  const pages = staticFiles ? serveStaticFiles(staticFiles.dir, staticFiles.assets, astro) : astro;
  const limited = limitRequestBodies((req, res) => {
    const url = req.url ?? "/";
    if (isTrpcPath(url)) return api(req, res);
    if (isAdminApiPath(url)) return adminApi(req, res);
    pages(req, res);
  });
  // Set before anything writes: a header set before writeHead would push a cached page off
  // Node's fast path for raw header lists, so the fast path comes first and keeps its own.
  const baseline = Object.entries(baselineHeaders(runtime.config.siteUrl));
  const withBaseline: RequestListener = (req, res) => {
    for (const [name, value] of baseline) res.setHeader(name, value);
    if (answerMethod(req, res)) return;
    if (images && isMediaPath(req.url ?? "/")) return void images(req, res);
    if (uploads && isUploadPath(req.url ?? "/")) return void uploads(req, res);
    if (isImportPath(req.url ?? "/")) return void imports(req, res);
    if (exports && isExportPath(req.url ?? "/")) return void exports(req, res);
    if (isNewsletterPath(req.url ?? "/")) return void newsletter(req, res);
    limited(req, res);
  };
  // The Content API sets its own headers (CORS for any origin, its OPTIONS answer) and
  // writes cached answers as the fast path does: before the baseline, for the same reason.
  const withContentApi: RequestListener = (req, res) =>
    isContentApiPath(req.url ?? "/") ? void contentApi(req, res) : withBaseline(req, res);
  const server = createHttpServer(withRedirects(redirectTable(runtime.db.db), createFastPath(store, withContentApi)));
  // Node closes an idle kept-alive connection after 5 s; a client that sends its next request
  // on it at that moment gets ECONNRESET, and a POST is not retried. Keep idle connections
  // longer than the usual client and proxy idle limits (60 s), so the client closes them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on("clientError", answerClientError);

  return {
    server,
    async stop(graceMs = 10_000) {
      const closed = new Promise<void>((done) => server.close(() => done()));
      // Idle keep-alive connections would hold close() open; busy ones are closed once idle.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      deadline.unref();
      await closed;
      clearInterval(idle);
      clearTimeout(deadline);
    },
  };
}
