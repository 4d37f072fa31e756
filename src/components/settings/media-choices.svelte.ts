// The media library as the settings form's image pickers share it: read once, when the first
// picker opens, and read again after an upload, so every picker lists the same images.
import { api, readError } from "../../client/trpc-client.ts";
import type { RouterOutputs } from "../../server/root.ts";

export type LibraryImage = RouterOutputs["media"]["list"][number];

/** An image as a picker shows it: what the settings store (its hash) and a thumbnail. */
export interface ChosenImage {
  hash: string;
  src: string;
  width: number;
  height: number;
}

export class MediaChoices {
  /** The library, once read. */
  items = $state<LibraryImage[] | null>(null);
  loading = $state(false);
  error = $state("");

  /** Reads the library unless it has been read already. */
  async load(): Promise<void> {
    if (this.items) return;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    this.loading = true;
    this.error = "";
    try {
      this.items = await api.media.list.query();
    } catch (e) {
      this.error = readError(e).message;
    } finally {
      this.loading = false;
    }
  }
}

export function chosen(item: LibraryImage): ChosenImage {
  return { hash: item.hash, src: item.thumbnail.src, width: item.thumbnail.width, height: item.thumbnail.height };
}
