// @ts-check
import node from "@astrojs/node";
import svelte from "@astrojs/svelte";
import { defineConfig, memoryCache } from "astro/config";

export default defineConfig({
  output: "server",
  adapter: node({ mode: "standalone" }),
  integrations: [svelte()],
  // Reader pages are rendered on demand and kept here until a write purges their tags.
  cache: { provider: memoryCache({ max: 5000 }) },
  security: { checkOrigin: true },
  devToolbar: { enabled: false },
});
