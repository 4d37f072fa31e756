// Images being added to a post's text: each file uploads on its own (several at once), shows
// its progress, and once the server has it lands as `![](src)` where the cursor is; then the
// author is asked for its alt text. A failed upload says why and leaves the text as it was.
import { uploadImage, UploadFailed } from "../../client/upload.ts";
import { imagesWithoutAlt, setAltText } from "../../lib/markdown-images.ts";
import type { EditorState } from "./editor-state.svelte.ts";

export interface Upload {
  id: number;
  name: string;
  /** 0…1 of the bytes sent. */
  sent: number;
  state: "uploading" | "processing" | "failed";
  error?: string;
}

export interface AltPrompt {
  id: number;
  name: string;
  src: string;
}

let nextId = 0;

export class ImageUploads {
  uploads = $state<Upload[]>([]);
  /** Images that landed in the text and still wait for their alt text, oldest first. */
  prompts = $state<AltPrompt[]>([]);
  /** File names of this session's uploads by address, to name an image in a warning. */
  names: Record<string, string> = {};

  readonly editor: EditorState;
  /** The body's textarea, when the Write tab shows it. */
  textarea: HTMLTextAreaElement | undefined = undefined;

  constructor(editor: EditorState) {
    this.editor = editor;
  }

  add(files: Iterable<File>) {
    for (const file of files) void this.upload(file);
  }

  private async upload(file: File) {
    const id = ++nextId;
    const name = file.name || "pasted image";
    this.uploads.push({ id, name, sent: 0, state: "uploading" });
    const update = (change: Partial<Upload>) => {
      const i = this.uploads.findIndex((u) => u.id === id);
      if (i >= 0) this.uploads[i] = { ...this.uploads[i]!, ...change };
    };
    try {
      const answer = await uploadImage(file, "post", (p) => update({ sent: p.sent, state: p.processing ? "processing" : "uploading" }));
      this.uploads = this.uploads.filter((u) => u.id !== id);
      this.names[answer.src] = name;
      this.insert(`![](${answer.src})`);
      this.prompts.push({ id, name, src: answer.src });
    } catch (e) {
      const message = e instanceof UploadFailed ? e.message : "The upload failed; try again.";
      update({ state: "failed", error: message });
    }
  }

  /** Puts `markdown` at the cursor (the end of the text when the textarea is not shown), on a line of its own. */
  private insert(markdown: string) {
    const body = this.editor.body;
    const area = this.textarea?.isConnected ? this.textarea : undefined;
    const at = area ? area.selectionEnd : body.length;
    const before = body.slice(0, at);
    const after = body.slice(at);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    const inserted = `${lead}${markdown}${trail}`;
    this.editor.body = before + inserted + after;
    if (area) {
      const caret = at + inserted.length;
      // The textarea shows the new body once Svelte has flushed it.
      queueMicrotask(() => area.setSelectionRange(caret, caret));
    }
  }

  dismiss(id: number) {
    this.uploads = this.uploads.filter((u) => u.id !== id);
  }

  /** Writes the alt text into the image's Markdown; empty leaves it for the publish warning. */
  answer(id: number, alt: string) {
    const prompt = this.prompts.find((p) => p.id === id);
    this.prompts = this.prompts.filter((p) => p.id !== id);
    if (prompt && alt.trim()) this.editor.body = setAltText(this.editor.body, prompt.src, alt);
  }

  /** The images in the text without alt text, named by file where this session uploaded them. */
  missingAlt(): string[] {
    return imagesWithoutAlt(this.editor.body).map((src) => this.names[src] ?? src);
  }
}
