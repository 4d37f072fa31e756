// The baseline for bench:read: plain node:http writing pages it was handed as bytes,
// with the very headers Quire sent for them (Brotli pages when the client takes Brotli). Nothing can answer these pages faster in Node.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [pagesFile] = process.argv.slice(2);
const pages = JSON.parse(readFileSync(pagesFile!, "utf8")) as Record<string, { headers: [string, string][]; body: string }>;
const byPath = new Map(
  Object.entries(pages).map(([path, page]) => [path, { headers: page.headers.flat(), body: Buffer.from(page.body, "base64") }]),
);

const server = createServer((req, res) => {
  // The same choice Quire makes, by the one header that decides it.
  const br = /\bbr\b/.test(req.headers["accept-encoding"] ?? "");
  const page = (br && byPath.get(`${req.url}#br`)) || byPath.get(req.url ?? "");
  if (!page) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, page.headers);
  res.end(page.body);
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  console.log(`listening ${port}`);
});
process.on("SIGTERM", () => process.exit(0));
