// What the editor's parts share: the post's fields and where it stands, and everything the
// editor does with them (save by hand and by itself, keep a copy in this browser, publish and
// schedule, settle a conflict, browse revisions, preview). Editor.svelte makes one while it
// initialises, so the effects below (autosave, the local copy) live exactly as long as it.
import { api, readError, type ReadableError } from "../../client/trpc-client.ts";
import { slugify } from "../../lib/slug.ts";
import type { RouterOutputs } from "../../server/root.ts";
import { ImageUploads } from "./uploads.svelte.ts";

/** The post as the page hands it to the editor (from post.byId), and as every save returns it. */
export type EditablePost = Pick<
  RouterOutputs["post"]["byId"],
  | "id"
  | "kind"
  | "title"
  | "slug"
  | "body"
  | "excerpt"
  | "excerptCustom"
  | "status"
  | "version"
  | "publishedAt"
  | "tags"
  | "coverHash"
  | "coverAlt"
  | "lang"
>;

/** A post (dated, tagged, listed) or a page (About, Contact: at /<slug>, no tags, no schedule). */
export type Kind = EditablePost["kind"];

export type Cover = { hash: string; alt: string } | null;

/** The form's fields as typed: what is saved, kept in this browser and compared. */
export interface Fields {
  title: string;
  slug: string;
  body: string;
  excerpt: string;
  tags: string;
  cover: Cover;
  /** The post's language as a BCP 47 tag; empty is the site's. */
  lang: string;
}

export type Busy = "" | "save" | "autosave" | "publish" | "schedule" | "unpublish" | "delete" | "restore";

const AUTOSAVE_MS = 1500;

// Dates are made out here: inside the exported class, lint takes any `new Date` for state
// that should be a SvelteDate. These are moments read once, never changed.
/** The time now, as the author's clock shows it. */
const timeNow = () => new Date().toLocaleTimeString();
/** A datetime-local value as a moment (Invalid Date when it is not one), or null when empty. */
const momentOf = (value: string) => (value ? new Date(value) : null);

const fieldsOf = (p?: EditablePost): Fields => ({
  title: p?.title ?? "",
  slug: p?.slug ?? "",
  body: p?.body ?? "",
  // A derived excerpt is not the author's: the field stays empty for it.
  excerpt: p?.excerptCustom ? p.excerpt : "",
  tags: (p?.tags ?? []).map((t) => t.name).join(", "),
  cover: p?.coverHash ? { hash: p.coverHash, alt: p.coverAlt } : null,
  lang: p?.lang ?? "",
});

export class EditorState {
  /** Fixed once made: what the form offers, and where the post lives, follow from it. */
  readonly kind: Kind;
  readonly isPage: boolean;
  /** Where readers find it, before the slug. */
  readonly addressPrefix: string;
  /** The word for it in buttons and messages. */
  readonly noun: "post" | "page";
  id = $state<string>();
  version = $state(0);
  status = $state<EditablePost["status"]>("draft");
  publishedAt = $state<Date | null>(null);
  title = $state("");
  slug = $state("");
  body = $state("");
  excerpt = $state("");
  tagsText = $state("");
  cover = $state<Cover>(null);
  lang = $state("");
  /** The images being uploaded into the body, and their alt prompts. */
  readonly images: ImageUploads = new ImageUploads(this);
  /** "Email this post": mail it to subscribers when it goes live (a page only when ticked). */
  emailOnPublish = $state(true);
  /** Images without alt text that a publish found; publishing again anyway goes ahead. */
  altWarning = $state<string[]>([]);
  /** What the warned-about click was: publish now, or the schedule. */
  altWarningFor = $state<"publish" | "schedule">("publish");
  /** A new post's slug follows its title until the author edits the slug. */
  slugTouched = $state(false);
  /** The fields as the server last saved them (JSON), to tell what is unsaved. */
  saved = $state("");

  busy = $state<Busy>("");
  message = $state("");
  error = $state("");
  fieldErrors = $state<Record<string, string>>({});
  tab = $state<"write" | "preview">("write");
  previewHtml = $state("");
  previewing = $state(false);
  scheduleAt = $state("");
  suggestions = $state<string[]>([]);
  conflict = $state<{ mine: Fields; theirs: NonNullable<ReadableError["current"]> } | null>(null);
  backup = $state<(Fields & { at: number }) | null>(null);
  /** Until the island runs, a click would submit the form natively and drop what was typed. */
  ready = $state(false);
  revisionsOpen = $state(false);
  revisions = $state<RouterOutputs["post"]["revisions"]>([]);
  shown = $state<RouterOutputs["post"]["revision"] | null>(null);

  readonly effectiveSlug = $derived(this.slugTouched ? this.slug : slugify(this.title));
  readonly current = $derived<Fields>({
    title: this.title,
    slug: this.effectiveSlug,
    body: this.body,
    excerpt: this.excerpt,
    tags: this.tagsText,
    cover: this.cover,
    lang: this.lang,
  });
  readonly dirty = $derived(JSON.stringify(this.current) !== this.saved);
  readonly live = $derived(this.status === "published");
  /** Where this browser keeps the unsaved text: a new post's and a new page's apart. */
  get storageKey() {
    return `quire:editor:${this.id ?? (this.isPage ? "new-page" : "new")}`;
  }
  /** Where readers find it. */
  get liveUrl() {
    return `${this.addressPrefix}${this.slug}`;
  }

  constructor(post?: EditablePost, kind: Kind = "post") {
    this.kind = post?.kind ?? kind;
    this.isPage = this.kind === "page";
    this.emailOnPublish = !this.isPage;
    this.addressPrefix = this.isPage ? "/" : "/posts/";
    this.noun = this.isPage ? "page" : "post";
    const initial = fieldsOf(post);
    this.id = post?.id;
    this.version = post?.version ?? 0;
    this.status = post?.status ?? "draft";
    this.publishedAt = post?.publishedAt ?? null;
    this.title = initial.title;
    this.slug = initial.slug;
    this.body = initial.body;
    this.excerpt = initial.excerpt;
    this.tagsText = initial.tags;
    this.cover = initial.cover;
    this.lang = initial.lang;
    this.slugTouched = Boolean(post);
    this.saved = JSON.stringify(initial);

    // Unsaved text lives in this browser too, so a closed tab or a failed request loses nothing.
    $effect(() => {
      const raw = localStorage.getItem(this.storageKey);
      if (!raw) return;
      try {
        const stored = JSON.parse(raw) as Fields & { at: number };
        const { at: _, ...fields } = stored;
        if (JSON.stringify(fields) !== this.saved) this.backup = stored;
      } catch {
        localStorage.removeItem(this.storageKey);
      }
    });
    $effect(() => {
      const snapshot = JSON.stringify({ ...this.current, at: Date.now() });
      if (!this.dirty || this.backup) return;
      const timer = setTimeout(() => localStorage.setItem(this.storageKey, snapshot), 250);
      return () => clearTimeout(timer);
    });

    // Drafts save themselves a moment after typing stops; a live post waits for Save.
    $effect(() => {
      const snapshot = JSON.stringify(this.current);
      if (!this.dirty || this.live || this.status === "scheduled" || this.conflict || this.backup || this.busy || !this.title.trim())
        return;
      const timer = setTimeout(async () => {
        if (JSON.stringify(this.current) !== snapshot) return;
        this.busy = "autosave";
        await this.persist(true);
        this.busy = "";
      }, AUTOSAVE_MS);
      return () => clearTimeout(timer);
    });

    $effect(() => {
      // A page has no tags to suggest.
      if (!this.isPage)
        api.tag.names.query().then(
          (tags) => (this.suggestions = tags.map((t) => t.name)),
          () => {},
        );
      const guard = (e: BeforeUnloadEvent) => {
        if (this.dirty) e.preventDefault();
      };
      window.addEventListener("beforeunload", guard);
      return () => window.removeEventListener("beforeunload", guard);
    });
  }

  tagList(): string[] {
    if (this.isPage) return [];
    return this.tagsText
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
  }

  editSlug(value: string) {
    this.slugTouched = true;
    this.slug = value;
  }

  fail(e: unknown) {
    const readable = readError(e);
    this.error = readable.message;
    this.fieldErrors = readable.fields;
    this.message = "";
    if (readable.code === "CONFLICT" && readable.current) {
      this.conflict = { mine: { ...this.current }, theirs: readable.current };
    }
  }

  /**
   * Takes the server's copy as the saved state. The fields show it too, unless the author
   * typed on while the request was out (`sent` differs): then their newer text stays, dirty.
   */
  applySaved(p: EditablePost, sent?: string) {
    this.id = p.id;
    this.version = p.version;
    this.status = p.status;
    this.publishedAt = p.publishedAt;
    const server = fieldsOf(p);
    if (sent === undefined || sent === JSON.stringify(this.current)) {
      this.title = server.title;
      this.slug = server.slug;
      this.slugTouched = true;
      this.body = server.body;
      this.excerpt = server.excerpt;
      this.tagsText = server.tags;
      this.cover = server.cover;
      this.lang = server.lang;
    }
    this.saved = JSON.stringify(server);
  }

  async persist(quiet = false): Promise<boolean> {
    if (!quiet) {
      this.error = "";
      this.fieldErrors = {};
    }
    const sent = JSON.stringify(this.current);
    const newKey = this.storageKey;
    try {
      const fields = { title: this.title, body: this.body, excerpt: this.excerpt, tags: this.tagList(), lang: this.lang };
      const result = this.id
        ? await api.post.update.mutate({ id: this.id, version: this.version, ...fields, slug: this.effectiveSlug, cover: this.cover })
        : await api.post.create.mutate({ ...fields, slug: this.effectiveSlug || undefined, kind: this.kind });
      const wasNew = !this.id;
      this.applySaved(result, sent);
      if (wasNew) {
        localStorage.removeItem(newKey);
        history.replaceState(null, "", `/dashboard/posts/${result.id}`);
      }
      if (!this.dirty) localStorage.removeItem(this.storageKey);
      this.error = "";
      this.fieldErrors = {};
      this.message = `Saved at ${timeNow()}`;
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  async save(event?: SubmitEvent) {
    event?.preventDefault();
    this.busy = "save";
    await this.persist();
    this.busy = "";
  }

  async publish(at?: Date, anyway = false) {
    const missing = this.images.missingAlt();
    this.altWarning = anyway ? [] : missing;
    this.altWarningFor = at ? "schedule" : "publish";
    if (missing.length && !anyway) return;
    this.busy = at ? "schedule" : "publish";
    try {
      if ((this.dirty || !this.id) && !(await this.persist())) return;
      const result = await api.post.publish.mutate({ id: this.id!, at, email: this.emailOnPublish });
      this.applySaved(result);
      this.message =
        result.status === "scheduled" ? `Scheduled for ${result.publishedAt?.toLocaleString()}.` : "Published. Readers see it now.";
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = "";
    }
  }

  schedule(anyway = false) {
    const at = momentOf(this.scheduleAt);
    if (!at || Number.isNaN(at.getTime())) {
      this.fieldErrors = { ...this.fieldErrors, schedule: "Pick a date and time" };
      return;
    }
    if (at.getTime() <= Date.now()) {
      this.fieldErrors = { ...this.fieldErrors, schedule: "Pick a moment in the future, or use Publish now" };
      return;
    }
    const { schedule: _, ...rest } = this.fieldErrors;
    this.fieldErrors = rest;
    return this.publish(at, anyway);
  }

  async unpublish() {
    this.busy = "unpublish";
    try {
      if (this.dirty && !(await this.persist())) return;
      this.applySaved(await api.post.unpublish.mutate({ id: this.id! }));
      this.message = this.isPage ? "Unpublished: only editors can see it." : "Unpublished: only you can see it.";
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = "";
    }
  }

  async remove() {
    if (!this.id || !confirm(`Delete “${this.title || "Untitled"}” for good? This cannot be undone.`)) return;
    this.busy = "delete";
    try {
      await api.post.delete.mutate({ id: this.id });
      localStorage.removeItem(this.storageKey);
      window.location.assign(this.isPage ? "/dashboard/pages?deleted=1" : "/dashboard?deleted=1");
    } catch (e) {
      this.fail(e);
      this.busy = "";
    }
  }

  async showPreview() {
    this.tab = "preview";
    this.previewing = true;
    try {
      this.previewHtml = (await api.post.preview.mutate({ body: this.body })).html;
    } catch (e) {
      this.fail(e);
    } finally {
      this.previewing = false;
    }
  }

  // Conflict: the server has a newer copy. Both texts stay on screen until the author picks.
  keepMine() {
    if (!this.conflict) return;
    this.version = this.conflict.theirs.version;
    this.conflict = null;
    return this.save();
  }
  takeTheirs() {
    if (!this.conflict) return;
    this.applySaved(this.conflict.theirs);
    this.conflict = null;
    this.error = "";
    this.message = "Loaded the saved copy. Your text is kept in the revisions.";
  }
  mergeByHand() {
    if (!this.conflict) return;
    const { mine, theirs } = this.conflict;
    this.version = theirs.version;
    this.body = `${theirs.body}\n\n<!-- Your version, not saved yet: merge it above, then delete from here down -->\n\n${mine.body}`;
    this.conflict = null;
    this.error = "";
    this.message = "Both texts are in the body now: merge them, then save.";
    this.tab = "write";
  }

  async openRevisions() {
    this.revisionsOpen = !this.revisionsOpen;
    if (this.revisionsOpen && this.id) {
      try {
        this.revisions = await api.post.revisions.query({ id: this.id });
      } catch (e) {
        this.fail(e);
      }
    }
  }
  async showRevision(revisionId: string) {
    try {
      this.shown = await api.post.revision.query({ id: revisionId });
    } catch (e) {
      this.fail(e);
    }
  }
  async restore() {
    if (!this.shown || !this.id) return;
    this.busy = "restore";
    try {
      this.applySaved(await api.post.restore.mutate({ revisionId: this.shown.id, version: this.version }));
      this.message = `Restored version ${this.shown.version} as a new revision.`;
      this.shown = null;
      this.revisions = await api.post.revisions.query({ id: this.id });
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = "";
    }
  }

  restoreBackup() {
    if (!this.backup) return;
    this.title = this.backup.title;
    this.body = this.backup.body;
    this.excerpt = this.backup.excerpt;
    this.tagsText = this.backup.tags;
    this.cover = this.backup.cover ?? null;
    // A copy kept before posts had a language has none: the saved one stays.
    this.lang = this.backup.lang ?? this.lang;
    if (this.backup.slug) this.editSlug(this.backup.slug);
    this.backup = null;
    this.message = "Restored your unsaved text.";
  }
  discardBackup() {
    localStorage.removeItem(this.storageKey);
    this.backup = null;
  }
}
