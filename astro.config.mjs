// @ts-check
import node from "@astrojs/node";
import svelte from "@astrojs/svelte";
import { defineConfig } from "astro/config";

export default defineConfig({
  output: "server",
  adapter: node({ mode: "standalone" }),
  integrations: [svelte()],
  // Reader pages are rendered on demand and kept in memory until a write purges their
  // tags; scripts/start.ts answers from the same store before a request reaches Astro.
  cache: { provider: { name: "quire", entrypoint: "./src/lib/cache/provider.ts" } },
  security: { checkOrigin: true },
  devToolbar: { enabled: false },
});
