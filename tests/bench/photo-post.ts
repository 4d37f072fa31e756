// A post with three large photos and a cover, published on a running Quire the way the editor
// does it: the demo author signs in, uploads each photo's bytes to POST /api/media, writes
// `![alt](src)` for each, and publishes through tRPC. The photos are made here with sharp
// (noise over a gradient: photo-like sizes, nothing read from disk).
import sharp from "sharp";

const DEMO = { email: "demo@quire.local", password: "quire-demo-password" };

async function photo(width: number, height: number, from: string, to: string): Promise<Buffer> {
  const gradient = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x2="1" y2="1">` +
      `<stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
  const noise = await sharp({
    create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 24 } },
  })
    .png()
    .toBuffer();
  return sharp(gradient)
    .composite([{ input: noise, blend: "soft-light" }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Publishes the post on `base` and answers its path. */
export async function publishPhotoPost(base: string): Promise<string> {
  const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { origin: base, "content-type": "application/json" },
    body: JSON.stringify(DEMO),
  });
  if (!signIn.ok) throw new Error(`demo sign-in: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const headers = { origin: base, cookie };
  const photos = [
    { alt: "A harbour at dawn, boats on still water", colours: ["#1f3b5a", "#d9a05b"] },
    { alt: "Dunes under a red evening sky", colours: ["#a5402a", "#f2d3a0"] },
    { alt: "A pine forest in fog", colours: ["#203a2c", "#c9d6cf"] },
  ];
  const uploaded: { hash: string; src: string }[] = [];
  for (const p of photos) {
    const answer = await fetch(`${base}/api/media?for=post`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/octet-stream" },
      body: new Uint8Array(await photo(4000, 2667, p.colours[0]!, p.colours[1]!)),
    });
    if (answer.status !== 201) throw new Error(`upload: ${answer.status} ${await answer.text()}`);
    uploaded.push((await answer.json()) as { hash: string; src: string });
  }
  const trpc = async <T>(path: string, input: unknown): Promise<T> => {
    const answer = await fetch(`${base}/api/trpc/${path}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
    });
    if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
    return ((await answer.json()) as { result: { data: { json: T } } }).result.data.json;
  };
  const paragraph = "The light changes by the minute here, and the photographs say it better than words. ".repeat(3);
  const body = photos.map((p, i) => `${paragraph}\n\n![${p.alt}](${uploaded[i]!.src})`).join("\n\n");
  const draft = await trpc<{ id: string; slug: string; version: number }>("post.create", { title: "Three photographs", body });
  await trpc("post.update", { id: draft.id, version: draft.version, cover: { hash: uploaded[0]!.hash, alt: photos[0]!.alt } });
  await trpc("post.publish", { id: draft.id });
  return `/posts/${draft.slug}`;
}
