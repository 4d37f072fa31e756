// Getting images in, in Chromium: pasted and dropped into the editor with a progress bar and an
// alt prompt, the publish warning, hostile files refused with their reasons, the library and its
// delete guard. Every image is made here with sharp.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type Route } from "@playwright/test";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { readAsVisitor, signUpAuthor, writeDraft } from "./helpers.ts";

const stamp = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A picture with detail (noise over a colour), as PNG or JPEG; `seed` makes its bytes its own. */
async function picture(format: "png" | "jpeg", width = 640, height = 420, seed = Math.random()): Promise<Buffer> {
  const noise = await sharp({
    create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 30 } },
  })
    .png()
    .toBuffer();
  const base = sharp({ create: { width, height, channels: 3, background: { r: Math.floor(seed * 255), g: 110, b: 160 } } }).composite([
    { input: noise, blend: "soft-light" },
  ]);
  return format === "png" ? base.png().toBuffer() : base.jpeg({ quality: 90 }).toBuffer();
}

/** A 1×1 PNG whose header claims 30,000 × 30,000 pixels. */
async function bomb(): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } })
      .png()
      .toBuffer(),
  );
  png.writeUInt32BE(30_000, 16);
  png.writeUInt32BE(30_000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** Holds each upload at the network until the test lets it through, so its progress is seen. */
async function holdUploads(page: Page) {
  const held: Route[] = [];
  await page.route("**/api/media?**", (route) => void held.push(route));
  return {
    async release() {
      await expect.poll(() => held.length).toBeGreaterThan(0);
      for (const route of held.splice(0)) await route.continue();
    },
  };
}

/** Sends a file to the body as the browser does for a paste (a ClipboardEvent carrying it). */
async function paste(page: Page, name: string, type: string, bytes: Buffer) {
  await page.getByLabel("Body (Markdown)").evaluate(
    (area, file) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, { type: file.type }));
      area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    { name, type, base64: bytes.toString("base64") },
  );
}

/** Drops files on the body, as dragging them from the desktop does. */
async function drop(page: Page, files: Array<{ name: string; type: string; bytes: Buffer }>) {
  await page.getByLabel("Body (Markdown)").evaluate(
    (area, list) => {
      const data = new DataTransfer();
      for (const f of list) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      area.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      area.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString("base64") })),
  );
}

async function violations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

const IMAGE = /\/media\/[a-f0-9]{64}\/\d+\.jpg/;

test("an image pasted and one dropped each upload with a progress bar, land at the cursor and ask for alt text; publishing warns about the one without", async ({
  page,
  request,
}) => {
  await signUpAuthor(page, "Pia Paster");
  const title = `Harbour day ${stamp()}`;
  const slug = await writeDraft(page, { title, body: "Morning." });
  const body = page.getByLabel("Body (Markdown)");
  await body.focus();
  await body.press("End");

  const uploads = await holdUploads(page);
  await paste(page, "harbour.png", "image/png", await picture("png"));
  await expect(page.getByRole("progressbar", { name: "Uploading “harbour.png”" })).toBeVisible();
  await uploads.release();
  const altField = page.getByLabel("Describe “harbour.png” for people who cannot see it");
  await expect(altField).toBeFocused();
  await expect(body).toHaveValue(new RegExp(`^Morning\\.\\n\\n!\\[\\]\\(${IMAGE.source}\\)$`));
  expect(await violations(page), "the editor with an alt prompt open").toEqual([]);
  await altField.fill("Fishing boats [moored] at dawn");
  await altField.press("Enter");
  await expect(body).toHaveValue(new RegExp(`^Morning\\.\\n\\n!\\[Fishing boats \\\\\\[moored\\\\\\] at dawn\\]\\(${IMAGE.source}\\)$`));
  await expect(altField).toHaveCount(0);

  await drop(page, [{ name: "dock.jpg", type: "image/jpeg", bytes: await picture("jpeg", 900, 600) }]);
  await expect(page.getByRole("progressbar", { name: "Uploading “dock.jpg”" })).toBeVisible();
  await uploads.release();
  await page.getByRole("group", { name: "Alt text for “dock.jpg”" }).getByRole("button", { name: "Later" }).click();
  await expect(body).toHaveValue(new RegExp(`\\n\\n!\\[\\]\\(${IMAGE.source}\\)$`));

  await page.getByRole("button", { name: "Publish now" }).click();
  const warning = page.getByRole("alert").filter({ hasText: "no alt text" });
  await expect(warning).toContainText("An image has no alt text");
  await expect(warning.getByRole("listitem")).toHaveText(["dock.jpg"]);
  await expect(page.getByText("Published. Readers see it now.")).toHaveCount(0);
  await warning.getByRole("button", { name: "Publish anyway" }).click();
  await expect(page.getByText("Published. Readers see it now.")).toBeVisible();

  const post = await readAsVisitor(request, `/posts/${slug}`);
  const sources = [...(await body.inputValue()).matchAll(new RegExp(IMAGE.source, "g"))].map((m) => m[0]);
  expect(sources).toHaveLength(2);
  for (const src of sources) {
    expect(post.html).toContain(src);
    const image = await request.get(src);
    expect(image.status()).toBe(200);
    expect(image.headers()["content-type"]).toBe("image/jpeg");
  }
});

test("hostile files each get their reason in the editor, several at once, and the text stays as it was", async ({ page }) => {
  await signUpAuthor(page, "Hal Hostile");
  await writeDraft(page, { title: `Hostile ${stamp()}`, body: "Untouched text." });
  const whole = await picture("jpeg");
  const html = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
  const files: Array<[string, string, Buffer, string]> = [
    ["bomb.png", "image/png", await bomb(), "at most 50 megapixels"],
    ["cut.jpg", "image/jpeg", whole.subarray(0, whole.length >> 1), "damaged or incomplete"],
    ["empty.jpg", "image/jpeg", Buffer.alloc(0), "The file is empty."],
    ["page.jpg", "image/jpeg", Buffer.from(html), "This file is a web page, not an image."],
    ["polyglot.jpg", "image/jpeg", Buffer.concat([Buffer.from(html), whole]), "This file is a web page, not an image."],
    [
      "drawing.svg",
      "image/svg+xml",
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      "SVG is not accepted",
    ],
    ["doc.pdf", "application/pdf", Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), "PDF files are not accepted"],
  ];
  await page.getByTestId("image-picker").setInputFiles(files.map(([name, mimeType, buffer]) => ({ name, mimeType, buffer })));
  for (const [name, , , reason] of files) {
    await expect(page.getByRole("alert").filter({ hasText: `Could not add “${name}”` }), name).toContainText(reason);
  }
  await expect(page.getByLabel("Body (Markdown)")).toHaveValue("Untouched text.");
  await expect(page.getByText(/for people who cannot see it/)).toHaveCount(0);
});

test("the library lists each image with where it is used, keeps a used one from deletion, and deletes an unused one; axe finds nothing, and it fits a phone", async ({
  page,
}) => {
  await signUpAuthor(page, "Lia Library");
  const title = `Uses a photo ${stamp()}`;
  await writeDraft(page, { title, body: "Intro." });
  await page.getByTestId("image-picker").setInputFiles({ name: "kept.jpg", mimeType: "image/jpeg", buffer: await picture("jpeg") });
  await page.getByRole("button", { name: "Later" }).click();
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();

  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Media" }).click();
  await expect(page).toHaveURL(/\/dashboard\/media$/);
  await page
    .getByTestId("library-picker")
    .setInputFiles({ name: "spare.png", mimeType: "image/png", buffer: await picture("png", 500, 500) });
  await expect(page.getByRole("status")).toHaveText("Added “spare.png”.");

  const kept = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "kept.jpg" }) });
  await expect(kept).toContainText("640 × 420 px");
  await expect(kept.getByRole("link", { name: title })).toHaveAttribute("href", /^\/dashboard\/posts\//);
  await expect(kept.getByRole("button", { name: "Delete kept.jpg" })).toBeDisabled();
  await expect(kept).toContainText("Remove it from these first; then it can be deleted.");
  const spare = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "spare.png" }) });
  await expect(spare).toContainText("Not used anywhere.");
  // The thumbnail is decorative (the name beside it says what it is), and it loads.
  await expect.poll(() => spare.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  expect(await violations(page), "the media library").toEqual([]);

  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

  await spare.getByRole("button", { name: "Delete spare.png" }).click();
  await spare.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("Deleted “spare.png”.");
  await expect(page.getByRole("heading", { name: "spare.png" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "spare.png" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "kept.jpg" })).toBeVisible();
});

test("a cover is uploaded in the editor with its alt text, picked again from the library, and removed", async ({ page }) => {
  await signUpAuthor(page, "Cory Cover");
  await writeDraft(page, { title: `Covered ${stamp()}`, body: "Text." });
  await page
    .getByTestId("cover-picker")
    .setInputFiles({ name: "cover.jpg", mimeType: "image/jpeg", buffer: await picture("jpeg", 1200, 630) });
  await page.getByLabel("Cover alt text").fill("A wide view of the bay");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Cover alt text")).toHaveValue("A wide view of the bay");
  await expect(page.locator("fieldset.cover img")).toHaveAttribute("src", /^\/media\/[a-f0-9]{64}\/1200\.jpg$/);

  await page.getByRole("button", { name: "Remove cover" }).click();
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Cover alt text")).toHaveCount(0);
  await page.getByRole("button", { name: "Choose from the library" }).click();
  await page.getByRole("list", { name: "Your images" }).getByRole("button", { name: "cover.jpg" }).click();
  await expect(page.getByLabel("Cover alt text")).toBeVisible();
});
