// The site's settings as an admin changes them (settings.get and settings.update), what
// readers then get (menus, posts per page), and the change reaching another process.
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z, ZodError } from "zod";
import { createDb, type Db } from "../../db/client.ts";
import { Setting } from "../../db/schema.ts";
import { createStore } from "../../src/cache/store.ts";
import { processImage } from "../../src/media/pipeline.ts";
import { siteInvalidation } from "../../src/runtime.ts";
import { resolveMenus } from "../../src/server/menus.ts";
import { recordUpload } from "../../src/server/queries/media.ts";
import { storedSettings } from "../../src/server/queries/settings.ts";
import { authorPage, homePage, tagPage } from "../../src/server/reader.ts";
import { createCaller } from "../../src/server/root.ts";
import { settingsChanged, siteSettings } from "../../src/server/settings.ts";
import { createTRPCContext } from "../../src/server/trpc.ts";
import { createBackend, type Backend } from "./harness.ts";
import { LIMITS, photo } from "./media-fixtures.ts";

type Caller = ReturnType<typeof createCaller>;

/** What the settings form shows for a refusal: the code, and each field's first message. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; fields: Record<string, string> }> {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    const fields: Record<string, string> = {};
    if (e.cause instanceof ZodError) {
      for (const [field, messages] of Object.entries(z.flattenError(e.cause).fieldErrors)) fields[field] = (messages as string[])[0]!;
    } else {
      const [, field, message] = /^(\w+): (.*)$/.exec(e.message) ?? [];
      if (field && message) fields[field] = message;
    }
    return { code: e.code, fields };
  }
  throw new Error("expected a refusal");
}

let b: Backend;
let admin: Caller;
let author: { caller: Caller; userId: string };

beforeAll(async () => {
  b = await createBackend();
  admin = (await b.signUp("Ada Admin", null)).caller;
  author = await b.signUp("Olive Author", "author");
});
afterAll(() => b.close());
afterEach(async () => {
  // Each test starts from the defaults.
  await b.db.db.delete(Setting);
  settingsChanged(b.db.db);
  b.purged.length = 0;
});

async function published(title: string, tags: string[] = []) {
  const post = await author.caller.post.create({ title, tags });
  return author.caller.post.publish({ id: post.id });
}

/** A page (About, Contact), which admins and editors write. */
async function page(title: string, publish: boolean) {
  const draft = await admin.post.create({ title, kind: "page" });
  if (publish) await admin.post.publish({ id: draft.id });
  return draft;
}

describe("settings.update", () => {
  it("saves what it is given, keeps the rest, and purges every page", async () => {
    b.purged.length = 0;
    const answer = await admin.settings.update({
      title: "  The Garden Gazette ",
      postsPerPage: 5,
      timezone: "europe/berlin",
      language: "de",
    });
    expect(answer.settings).toMatchObject({
      title: "The Garden Gazette",
      postsPerPage: 5,
      timezone: "Europe/Berlin",
      language: "de",
      comments: "on",
      accent: "#9a3412",
    });
    expect(b.purged).toEqual([["site"]]);
    expect(await siteSettings(b.db.db)).toMatchObject({ title: "The Garden Gazette", postsPerPage: 5 });
    expect((await admin.settings.get()).settings.title).toBe("The Garden Gazette");
  });

  it("refuses bad input naming each field and why, and saves none of it", async () => {
    b.purged.length = 0;
    const refused = await refusal(
      admin.settings.update({
        title: "Saved only with the rest",
        description: "",
        postsPerPage: 0,
        accent: "#ffcc00",
        timezone: "Mars/Olympus",
        headerMenu: [{ type: "url", url: "javascript:alert(1)", label: "Bad" }],
      }),
    );
    expect(refused).toEqual({
      code: "BAD_REQUEST",
      fields: {
        description: "Describe the site in a sentence",
        postsPerPage: "Show at least 1 post a page",
        accent: "As link text #ffcc00 has a contrast of 1.47:1 on the page background, under the 4.5:1 readers need: pick a darker colour",
        timezone: "Pick a time zone such as Europe/Berlin",
        headerMenu: "Use an address starting with https:// or /",
      },
    });
    expect((await siteSettings(b.db.db)).title).toBe("Quire");
    expect(await b.db.db.select().from(Setting)).toEqual([]);
    expect(b.purged).toEqual([]);
  });

  it("refuses settings it does not know and a label a link needs", async () => {
    expect(await refusal(admin.settings.update({ colour: "red" } as never))).toMatchObject({ code: "BAD_REQUEST" });
    expect((await refusal(admin.settings.update({ footerMenu: [{ type: "url", url: "/about", label: " " }] }))).fields).toEqual({
      footerMenu: "Give the link a label",
    });
  });

  it("refuses an image that is not in the media library and a page that does not exist, saving nothing", async () => {
    const missing = "a".repeat(64);
    expect(await refusal(admin.settings.update({ title: "Not this either", logo: missing }))).toEqual({
      code: "BAD_REQUEST",
      fields: { logo: "No uploaded image has that hash; pick one from the media library" },
    });
    const post = await published("A post, not a page");
    expect(await refusal(admin.settings.update({ headerMenu: [{ type: "page", id: post.id, label: "" }] }))).toEqual({
      code: "BAD_REQUEST",
      fields: { headerMenu: `No page has the id ${post.id}; pick one from the list` },
    });
    expect((await siteSettings(b.db.db)).title).toBe("Quire");
  });

  it("shows the chosen images' previews, and clears one with null", async () => {
    const image = await processImage(await photo(640, 480), LIMITS);
    await recordUpload(b.db.write, image, { userId: author.userId, fileName: "logo.jpg", bytes: 1 });
    const { images } = await admin.settings.update({ logo: image.hash, socialImage: image.hash });
    expect(images.logo).toEqual({ hash: image.hash, src: `/media/${image.hash}/480.webp`, width: 480, height: 360 });
    expect(images.socialImage?.hash).toBe(image.hash);
    expect(images.icon).toBeNull();
    expect((await admin.settings.update({ logo: null })).images.logo).toBeNull();
    // Stored as a value of its own (JSON null), not left to a default.
    expect(await storedSettings(b.db.db)).toMatchObject({ logo: null, socialImage: image.hash });
  });
});

describe("the settings' images in the media library", () => {
  it("say where the site uses them, and cannot be deleted until the settings let go of them", async () => {
    const image = await processImage(await photo(300, 300), LIMITS);
    await recordUpload(b.db.write, image, { userId: author.userId, fileName: "icon.png", bytes: 1 });
    await admin.settings.update({ icon: image.hash, socialImage: image.hash });
    const listed = (await author.caller.media.list()).find((i) => i.hash === image.hash)!;
    expect(listed.usage.site).toEqual(["icon", "social image"]);
    expect(await refusal(author.caller.media.delete({ hash: image.hash }))).toMatchObject({ code: "CONFLICT" });
    await expect(author.caller.media.delete({ hash: image.hash })).rejects.toThrow(
      "This image is in use by the site's icon, the site's social image: remove it there first.",
    );
    await admin.settings.update({ icon: null, socialImage: null });
    expect((await author.caller.media.usage({ hash: image.hash })).site).toEqual([]);
    expect(await author.caller.media.delete({ hash: image.hash })).toEqual({ hash: image.hash, removed: "image" });
  });
});

describe("menus as readers see them", () => {
  it("link each item to its page, post, tag or address, leaving out what is not public", async () => {
    const about = await page("About us", true);
    const soon = await page("Coming soon", false);
    const post = await published("Our first harvest", ["Harvest"]);
    const draft = await author.caller.post.create({ title: "Unfinished" });
    await admin.settings.update({
      headerMenu: [
        { type: "home", label: "" },
        { type: "page", id: about.id, label: "" },
        { type: "page", id: soon.id, label: "Soon" },
        { type: "post", id: post.id, label: "The harvest" },
        { type: "post", id: draft.id, label: "" },
        { type: "tag", slug: "harvest", label: "" },
        { type: "tag", slug: "nothing-public", label: "" },
        { type: "url", url: "https://example.com/shop", label: "Shop" },
      ],
      footerMenu: [
        { type: "feed", label: "" },
        { type: "write", label: "Contribute" },
      ],
    });
    const menus = await resolveMenus(b.db.db, await siteSettings(b.db.db));
    expect(menus.header).toEqual([
      { href: "/", label: "Read" },
      { href: "/about-us", label: "About us" },
      { href: `/posts/${post.slug}`, label: "The harvest" },
      { href: "/tags/harvest", label: "Harvest" },
      { href: "https://example.com/shop", label: "Shop" },
    ]);
    expect(menus.footer).toEqual([
      { href: "/rss.xml", label: "RSS feed" },
      { href: "/dashboard", label: "Contribute" },
    ]);
    // A page that shows the menus goes stale when what they name changes, public or not yet.
    expect(menus.tags.sort()).toEqual(
      [`post:${about.id}`, `post:${soon.id}`, `post:${post.id}`, `post:${draft.id}`, "tag:harvest", "tag:nothing-public"].sort(),
    );

    // Published, the page joins the menu.
    await admin.post.publish({ id: soon.id });
    expect((await resolveMenus(b.db.db, await siteSettings(b.db.db))).header.map((l) => l.label)).toContain("Soon");
  });

  it("cost no query for the default menus, and two at most for any", async () => {
    const defaults = await siteSettings(b.db.db);
    b.queries.length = 0;
    await resolveMenus(b.db.db, defaults);
    expect(b.queries).toEqual([]);
    const post = await published("Counted");
    const settings = {
      ...defaults,
      headerMenu: [
        { type: "post" as const, id: post.id, label: "" },
        { type: "tag" as const, slug: "a", label: "" },
        { type: "tag" as const, slug: "b", label: "" },
      ],
    };
    b.queries.length = 0;
    await resolveMenus(b.db.db, settings);
    expect(b.queries).toHaveLength(2);
  });

  it("offer the editor every page, the public posts and the tags in use", async () => {
    const draftPage = await page("Draft page", false);
    const post = await published("Listed post", ["Listed"]);
    const hidden = await author.caller.post.create({ title: "Draft post" });
    const targets = await admin.settings.menuTargets();
    expect(targets.pages.find((p) => p.id === draftPage.id)).toMatchObject({ title: "Draft page", status: "draft", kind: "page" });
    expect(targets.posts.find((p) => p.id === post.id)).toMatchObject({ title: "Listed post", status: "published" });
    expect(targets.posts.find((p) => p.id === hidden.id)).toBeUndefined();
    expect(targets.tags.map((t) => t.slug)).toContain("listed");
  });
});

describe("posts per page", () => {
  it("is how many posts the home, tag and author pages list", async () => {
    for (let i = 0; i < 4; i++) await published(`Paged ${i}`, ["paged"]);
    await admin.settings.update({ postsPerPage: 3 });
    const api = await b.anonymous();
    const home = (await homePage(undefined, api))!;
    expect(home.page.items).toHaveLength(3);
    expect(home.page.nextCursor).not.toBeNull();
    expect((await tagPage("paged", undefined, api))!.page.items).toHaveLength(3);
    expect((await authorPage(author.userId, undefined, api))!.page.items).toHaveLength(3);
    const second = (await tagPage("paged", home.page.nextCursor ?? undefined, api))!;
    expect(second.page.items.length).toBeGreaterThan(0);

    await admin.settings.update({ postsPerPage: 2 });
    expect((await tagPage("paged", undefined, api))!.page.items).toHaveLength(2);
  });
});

describe("settings in two processes on one database file", () => {
  const open: Db[] = [];
  afterAll(() => {
    for (const db of open) db.close();
  });

  it("an update through one is read by the other within a second of its polling, and its cached pages are gone", async () => {
    const fileBackend = await createBackend({ file: true });
    try {
      const { cookie } = await fileBackend.signUp("Ada Admin", null);
      const one = { store: createStore(), db: fileBackend.db };
      const oneInvalidation = siteInvalidation(one.db, one.store);
      const second = await createDb(fileBackend.config.database);
      open.push(second);
      const twoStore = createStore();
      const twoInvalidation = siteInvalidation(second, twoStore);
      await Promise.all([oneInvalidation.start(), twoInvalidation.start()]);

      expect((await siteSettings(second.db)).title).toBe("Quire");
      twoStore.set("/", { status: 200, body: new Uint8Array([1]), headers: [], tags: ["list"], maxAgeSeconds: 60 }, twoStore.generation());
      expect(twoStore.size).toBe(1);

      const caller = createCaller(
        await createTRPCContext({
          headers: new Headers({ cookie }),
          db: one.db,
          auth: fileBackend.auth,
          purge: (tags) => oneInvalidation.purge(tags),
          log: () => {},
        }),
      );
      const sent = Date.now();
      await caller.settings.update({ title: "Seen everywhere" });
      await expect.poll(async () => (await siteSettings(second.db)).title, { timeout: 1000, interval: 20 }).toBe("Seen everywhere");
      expect(Date.now() - sent).toBeLessThan(1000);
      expect(twoStore.size).toBe(0);
      await Promise.all([oneInvalidation.stop(), twoInvalidation.stop()]);
    } finally {
      fileBackend.close();
    }
  });
});
