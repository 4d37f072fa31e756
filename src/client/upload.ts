// Sends one file (an image to POST /api/media, an import to POST /api/import) with XMLHttpRequest, whose upload events give real
// progress (fetch has none for request bodies). The server decides the type from the bytes; the
// file's name travels percent-encoded for the library.
import type { UploadAnswer, UploadPurpose } from "../http/upload.ts";

export type { UploadAnswer, UploadPurpose };

/** An upload the server refused (its own words), or one that never reached it. */
export class UploadFailed extends Error {
  readonly reason: string;
  constructor(message: string, reason: string) {
    super(message);
    this.name = "UploadFailed";
    this.reason = reason;
  }
}

export interface UploadProgress {
  /** 0…1 of the bytes sent. */
  sent: number;
  /** All bytes are there and the server is making the sizes. */
  processing: boolean;
}

export function uploadImage(
  file: Blob & { name?: string },
  purpose: UploadPurpose,
  onProgress: (progress: UploadProgress) => void,
): Promise<UploadAnswer> {
  return postFile<UploadAnswer>(`/api/media?for=${purpose}`, file, onProgress, (body) => Boolean(body.src));
}

/** Sends an import file to POST /api/import; answers the preview job's id. */
export function uploadImport(file: Blob & { name?: string }, onProgress: (progress: UploadProgress) => void): Promise<{ jobId: string }> {
  return postFile<{ jobId: string }>("/api/import", file, onProgress, (body) => typeof body.jobId === "string");
}

/** A file as the body of a POST, with progress; resolves to the 201 answer `accepted` recognises. */
function postFile<T>(
  path: string,
  file: Blob & { name?: string },
  onProgress: (progress: UploadProgress) => void,
  accepted: (body: Record<string, unknown>) => boolean,
): Promise<T> {
  return new Promise((done, fail) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    if (file.name) xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress({ sent: e.loaded / e.total, processing: false });
    };
    xhr.upload.onload = () => onProgress({ sent: 1, processing: true });
    xhr.onload = () => {
      let body: { error?: { message?: string; reason?: string } } & Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText || "{}");
      } catch {
        // Not our API's answer (a proxy's error page): the status says enough.
      }
      if (xhr.status === 201 && accepted(body)) return done(body as T);
      const message =
        body.error?.message ??
        (xhr.status === 413 ? "The file is too large." : `The upload failed (the server answered ${xhr.status}); try again.`);
      fail(new UploadFailed(message, body.error?.reason ?? String(xhr.status)));
    };
    xhr.onerror = () => fail(new UploadFailed("The upload did not reach the server. Check your connection and try again.", "network"));
    xhr.send(file);
  });
}

/**
 * The files pasted or dropped, whatever they claim to be: the server judges each by its bytes
 * and says why it refuses one, which a filter here could only do worse.
 */
export function filesOf(data: DataTransfer | null): File[] {
  return data ? [...data.files] : [];
}
