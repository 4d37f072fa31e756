// Image processing takes a core's worth of libvips threads for a second or more: at most
// `concurrency` uploads are processed at once, a few more wait their turn, and past that an
// upload is turned away at once (the route answers 503 with Retry-After) rather than queueing
// memory and time without end.
import pLimit from "p-limit";

export interface WorkQueue {
  /**
   * Takes a place in the queue, or null when it is full. The place counts from now (while the
   * upload is still arriving) until `run`'s task ends or `release` gives it back.
   */
  admit(): Ticket | null;
  /** Uploads admitted and not finished: processing or waiting. */
  readonly admitted: number;
}

export interface Ticket {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the place back without running anything (the upload was refused before processing). */
  release(): void;
}

export function workQueue({ concurrency = 2, maxWaiting = 8 }: { concurrency?: number; maxWaiting?: number } = {}): WorkQueue {
  const limit = pLimit(concurrency);
  let admitted = 0;
  return {
    get admitted() {
      return admitted;
    },
    admit() {
      if (admitted >= concurrency + maxWaiting) return null;
      admitted++;
      let done = false;
      const release = () => {
        if (!done) admitted--;
        done = true;
      };
      return {
        release,
        run: (task) => limit(task).finally(release),
      };
    },
  };
}
