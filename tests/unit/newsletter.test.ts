// Newsletters end to end in one process: the no-JavaScript form over real HTTP, the
// confirmation mail through a real SMTP server, publishing through the post router, and
// what arrived, parsed with mailparser.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Delivery, Subscriber, user } from "../../db/schema.ts";
import { newsletterSite, SITE, type NewsletterSite } from "./newsletter-fixture.ts";
import type { createCaller } from "../../src/server/root.ts";
import type { ParsedMail } from "mailparser";
import { mailHtml } from "../../src/jobs/newsletter-mail.ts";

let site: NewsletterSite;
let author: ReturnType<typeof createCaller>;
let n = 0;
const address = (name: string) => `${name}.${++n}@readers.test`;

beforeAll(async () => {
  site = await newsletterSite();
  ({ caller: author } = await site.b.signUp("Ada Writer", "author"));
});
afterAll(() => site.close());
beforeEach(() => {
  site.sink.refuse = () => null;
});

async function publish(title: string, options: { tags?: string[]; email?: boolean; body?: string } = {}) {
  const post = await author.post.create({ title, body: options.body ?? `Words for ${title}.`, tags: options.tags });
  await author.post.publish({ id: post.id, ...(options.email === undefined ? {} : { email: options.email }) });
  await site.settle();
  return post;
}

/** A header as it was sent (mailparser folds the List-* ones into an object of its own). */
const header = (mail: ParsedMail, name: string) =>
  mail.headerLines
    .find((h) => h.key === name)
    ?.line.replace(/^[^:]+:\s*/, "")
    .replace(/\r?\n\s+/g, "");

const subjectsTo = async (email: string) => (await site.sink.mailTo(email)).map((m) => m.subject);

describe("subscribing", () => {
  it("answers every address alike, mails one confirmation an hour, and sends nothing before it is confirmed", async () => {
    const email = address("careful");
    const first = await site.subscribe(email);
    const again = await site.subscribe(email.toUpperCase());
    const stranger = await site.subscribe(address("stranger"));
    for (const answer of [first, again, stranger]) {
      expect(answer.status).toBe(303);
      expect(answer.headers.get("location")).toBe("/newsletter/check-inbox");
    }
    await site.settle();
    const confirmations = await site.sink.mailTo(email);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.text).toContain(`${SITE}/api/newsletter/confirm?`);

    await publish("Before confirming");
    expect(await subjectsTo(email)).not.toContain("Before confirming");
  });

  it("refuses a cross-site form, a bad address with the field and reason, and a forged link", async () => {
    const foreign = await site.send("POST", "/api/newsletter/subscribe", "email=a%40b.test", { origin: "https://evil.test" });
    expect(foreign.status).toBe(403);
    const bad = await site.send("POST", "/api/newsletter/subscribe", "email=not-an-address");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("email: Enter an email address");
    const forged = await site.send("GET", `/api/newsletter/confirm?email=x%40y.test&tags=*&at=${Date.now()}&sig=forged`);
    expect(forged.status).toBe(400);
    expect(await site.b.db.db.select().from(Subscriber).where(eq(Subscriber.email, "x@y.test"))).toEqual([]);
  });

  it("limits how often one client may submit the form", async () => {
    const limited = await newsletterSite({ AUTH_RATE_LIMIT: "3" });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.subscribe(`r${i}@limit.test`)).status);
      expect(statuses).toEqual([303, 303, 303, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe("sending", () => {
  it("mails a published post once to each confirmed subscriber, with both parts and one-click unsubscribe", async () => {
    const ann = address("ann");
    const bob = address("bob");
    await site.subscribeConfirmed(ann);
    await site.subscribeConfirmed(bob);
    await publish("Hello, readers", { body: "First paragraph with [a link](/posts/elsewhere).\n\n## A heading\n\nMore." });

    for (const who of [ann, bob]) {
      const mails = (await site.sink.mailTo(who)).filter((m) => m.subject === "Hello, readers");
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.from?.value[0]).toEqual({ name: "Ada Writer · Quire", address: "news@quire.test" });
      expect(mail.text).toContain(`${SITE}/posts/elsewhere`);
      expect(mail.html).toContain(`href="${SITE}/posts/elsewhere"`);
      expect(mail.html).toContain(`${SITE}/posts/hello-readers`);
      expect(mail.html).not.toMatch(/<script/i);
      expect(mail.html).toContain('style="');
      expect(mail.html).toContain("prefers-color-scheme: dark");
      expect(header(mail, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      expect(header(mail, "list-unsubscribe")).toMatch(new RegExp(`^<${SITE}/api/newsletter/unsubscribe\\?token=[\\w-]{32,}>$`));
    }

    // The mail program's one-click POST: no Origin, no confirmation.
    const [annMail] = await site.sink.mailTo(ann).then((m) => m.filter((x) => x.subject === "Hello, readers"));
    const oneClick = header(annMail!, "list-unsubscribe")!.slice(1, -1);
    const answer = await fetch(site.local(oneClick), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(answer.status).toBe(200);

    await publish("After Ann left");
    expect(await subjectsTo(ann)).not.toContain("After Ann left");
    expect(await subjectsTo(bob)).toContain("After Ann left");
  });

  it("sends tag subscribers only the posts with their tags", async () => {
    const rustacean = address("rust");
    // A tag page offers the form, so its tag exists by then.
    await author.post.create({ title: "Draft about rust", tags: ["rust"] });
    await site.subscribeConfirmed(rustacean, ["rust"]);
    await publish("Borrowing explained", { tags: ["rust"] });
    await publish("Goroutines", { tags: ["go"] });
    const got = await subjectsTo(rustacean);
    expect(got).toContain("Borrowing explained");
    expect(got).not.toContain("Goroutines");
  });

  it("sends nothing when the author unticks “email this post”, and never again after an edit", async () => {
    const reader = address("edit");
    await site.subscribeConfirmed(reader);
    await publish("Quiet post", { email: false });
    const post = await publish("Sent once");
    const again = await author.post.update({ id: post.id, version: (await author.post.byId({ id: post.id })).version, body: "Edited." });
    await author.post.publish({ id: again.id });
    await site.settle();
    const got = await subjectsTo(reader);
    expect(got).not.toContain("Quiet post");
    expect(got.filter((s) => s === "Sent once")).toHaveLength(1);
  });

  it("stops what is not yet sent when the post is unpublished", async () => {
    const readers = [address("u1"), address("u2"), address("u3")];
    for (const r of readers) await site.subscribeConfirmed(r);
    const post = await author.post.create({ title: "Withdrawn", body: "Oops." });
    await author.post.publish({ id: post.id });
    while (await site.runner.runOnce()); // the fan-out, and no sending yet
    await author.post.unpublish({ id: post.id });
    await site.settle();
    for (const r of readers) expect(await subjectsTo(r)).not.toContain("Withdrawn");
    const progress = await author.newsletter.progress({ postId: post.id });
    expect(progress).toMatchObject({ status: "stopped", sent: 0, queued: 0 });
    expect(progress!.stopped).toBeGreaterThanOrEqual(readers.length);
  });

  it("sends a scheduled post when its time comes, not before", async () => {
    const reader = address("sched");
    await site.subscribeConfirmed(reader);
    const post = await author.post.create({ title: "Later on", body: "Soon." });
    await author.post.publish({ id: post.id, at: new Date(Date.now() + 400) });
    await site.settle();
    expect(await subjectsTo(reader)).not.toContain("Later on");
    await new Promise((r) => setTimeout(r, 450));
    await site.settle();
    expect(await subjectsTo(reader)).toContain("Later on");
  });
});

describe("SMTP failures", () => {
  it("retries a 421 until the server accepts, delivering each mail once", async () => {
    const readers = [address("t1"), address("t2")];
    for (const r of readers) await site.subscribeConfirmed(r);
    let refusals = 0;
    site.sink.refuse = (to) => (readers.includes(to) && refusals++ < 6 ? { code: 421, message: "Try again later" } : null);
    await publish("Through the storm");
    expect(refusals).toBeGreaterThanOrEqual(6);
    for (const r of readers) expect((await subjectsTo(r)).filter((s) => s === "Through the storm")).toHaveLength(1);
  });

  it("marks an address refused with 550 as bouncing and never tries it again", async () => {
    const gone = address("gone");
    await site.subscribeConfirmed(gone);
    site.sink.refuse = (to) => (to === gone ? { code: 550, message: "No such user" } : null);
    const post = await publish("Into the void");
    expect(site.sink.tried.filter((t) => t === gone)).toHaveLength(2); // the confirmation, then this post once
    const [row] = await site.b.db.db.select().from(Subscriber).where(eq(Subscriber.email, gone));
    expect(row).toMatchObject({ status: "bouncing" });
    expect(row!.error).toContain("550");
    const [delivery] = await site.b.db.db.select().from(Delivery).where(eq(Delivery.subscriberId, row!.id));
    expect(delivery).toMatchObject({ status: "bounced", attempts: 1 });
    expect(await author.newsletter.progress({ postId: post.id })).toMatchObject({ bounced: 1 });

    await publish("Still no one there");
    expect(site.sink.tried.filter((t) => t === gone)).toHaveLength(2);
  });
});

describe("accounts and admins", () => {
  it("subscribes an account's address: through the mail while unverified, at once when verified", async () => {
    const { caller, userId, cookie } = await site.b.signUp("Reading Account", "reader");
    const [me] = await site.b.db.db.select().from(user).where(eq(user.id, userId));
    expect(await caller.newsletter.subscribeMe({ all: true })).toEqual({ status: "pending" });
    await site.settle();
    expect((await subjectsTo(me!.email)).filter((s) => s?.includes("subscription"))).toEqual(["Confirm your subscription to Quire"]);
    expect(await caller.newsletter.mine()).toMatchObject({ status: "pending" });

    await site.b.db.db.update(user).set({ emailVerified: true }).where(eq(user.id, userId));
    const signedIn = await site.b.callerWithCookie(cookie);
    expect(await signedIn.newsletter.subscribeMe({ all: false, tags: ["rust"] })).toEqual({ status: "confirmed" });
    expect(await signedIn.newsletter.mine()).toEqual({ status: "confirmed", allPosts: false, tags: ["rust"] });
    await signedIn.newsletter.unsubscribeMe();
    expect(await signedIn.newsletter.mine()).toMatchObject({ status: "unsubscribed" });
  });

  it("imports consented addresses from CSV, finds, exports and removes them", async () => {
    const { caller: admin } = await site.b.signUp("Site Admin", "admin");
    await expect(admin.newsletter.importCsv({ csv: "email\nx@y.test\n", consented: false as true })).rejects.toThrow(/consented/);
    const csv = 'name,email\nAnn,"imported.ann@csv.test"\nBob,IMPORTED.BOB@csv.test\nnobody,not-an-address\n';
    expect(await admin.newsletter.importCsv({ csv, consented: true })).toEqual({ added: 2, alreadyThere: 0, invalid: 1 });
    expect(await admin.newsletter.importCsv({ csv, consented: true })).toMatchObject({ added: 0, alreadyThere: 2 });

    const found = await admin.newsletter.subscribers({ search: "imported.", status: "confirmed" });
    expect(found.rows.map((r) => r.email).sort()).toEqual(["imported.ann@csv.test", "imported.bob@csv.test"]);
    expect(found.matching).toBe(2);
    const exported = await admin.newsletter.exportCsv();
    expect(exported.split("\n")[0]).toBe("email,status,posts,source,created_at,confirmed_at");
    expect(exported).toMatch(/^imported\.ann@csv\.test,confirmed,all,import,/m);

    await admin.newsletter.remove({ id: found.rows[0]!.id });
    expect((await admin.newsletter.subscribers({ search: "imported." })).matching).toBe(1);
    await expect(admin.newsletter.importCsv({ csv: "no addresses here", consented: true })).rejects.toThrow(/csv: No email addresses/);
  });
});

describe("the post as mail", () => {
  it("makes each picture one absolute image at the mail's width, styles inline, and drops scripts", () => {
    const hash = "a".repeat(64);
    const html = `<p>See <a href="/posts/other">this</a>.</p><picture><source type="image/webp" srcset="/media/${hash}/480.webp 480w, /media/${hash}/800.webp 800w"><img src="/media/${hash}/1200.jpg" srcset="/media/${hash}/480.jpg 480w, /media/${hash}/800.jpg 800w, /media/${hash}/1200.jpg 1200w" alt="A cat" width="1200" height="800" style="background-color:#aabbcc"></picture><script>alert(1)</script>`;
    const mail = mailHtml(html, SITE);
    expect(mail).toContain(
      `<img src="${SITE}/media/${hash}/800.jpg" alt="A cat" width="600" style="display:block;width:100%;max-width:600px`,
    );
    expect(mail).toContain(`<a href="${SITE}/posts/other" style="`);
    expect(mail).toMatch(/<p style="margin:0 0 16px">/);
    expect(mail).not.toMatch(/<picture|<source|<script|webp/);
  });
});
