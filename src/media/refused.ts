// Why an upload was refused, apart from the pipeline that decides it: the upload route needs
// the class to answer a refusal, but loads the pipeline (and with it sharp and libvips, some
// 20 MiB) only when the first image arrives, so a server that only serves pages never does.

export type MediaRefusalReason = "empty" | "too-large" | "too-many-pixels" | "svg" | "pdf" | "html" | "unsupported-type" | "corrupt";

const STATUS: Record<MediaRefusalReason, 413 | 415 | 422> = {
  empty: 422,
  "too-large": 413,
  "too-many-pixels": 413,
  svg: 415,
  pdf: 415,
  html: 415,
  "unsupported-type": 415,
  corrupt: 422,
};

/** An upload Quire will not take; `message` is meant for the person who sent it. */
export class MediaRefused extends Error {
  readonly reason: MediaRefusalReason;
  /** The HTTP status a route answers with. */
  readonly status: 413 | 415 | 422;
  constructor(reason: MediaRefusalReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MediaRefused";
    this.reason = reason;
    this.status = STATUS[reason];
  }
}
