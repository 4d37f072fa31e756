// Demo content for a first run: one author, a few published posts and an About page.
import { count, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import type { Auth } from "../src/auth.ts";
import { renderMarkdown } from "../src/lib/markdown.ts";
import type { Db } from "./client.ts";
import { Post, PostTag, Revision, Tag, user } from "./schema.ts";
import { slugify } from "../src/lib/slug.ts";

export const DEMO_AUTHOR = {
  name: "Ada Demo",
  email: "demo@quire.local",
  password: "quire-demo-password",
};

const POSTS = [
  {
    slug: "welcome-to-quire",
    title: "Welcome to Quire",
    tags: ["Quire", "Getting started"],
    body: `Quire serves every page as fast as a static file, and still shows a new post the moment you publish it.

## How it works

Reader pages are rendered once and kept in the server's route cache. Each page carries **tags** for what it shows, and every write names the tags it changes, so the right pages are dropped and rendered again on the next visit.

- No rebuilds, no webhooks.
- No JavaScript on reader pages.
- Drafts stay private until you publish.

Sign in as the demo author and open **Write** to try it.`,
  },
  {
    slug: "markdown-with-highlighted-code",
    title: "Markdown, with highlighted code",
    tags: ["Quire", "Markdown"],
    body: `Posts are written in Markdown and rendered on the server, code included:

\`\`\`ts
export function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}
\`\`\`

> Raw HTML is not allowed in posts, and links can only go to http, https or mailto addresses.

| Feature | Where |
| --- | --- |
| Tables | GitHub-flavoured Markdown |
| Highlighting | On the server, no client JS |`,
  },
  {
    slug: "writing-in-place",
    title: "Writing in place",
    tags: ["Writing"],
    body: `The editor is a small island that talks to a typed API. It saves drafts, previews with the same pipeline readers see, and keeps your text when a save fails.

Publishing, unpublishing and deleting take effect on the very next request.`,
  },
];

/** A page of the site's own, at /about: in no list, in the sitemap and search. */
const ABOUT = {
  slug: "about",
  title: "About",
  body: `This is a demo of **Quire**, a publishing site: posts, tags, comments, and pages like this one.

A page lives at its own address, with no date and no tags, and stays out of the lists of posts and the feeds. Editors and admins write pages in the same editor as posts, under **Pages** in the dashboard.`,
};

/** Seeds only an empty database; returns whether it did. */
export async function seedDemo(db: Db, auth: Auth): Promise<boolean> {
  const [{ n }] = await db.db.select({ n: count() }).from(user);
  if (n > 0) return false;
  const { user: author } = await auth.api.signUpEmail({ body: DEMO_AUTHOR });
  await db.write(async (d) => {
    await d.update(user).set({ role: "admin", emailVerified: true }).where(eq(user.id, author.id));
  });
  const start = Date.now() - POSTS.length * 86_400_000;
  const rows = await Promise.all(
    POSTS.map(async (p, i) => {
      const rendered = await renderMarkdown(p.body);
      const at = new Date(start + i * 86_400_000);
      const { tags: _, ...fields } = p;
      return {
        id: randomUUID(),
        ...fields,
        kind: "post" as const,
        html: rendered.html,
        excerpt: rendered.excerpt,
        status: "published" as const,
        publishedAt: at,
        createdAt: at,
        updatedAt: at,
        authorId: author.id,
      };
    }),
  );
  const aboutHtml = await renderMarkdown(ABOUT.body);
  const about = {
    id: randomUUID(),
    ...ABOUT,
    kind: "page" as const,
    html: aboutHtml.html,
    excerpt: aboutHtml.excerpt,
    status: "published" as const,
    publishedAt: new Date(start),
    createdAt: new Date(start),
    updatedAt: new Date(start),
    authorId: author.id,
  };
  // Seeded posts start their history like any saved post: with a first revision.
  const revisions = [...rows, about].map((p) => ({
    id: randomUUID(),
    postId: p.id,
    version: 1,
    title: p.title,
    body: p.body,
    tags: POSTS.find((q) => q.slug === p.slug)?.tags ?? [],
    authorId: author.id,
    createdAt: p.createdAt,
  }));
  const names = [...new Set(POSTS.flatMap((p) => p.tags))];
  const tags = names.map((name) => ({ id: randomUUID(), slug: slugify(name), name }));
  const links = rows.flatMap((p) =>
    POSTS.find((q) => q.slug === p.slug)!.tags.map((name) => ({ postId: p.id, tagId: tags.find((t) => t.name === name)!.id })),
  );
  await db.write((d) =>
    d.batch([
      d.insert(Post).values([...rows, about]),
      d.insert(Revision).values(revisions),
      d.insert(Tag).values(tags),
      d.insert(PostTag).values(links),
    ]),
  );
  return true;
}
