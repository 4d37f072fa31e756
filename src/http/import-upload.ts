// POST /api/import: an admin's import file (a WordPress or Ghost export, or an archive), its
// body the file as it is. Streamed to the import folder with a cap of its own
// (IMPORT_MAX_BYTES), never held in memory; then a preview job reads it. Answers the job's id,
// which the admin page follows. A refusal or a broken upload leaves no file behind.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Runtime } from "../runtime.ts";
import { IMPORT_JOB, type ImportPayload } from "../jobs/import.ts";
import { enqueue } from "../jobs/queue.ts";
import { managesPeople } from "../lib/permissions.ts";
import { readSession } from "../server/session.ts";
import { refuseBody } from "./body-limit.ts";
import { fileNameOf, headersOf, refuseJson, sendJson, uploadFailed } from "./file-upload.ts";
import { isSameOrigin } from "./request.ts";

export const IMPORT_PATH = "/api/import";

export function isImportPath(url: string): boolean {
  return url === IMPORT_PATH || url.startsWith(`${IMPORT_PATH}?`);
}

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);

class TooLarge extends Error {}

export function importUploadListener(runtime: Runtime) {
  const { config } = runtime;
  const maxBytes = config.import.maxBytes;
  const tooLarge = (req: IncomingMessage, res: ServerResponse) =>
    refuseBody(req, res, {
      error: { message: `The file is too large: an import may be at most ${Math.round(maxBytes / 1024 / 1024)} MB.`, reason: "too-large" },
    });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST, OPTIONS");
      return refuseJson(res, 405, "method", "Upload an import file with POST.");
    }
    const headers = headersOf(req);
    if (!isSameOrigin(new Request(config.siteUrl, { headers: { origin: headers.get("origin") ?? "" } }), config)) {
      return refuseJson(
        res,
        403,
        "cross-site",
        `Cross-site upload refused: imports are taken only from ${new URL(config.siteUrl).origin}'s own pages.`,
      );
    }
    const type = headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type && FORM_TYPES.has(type)) return refuseJson(res, 415, "form", "Send the file itself as the body, not a form.");
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxBytes) return tooLarge(req, res);

    let actorId: string;
    try {
      const session = await readSession(runtime.auth, runtime.db.db, headers);
      if (!session) return refuseJson(res, 401, "unauthorized", "Sign in as an admin to import.");
      if (!managesPeople(session.user.role)) return refuseJson(res, 403, "forbidden", "Only admins import content.");
      actorId = session.user.id;
    } catch (e) {
      return uploadFailed(req, res, e, "import");
    }

    const id = randomUUID();
    const file = join(config.import.dir, `${id}.upload`);
    try {
      await mkdir(config.import.dir, { recursive: true });
      let received = 0;
      const cap = new Transform({
        transform(chunk: Buffer, _e, done) {
          received += chunk.length;
          done(received > maxBytes ? new TooLarge() : null, chunk);
        },
      });
      await pipeline(req, cap, createWriteStream(file, { flags: "wx" }));
      if (received === 0) {
        await rm(file, { force: true });
        return refuseJson(res, 400, "empty", "The file is empty.");
      }
      const payload: ImportPayload = { file, actorId, step: "preview", fileName: fileNameOf(headers) };
      await runtime.db.write((d) => enqueue(d, { id, kind: IMPORT_JOB, payload, maxAttempts: 3 }));
      sendJson(res, 201, { jobId: id });
    } catch (e) {
      await rm(file, { force: true });
      if (e instanceof TooLarge) return tooLarge(req, res);
      return uploadFailed(req, res, e, "import");
    }
  };
}
