// With MEDIA_PUBLIC_URL (an S3 bucket's public address, or a CDN's), a reader's browser gets
// a post's images from there: /media/ redirects, and the page's policy allows that origin and
// no other. Its own Quire process and S3-protocol server (s3rver, on loopback).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, request as requests, test } from "@playwright/test";
import S3rver from "s3rver";
import sharp from "sharp";
import { apiAuthor, DEPLOYED } from "./helpers.ts";
import { startQuire } from "./servers/quire.ts";

const BUCKET = "quire-media";

test.skip(DEPLOYED, "needs a Quire process and an S3-protocol server of its own");

test("a reader's browser loads a post's image from MEDIA_PUBLIC_URL, which the page's policy allows", async ({ browser }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "quire-e2e-s3-"));
  const s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const bucket = `http://127.0.0.1:${(await s3.run()).port}`;
  const quire = await startQuire({
    env: {
      MEDIA_S3_ENDPOINT: bucket,
      MEDIA_S3_BUCKET: BUCKET,
      MEDIA_S3_REGION: "us-east-1",
      MEDIA_S3_ACCESS_KEY_ID: "S3RVER",
      MEDIA_S3_SECRET_ACCESS_KEY: "S3RVER",
      MEDIA_PUBLIC_URL: `${bucket}/${BUCKET}`,
    },
  });
  try {
    const writer = await requests.newContext({ baseURL: quire.url });
    const author = await apiAuthor(writer, quire.url, "Cora Cdn");
    const bytes = await sharp({ create: { width: 1400, height: 900, channels: 3, background: "#4a7a5a" } })
      .jpeg()
      .toBuffer();
    const answer = await writer.post("/api/media?for=post", {
      headers: { origin: quire.url, "content-type": "application/octet-stream" },
      data: bytes,
    });
    expect(answer.status(), await answer.text()).toBe(201);
    const image = (await answer.json()) as { hash: string; src: string };
    const draft = await author.mutate("post.create", { title: "From the bucket", body: `![A green field](${image.src})` });
    await author.mutate("post.publish", { id: draft.id });

    const context = await browser.newContext();
    const page = await context.newPage();
    const sent: string[] = [];
    const refused: string[] = [];
    page.on("request", (r) => sent.push(r.url()));
    page.on("console", (m) => /Content Security Policy/i.test(m.text()) && refused.push(m.text()));
    const response = await page.goto(`${quire.url}/posts/${draft.slug}`);
    expect(response?.headers()["content-security-policy"]).toContain(`img-src 'self' ${bucket};`);
    const img = page.getByRole("img", { name: "A green field" });
    await expect
      .poll(() => img.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    // The page names /media/; the bytes come from the bucket, and from nowhere else.
    expect(sent.filter((u) => u.startsWith(`${bucket}/${BUCKET}/${image.hash}/`))).toHaveLength(1);
    expect(sent.filter((u) => ![quire.url, bucket].includes(new URL(u).origin))).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
    await writer.dispose();
  } finally {
    await quire.stop();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
