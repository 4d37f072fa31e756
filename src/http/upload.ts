// POST /api/media?for=post|avatar: an image upload, its body the file's bytes as they are (the
// type is what the bytes say, never the name or Content-Type). Answered before the generic body
// limit, with a limit of its own (MEDIA_MAX_BYTES), checked from the headers and again while the
// body arrives. Who may: an author or above for a post, anyone signed in for their avatar. The
// image is processed in a bounded queue, stored, recorded, and answered with the address its
// Markdown uses; a refusal stores nothing and says why.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Runtime } from "../runtime.ts";
import { can } from "../lib/permissions.ts";
import { MediaRefused, type MediaRefusalReason } from "../media/refused.ts";
import { workQueue, type WorkQueue } from "../media/queue.ts";
import { storeMedia, type MediaStore } from "../media/storage.ts";
import { fallbackSrc } from "../media/urls.ts";
import { recordUpload } from "../server/queries/media.ts";
import { readSession } from "../server/session.ts";
import { readBodyUpTo, refuseBody } from "./body-limit.ts";
import { isSameOrigin } from "./request.ts";
import { bearerSecret, isRefusal, keyHolderOf } from "./api-auth.ts";
import { RETRY_AFTER_SECONDS } from "./unavailable.ts";
import { fileNameOf, headersOf, refuseJson, sendJson, uploadFailed } from "./file-upload.ts";

export const UPLOAD_PATH = "/api/media";
export const UPLOAD_PURPOSES = ["post", "avatar"] as const;
export type UploadPurpose = (typeof UPLOAD_PURPOSES)[number];

/** What a successful upload answers (201). */
export interface UploadAnswer {
  hash: string;
  /** The address the Markdown names: `![alt](src)`. */
  src: string;
  width: number;
  height: number;
  placeholder: string;
  variants: Array<{ width: number; height: number; format: string; bytes: number }>;
}

/** Reasons of refusals that are the route's own, beside the pipeline's. */
type RouteReason = "method" | "cross-site" | "form" | "purpose" | "unauthorized" | "forbidden" | "busy" | "unavailable";

/** The same upload for the Admin API, with an admin key: always an image for a post. */
export const KEY_UPLOAD_PATH = "/api/v1/images";

export function isUploadPath(url: string): boolean {
  return [UPLOAD_PATH, KEY_UPLOAD_PATH].some((path) => url === path || url.startsWith(`${path}?`));
}

/** Form and text bodies are what another site's page can send without asking the browser first. */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);

/** Uploads processed at once, and how many more may wait before the route answers 503. */
const PROCESSING = 2;
const WAITING = 6;

export interface UploadOptions {
  queue?: WorkQueue;
}

/** The person an admin key acts as, or why it is refused. */
async function keySessionOf(runtime: Runtime, headers: Headers) {
  const holder = await keyHolderOf(runtime.db, bearerSecret(headers));
  return isRefusal(holder) ? holder : { user: holder.user };
}

export function uploadListener(runtime: Runtime, store: MediaStore, options: UploadOptions = {}) {
  const { config } = runtime;
  const queue = options.queue ?? workQueue({ concurrency: PROCESSING, maxWaiting: WAITING });
  const limits = { maxBytes: config.media.maxBytes, maxPixels: config.media.maxPixels };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST, OPTIONS");
      return refuse(res, 405, "method", "Upload an image with POST.");
    }
    const headers = headersOf(req);
    const url = new URL(req.url ?? "/", "http://x");
    // A key is never sent by a browser on another site's behalf: no origin to check then.
    const keyed = url.pathname === KEY_UPLOAD_PATH;
    if (!keyed && !isSameOrigin(new Request(config.siteUrl, { headers: { origin: headers.get("origin") ?? "" } }), config)) {
      const site = new URL(config.siteUrl).origin;
      return refuse(res, 403, "cross-site", `Cross-site upload refused: images are taken only from ${site}'s own pages.`);
    }
    const type = headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type && FORM_TYPES.has(type)) return refuse(res, 415, "form", "Send the image file itself as the body, not a form.");
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limits.maxBytes) return tooLarge(req, res, limits.maxBytes);
    const purpose = keyed ? "post" : url.searchParams.get("for");
    if (!UPLOAD_PURPOSES.includes(purpose as UploadPurpose)) {
      return refuse(res, 400, "purpose", "Say what the image is for: ?for=post or ?for=avatar.");
    }

    let userId: string;
    try {
      const session = keyed ? await keySessionOf(runtime, headers) : await readSession(runtime.auth, runtime.db.db, headers);
      if (session && "status" in session)
        return refuse(res, session.status, session.status === 401 ? "unauthorized" : "forbidden", session.message);
      if (!session) return refuse(res, 401, "unauthorized", "Sign in to upload images.");
      if (purpose === "post" && !can(session.user.role, { post: ["create"] })) {
        return refuse(res, 403, "forbidden", "Your account cannot add images to posts; you can still upload your avatar.");
      }
      userId = session.user.id;
    } catch (e) {
      return failed(req, res, e);
    }

    const ticket = queue.admit();
    if (!ticket) {
      res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
      return refuse(res, 503, "busy", "Many images are being processed right now; try again in a moment.");
    }
    try {
      const bytes = await readBodyUpTo(req, limits.maxBytes);
      if (!bytes) {
        ticket.release();
        return tooLarge(req, res, limits.maxBytes);
      }
      const answer = await ticket.run(async () => {
        // Loaded with the first upload: see src/media/refused.ts.
        const { processImage } = await import("../media/pipeline.ts");
        const image = await processImage(bytes, limits);
        await storeMedia(store, image);
        return recordUpload(runtime.db.write, image, { userId, fileName: fileNameOf(headers), bytes: bytes.byteLength });
      });
      const body: UploadAnswer = {
        hash: answer.hash,
        src: fallbackSrc(answer),
        width: answer.width,
        height: answer.height,
        placeholder: answer.placeholder,
        variants: answer.variants.map(({ width, height, format, bytes }) => ({ width, height, format, bytes })),
      };
      sendJson(res, 201, body);
    } catch (e) {
      ticket.release();
      if (e instanceof MediaRefused) return refuse(res, e.status, e.reason, e.message);
      return failed(req, res, e);
    }
  };
}

function refuse(res: ServerResponse, status: number, reason: MediaRefusalReason | RouteReason, message: string): void {
  refuseJson(res, status, reason, message);
}

function tooLarge(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  const mb = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
  refuseBody(req, res, { error: { message: `The file is too large: images may be at most ${mb} MB.`, reason: "too-large" } });
}

function failed(req: IncomingMessage, res: ServerResponse, e: unknown): void {
  uploadFailed(req, res, e, "media");
}
