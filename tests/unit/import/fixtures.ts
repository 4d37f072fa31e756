// Small exports written for these tests: each covers what a real one carries (see the cases
// named in each item), and each hostile one is the smallest file that shows the attack.

export const WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Lakeside Notes</title>
  <link>https://lakeside.example</link>
  <description>Notes from the lake</description>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://lakeside.example</wp:base_site_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ada]]></wp:author_login><wp:author_email><![CDATA[Ada@Lakeside.example]]></wp:author_email><wp:author_display_name><![CDATA[Ada Lovelace]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[grace]]></wp:author_login><wp:author_email><![CDATA[grace@lakeside.example]]></wp:author_email><wp:author_display_name><![CDATA[Grace Hopper]]></wp:author_display_name></wp:author>
  <item>
    <title>Boat at dawn</title>
    <link>https://lakeside.example/2020/05/boat-at-dawn/</link>
    <dc:creator><![CDATA[ada]]></dc:creator>
    <guid isPermaLink="false">https://lakeside.example/?p=19</guid>
    <content:encoded><![CDATA[<!-- wp:paragraph --><p>The <strong>boat</strong> left at <a href="https://example.org/dawn">dawn</a>.</p><!-- /wp:paragraph -->
[caption id="attachment_59" align="alignnone" width="435"]<img class="wp-image-59" src="https://lakeside.example/wp-content/uploads/2020/05/boat.jpg" alt="A boat" width="435" height="288" /> The boat, at six[/caption]
<p><a href="javascript:alert(1)">click</a> <img src="x" onerror="alert(2)"><script>alert(3)</script></p>
[gallery ids="59,60"]
[embed]https://www.youtube.com/watch?v=abc[/embed]]]></content:encoded>
    <excerpt:encoded><![CDATA[A boat, early.]]></excerpt:encoded>
    <wp:post_id>19</wp:post_id>
    <wp:post_date>2020-05-01 08:00:00</wp:post_date>
    <wp:post_date_gmt>2020-05-01 06:00:00</wp:post_date_gmt>
    <wp:post_modified_gmt>2020-05-02 10:00:00</wp:post_modified_gmt>
    <wp:post_name><![CDATA[boat-at-dawn]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:is_sticky>1</wp:is_sticky>
    <category domain="category" nicename="uncategorized"><![CDATA[Uncategorized]]></category>
    <category domain="category" nicename="travel"><![CDATA[Travel]]></category>
    <category domain="post_tag" nicename="lake"><![CDATA[lake]]></category>
    <wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[59]]></wp:meta_value></wp:postmeta>
    <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author><![CDATA[Reader One]]></wp:comment_author><wp:comment_author_email><![CDATA[one@readers.example]]></wp:comment_author_email><wp:comment_date_gmt>2020-05-01 09:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Lovely boat.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author><![CDATA[Ada Lovelace]]></wp:comment_author><wp:comment_date_gmt>2020-05-01 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Thank you!]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>1</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_author><![CDATA[Reader One]]></wp:comment_author><wp:comment_date_gmt>2020-05-01 11:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[A reply to a reply.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>2</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>4</wp:comment_id><wp:comment_author><![CDATA[Cheap Pills]]></wp:comment_author><wp:comment_date_gmt>2020-05-01 12:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Buy now]]></wp:comment_content><wp:comment_approved>spam</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author><![CDATA[Unsure]]></wp:comment_author><wp:comment_date_gmt>2020-05-01 13:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Waiting for approval.]]></wp:comment_content><wp:comment_approved>0</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
  </item>
  <item>
    <title>Καλημέρα κόσμε</title>
    <link>https://lakeside.example/?p=21</link>
    <dc:creator><![CDATA[grace]]></dc:creator>
    <content:encoded><![CDATA[First paragraph, classic editor.

Second paragraph.]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>21</wp:post_id>
    <wp:post_date>2030-01-01 00:00:00</wp:post_date>
    <wp:post_date_gmt>2029-12-31 23:00:00</wp:post_date_gmt>
    <wp:post_name><![CDATA[]]></wp:post_name>
    <wp:status><![CDATA[future]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title>Half written</title>
    <wp:post_id>22</wp:post_id>
    <dc:creator><![CDATA[ada]]></dc:creator>
    <content:encoded><![CDATA[<p>Not yet.</p>]]></content:encoded>
    <wp:post_date>2021-01-01 00:00:00</wp:post_date>
    <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
    <wp:post_name><![CDATA[half-written]]></wp:post_name>
    <wp:status><![CDATA[pending]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title>About</title>
    <link>https://lakeside.example/about/</link>
    <dc:creator><![CDATA[ada]]></dc:creator>
    <content:encoded><![CDATA[<h2>Who</h2><p>Two people and a lake.</p><table><tr><th>Name</th><th>Role</th></tr><tr><td>Ada</td><td>Rows</td></tr></table>]]></content:encoded>
    <wp:post_id>30</wp:post_id>
    <wp:post_date_gmt>2019-01-01 00:00:00</wp:post_date_gmt>
    <wp:post_name><![CDATA[about]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[page]]></wp:post_type>
  </item>
  <item>
    <title>Deleted thing</title>
    <wp:post_id>31</wp:post_id>
    <wp:status><![CDATA[trash]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title>boat</title>
    <wp:post_id>59</wp:post_id>
    <wp:attachment_url><![CDATA[https://lakeside.example/wp-content/uploads/2020/05/boat.jpg]]></wp:attachment_url>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
    <wp:status><![CDATA[inherit]]></wp:status>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[A boat on the lake]]></wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>oars</title>
    <wp:post_id>60</wp:post_id>
    <wp:attachment_url><![CDATA[https://lakeside.example/wp-content/uploads/2020/05/oars.png]]></wp:attachment_url>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
    <wp:status><![CDATA[inherit]]></wp:status>
  </item>
</channel>
</rss>
`;

export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><item><title>&lol3;</title></item></channel></rss>`;

export const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&x;</title></item></channel></rss>`;

export const DTD_URL = `<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss><channel></channel></rss>`;

export const MALFORMED = `<?xml version="1.0"?>
<rss><channel>
<item><title>Fine</title></item>
<item><title>Broken</tiitle></item>
</channel></rss>`;

const lexical = JSON.stringify({
  root: {
    type: "root",
    children: [
      {
        type: "paragraph",
        children: [
          { type: "text", text: "Written in " },
          { type: "text", text: "Lexical", format: 1 },
          { type: "link", url: "https://ghost.org", children: [{ type: "text", text: " (Ghost 5)" }] },
        ],
      },
      { type: "heading", tag: "h3", children: [{ type: "text", text: "A heading" }] },
      { type: "image", src: "__GHOST_URL__/content/images/2024/01/lake.jpg", altText: "The lake", caption: "Morning" },
      { type: "markdown", markdown: "A **Markdown** card\n\n- one\n- two" },
      { type: "list", listType: "number", children: [{ type: "listitem", children: [{ type: "text", text: "first" }] }] },
      { type: "bookmark", url: "https://example.org/read", metadata: { title: "Worth reading" } },
    ],
  },
});

const mobiledoc = JSON.stringify({
  version: "0.3.1",
  markups: [["a", ["href", "https://example.org"]], ["strong"]],
  atoms: [],
  cards: [
    ["image", { src: "__GHOST_URL__/content/images/old.png", alt: "Old" }],
    ["hr", {}],
  ],
  sections: [
    [
      1,
      "p",
      [
        [0, [1], 1, "Mobiledoc"],
        [0, [], 0, " with "],
        [0, [0], 1, "a link"],
      ],
    ],
    [10, 0],
    [10, 1],
    [3, "ul", [[[0, [], 0, "item"]]]],
  ],
});

export const GHOST = JSON.stringify({
  db: [
    {
      meta: { exported_on: 1700000000000, version: "5.75.0" },
      data: {
        posts: [
          {
            id: "p1",
            uuid: "u-1",
            title: "From HTML",
            slug: "from-html",
            html: '<p>Plain <em>HTML</em> body <img src="__GHOST_URL__/content/images/2023/05/a.png" alt="A"></p>',
            status: "published",
            type: "post",
            featured: 1,
            published_at: "2023-05-01T10:00:00.000Z",
            updated_at: "2023-05-02T10:00:00.000Z",
            custom_excerpt: "Custom words",
            feature_image: "__GHOST_URL__/content/images/2023/05/cover.jpg",
          },
          {
            id: "p2",
            uuid: "u-2",
            title: "From Lexical",
            slug: "from-lexical",
            lexical,
            status: "draft",
            type: "post",
            published_at: null,
          },
          {
            id: "p3",
            uuid: "u-3",
            title: "From Mobiledoc",
            slug: "from-mobiledoc",
            mobiledoc,
            status: "scheduled",
            page: false,
            published_at: "2031-01-01T00:00:00.000Z",
          },
          {
            id: "p4",
            uuid: "u-4",
            title: "Colophon",
            slug: "colophon",
            html: "<p>Set in Charter.</p>",
            status: "published",
            type: "page",
            published_at: "2022-01-01T00:00:00.000Z",
          },
        ],
        tags: [
          { id: "t1", name: "Lakes", slug: "lakes", visibility: "public" },
          { id: "t2", name: "#hidden", slug: "hash-hidden", visibility: "internal" },
          { id: "t3", name: "Mornings", slug: "mornings", visibility: "public" },
        ],
        posts_tags: [
          { post_id: "p1", tag_id: "t3", sort_order: 1 },
          { post_id: "p1", tag_id: "t1", sort_order: 0 },
          { post_id: "p1", tag_id: "t2", sort_order: 2 },
        ],
        users: [
          { id: "1", name: "Ghost Writer", slug: "ghost", email: "Writer@Ghost.example", bio: "Writes." },
          { id: "2", name: "Co Author", slug: "co", email: "co@ghost.example" },
        ],
        posts_authors: [
          { post_id: "p1", author_id: "2", sort_order: 1 },
          { post_id: "p1", author_id: "1", sort_order: 0 },
        ],
        posts_meta: [{ post_id: "p1", feature_image_alt: "A cover" }],
        settings: [{ key: "title", value: "Ghostly" }],
      },
    },
  ],
});

/**
 * A WordPress export of a big site: `posts` posts with `commentsPerPost` comments each (some
 * replies), three of `tags` tags each, twenty authors, and an image in each of the first
 * `images` posts, at `imageBase`/wp-content/uploads/<n>.jpg.
 */
export function bigWxr(o: { posts: number; commentsPerPost: number; tags: number; images?: number; imageBase?: string }): string {
  const { posts: POSTS, commentsPerPost: COMMENTS_PER_POST, tags: TAGS } = o;
  const IMAGES = o.images ?? 0;
  const images = o.imageBase ?? "";
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const items: string[] = [];
  for (let p = 1; p <= POSTS; p++) {
    const tags = [p % TAGS, (p * 7) % TAGS, (p * 13) % TAGS].map(
      (t) => `<category domain="post_tag" nicename="tag-${t}"><![CDATA[Tag ${t}]]></category>`,
    );
    const image = p <= IMAGES ? `<p><img src="${images}/wp-content/uploads/${p - 1}.jpg" alt="Picture ${p}"></p>` : "";
    const comments = Array.from(
      { length: COMMENTS_PER_POST },
      (_, c) =>
        `<wp:comment><wp:comment_id>${p * 10 + c}</wp:comment_id><wp:comment_author><![CDATA[Reader ${(p + c) % 500}]]></wp:comment_author><wp:comment_author_email>reader${(p + c) % 500}@readers.example</wp:comment_author_email><wp:comment_date_gmt>2022-01-01 10:0${c}:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Comment ${c} on post ${p}: a sentence or two, as readers write them.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>${c > 2 ? p * 10 : 0}</wp:comment_parent></wp:comment>`,
    ).join("");
    const day = String((p % 28) + 1).padStart(2, "0");
    items.push(`<item><title>${esc(`Post number ${p}`)}</title><link>https://old.example/2021/01/post-${p}/</link><dc:creator><![CDATA[writer${p % 20}]]></dc:creator>
<content:encoded><![CDATA[<h2>Part one</h2><p>Paragraph ${p} with <strong>bold</strong> and <a href="https://example.org/${p}">a link</a>. ${"Words that make a post a post. ".repeat(20)}</p>${image}<ul><li>one</li><li>two</li></ul>]]></content:encoded>
<wp:post_id>${p}</wp:post_id><wp:post_date_gmt>2021-01-${day} 10:00:00</wp:post_date_gmt><wp:post_name><![CDATA[post-${p}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>${tags.join("")}${comments}</item>`);
  }
  const authors = Array.from(
    { length: 20 },
    (_, a) =>
      `<wp:author><wp:author_login>writer${a}</wp:author_login><wp:author_email>writer${a}@old.example</wp:author_email><wp:author_display_name>Writer ${a}</wp:author_display_name></wp:author>`,
  ).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old site</title><link>https://old.example</link><wp:base_site_url>https://old.example</wp:base_site_url>${authors}
${items.join("\n")}
</channel></rss>`;
}
