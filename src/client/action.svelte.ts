// The busy / error / done skeleton every small form repeated: one action at a time, the
// last outcome on show, and a failure in words the form can put next to its fields.

/** A failure as a form shows it: one message, and per-field messages where the server named fields. */
export interface Readable {
  message: string;
  fields: Record<string, string>;
}

export class Action<Key extends string = "submit"> {
  /** The action running now, or "" when none is. */
  running = $state<Key | "">("");
  /** What went wrong last time ("" when nothing did). */
  error = $state("");
  /** The last failure's messages by field. */
  fields = $state<Record<string, string>>({});
  /** What the last success said, if it said anything. */
  message = $state("");
  readonly busy = $derived(this.running !== "");
  readonly #read: (error: unknown) => Readable;

  /**
   * `read` turns what an action throws into words: readError (client/api-error.ts) for tRPC
   * calls, authErrorReader (client/auth-client.ts) for better-auth's. Passed, not defaulted, so
   * a form loads only the one it uses.
   */
  constructor(read: (error: unknown) => Readable) {
    this.#read = read;
  }

  /**
   * Runs `work` as `key`, clearing the last outcome first. What it returns (a string) is the
   * message; what it throws becomes `error` and `fields`. Resolves to whether it worked.
   */
  async run(work: () => Promise<string | void>, key = "submit" as Key): Promise<boolean> {
    this.running = key;
    this.error = this.message = "";
    this.fields = {};
    try {
      const done = await work();
      if (typeof done === "string") this.message = done;
      return true;
    } catch (e) {
      const readable = this.#read(e);
      this.error = readable.message;
      this.fields = readable.fields;
      return false;
    } finally {
      this.running = "";
    }
  }
}

/**
 * For an action that ends by leaving the page: never settles, so the form stays busy (and
 * its buttons disabled) until the browser has gone.
 */
export function untilUnload(): Promise<never> {
  return new Promise(() => {});
}
