// Titles, tags and searches in any script: real addresses (the same rule in the editor, the
// router and tag pages, with purges that can travel in a header) and search that finds words
// in scripts with and without spaces.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheTags } from "../../src/lib/cache-tags.ts";
import { isSlug, SLUG_MAX, slugify } from "../../src/lib/slug.ts";
import { postPage, searchPage, tagPage } from "../../src/server/reader.ts";
import { createBackend, type Backend } from "./harness.ts";

describe("slugify", () => {
  it.each([
    ["Ünïcode & Friends!", "unicode-friends"],
    ["Crème brûlée, façon Grand-mère", "creme-brulee-facon-grand-mere"],
    ["Привет, мир: йогурт", "привет-мир-йогурт"],
    ["Καλημέρα Κόσμε", "καλημέρα-κόσμε"],
    ["مرحبا بالعالم", "مرحبا-بالعالم"],
    ["東京の天気 2026", "東京の天気-2026"],
    ["नमस्ते दुनिया", "नमस्ते-दुनिया"],
    ["שלום עולם", "שלום-עולם"],
    ["İstanbul ŞEHRİ", "istanbul-sehri"],
    ["👾 🙇 <>", ""],
    ["Ω≈ç√∫˜µ≤≥÷", "ω-c-μ"],
    ["˜ ̃ ̈", ""],
  ])("%j → %j", (title, slug) => {
    expect(slugify(title)).toBe(slug);
    if (slug) expect(isSlug(slug)).toBe(true);
  });

  it("gives one slug for a title however its accents were typed (composed or not)", () => {
    expect(slugify("Ka\u0301lo\u0301s κόσμος".normalize("NFD"))).toBe(slugify("Kálós κόσμος".normalize("NFC")));
    expect(slugify("Ёлка".normalize("NFD"))).toBe("ёлка");
  });

  it("cuts at SLUG_MAX characters, never inside one", () => {
    const long = slugify("漢".repeat(100) + "𠀋".repeat(100));
    expect(Array.from(long)).toHaveLength(SLUG_MAX);
    expect(long.isWellFormed()).toBe(true);
    expect(Array.from(slugify("𠀋".repeat(100)))).toHaveLength(SLUG_MAX);
  });

  it("accepts only lower-case, composed slugs", () => {
    expect(isSlug("Привет")).toBe(false);
    expect(isSlug("cafe\u0301")).toBe(false);
    expect(isSlug("café")).toBe(true);
    expect(isSlug("a--b")).toBe(false);
    expect(isSlug("a b")).toBe(false);
  });

  it("names a tag in a header-safe way whatever its script", () => {
    const tag = cacheTags.tag("東京");
    expect(tag).toMatch(/^[\x21-\x7e]+$/);
    expect(() => new Headers({ "cache-tag": tag })).not.toThrow();
    expect(cacheTags.tag("web-dev")).toBe("tag:web-dev");
  });
});

describe("posts and tags in every script", () => {
  let b: Backend;
  beforeEach(async () => {
    b = await createBackend();
    b.mount();
  });
  afterEach(() => b.close());

  it("publishes each under its own address, on its tag page, and answers its address as typed", async () => {
    const { caller } = await b.signUp("Polyglot");
    const posts = [
      { title: "Привет, мир", tag: "Новости", slug: "привет-мир", tagSlug: "новости" },
      { title: "Καλημέρα κόσμε", tag: "Ειδήσεις", slug: "καλημέρα-κόσμε", tagSlug: "ειδήσεις" },
      { title: "مرحبا بالعالم", tag: "أخبار", slug: "مرحبا-بالعالم", tagSlug: "أخبار" },
      { title: "東京の天気", tag: "天気", slug: "東京の天気", tagSlug: "天気" },
    ];
    for (const p of posts) {
      const draft = await caller.post.create({ title: p.title, body: `${p.title}.`, tags: [p.tag] });
      expect(draft.slug).toBe(p.slug);
      await caller.post.publish({ id: draft.id });
      const page = await postPage(p.slug);
      expect(page?.post.title).toBe(p.title);
      // As a browser might send it, decomposed.
      expect((await postPage(p.slug.normalize("NFD")))?.post.title).toBe(p.title);
      const tagged = await tagPage(p.tagSlug, undefined);
      expect(tagged?.page.items.map((i) => i.title)).toEqual([p.title]);
      expect(tagged?.cache.tags).toContain(cacheTags.tag(p.tagSlug));
    }
    // The same title again counts up.
    expect((await caller.post.create({ title: "Привет, мир!" })).slug).toBe("привет-мир-2");
    // A typed slug in another script is taken as it is, one in upper case is refused clearly.
    expect((await caller.post.create({ title: "x", slug: "ψ-και-ω" })).slug).toBe("ψ-και-ω");
    await expect(caller.post.create({ title: "x", slug: "Ψ-και-ω" })).rejects.toThrow(/lowercase letters/);
    // The search page finds the published Russian post by a word of its title, not the draft.
    const searched = await searchPage("мир", undefined);
    expect(searched.results?.items.map((i) => i.title)).toEqual(["Привет, мир"]);
  });

  it("refuses a tag with no letter or digit of any script, and takes one in any script", async () => {
    const { caller } = await b.signUp("Tagger");
    await expect(caller.post.create({ title: "t", tags: ["🙂🙂"] })).rejects.toThrow(/at least one letter or digit/);
    const post = await caller.post.create({ title: "t", tags: ["日本語", "Ελληνικά"] });
    expect(post.tags.map((t: { slug: string }) => t.slug).sort()).toEqual(["ελληνικά", "日本語"].sort());
  });
});

describe("search in every script", () => {
  let b: Backend;
  beforeEach(async () => {
    b = await createBackend();
  });
  afterEach(() => b.close());

  it("finds words with and without their accents, in Cyrillic, Greek and Arabic, and inside runs of Chinese, Japanese and Korean", async () => {
    const { caller } = await b.signUp("Polyglot Searcher");
    const bodies = {
      french: "Une crème brûlée pour le dessert.",
      russian: "Сегодня хорошая погода в Москве.",
      greek: "Η θάλασσα είναι ήρεμη σήμερα.",
      arabic: "الطقس جميل في القاهرة اليوم.",
      japanese: "東京の天気は晴れです。明日は雨でしょう。",
      chinese: "今天北京的天气很好，我们去公园散步。",
      korean: "오늘 서울의날씨는 맑습니다.",
    };
    const ids: Record<string, string> = {};
    for (const [name, body] of Object.entries(bodies)) {
      const post = await caller.post.create({ title: `Post ${name}`, body });
      await caller.post.publish({ id: post.id });
      ids[name] = post.id;
    }
    const draft = await caller.post.create({ title: "Draft", body: "東京の天気 draft only" });
    const anon = await b.anonymous();
    const found = async (q: string) => (await anon.post.search({ q })).items.map((i) => i.id);

    expect(await found("creme brulee")).toEqual([ids.french]);
    expect(await found("crème")).toEqual([ids.french]);
    expect(await found("погода")).toEqual([ids.russian]);
    expect(await found("θάλασσα")).toEqual([ids.greek]);
    expect(await found("القاهرة")).toEqual([ids.arabic]);
    // Two characters (LIKE), three or more (the trigram index), and both at once.
    expect(await found("天気")).toEqual([ids.japanese]);
    expect(await found("晴れです")).toEqual([ids.japanese]);
    expect(await found("東京 雨")).toEqual([ids.japanese]);
    expect(await found("天气")).toEqual([ids.chinese]);
    expect(await found("公园散步")).toEqual([ids.chinese]);
    expect(await found("날씨")).toEqual([ids.korean]);
    // Halfwidth katakana typed as stored, or typed halfwidth for fullwidth text.
    const halfwidth = await caller.post.create({ title: "Halfwidth", body: "ｶﾀｶﾅ ｨ" });
    await caller.post.publish({ id: halfwidth.id });
    expect(await found("ｨ")).toEqual([halfwidth.id]);
    expect(await found("ｨｨ ｶﾀｶﾅ")).toEqual([]);
    expect(await found("ﾃﾝｷ")).toEqual([]);
    expect(await found("晴れ")).toEqual([ids.japanese]);
    expect(await found("ｶﾀｶﾅ")).toEqual([halfwidth.id]);
    expect(await found("天気 北京")).toEqual([]);
    expect(await found("100%_天")).toEqual([]);
    expect(await found("東京")).not.toContain(draft.id);

    const [hit] = (await anon.post.search({ q: "天気" })).items;
    expect(hit!.snippetMarked.filter((p) => p.match).map((p) => p.text)).toEqual(["天気"]);
    expect(hit!.snippetMarked.map((p) => p.text).join("")).toContain("東京の天気は晴れ");
  });
});
