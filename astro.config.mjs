// @ts-check
import node from "@astrojs/node";
import svelte from "@astrojs/svelte";
import { defineConfig } from "astro/config";
import { TRPC_BODY_LIMIT } from "./src/http/body-limit.ts";

/**
 * Svelte runtime modules that only the author islands use (a <select> binding, rest props,
 * class directives, stores). Svelte's package does not say its modules are free of side
 * effects, so the bundler treats every island as needing every runtime module it bundles,
 * and the comment island on reader pages would download these too. Their top level only
 * declares functions and constants, so saying so lets them go to the islands that use them.
 * If the comment island ever uses one, the bundler links it in and `npm run build` counts it.
 */
const AUTHOR_ONLY_SVELTE =
  /svelte[\\/]src[\\/]internal[\\/](client[\\/](dom[\\/]elements[\\/](bindings[\\/]select|class)|reactivity[\\/](props|store))|shared[\\/]attributes)\.js$/;

export default defineConfig({
  output: "server",
  // scripts/start.ts refuses oversized bodies with a 413 before Astro reads them
  // (src/http/body-limit.ts); this is the adapter's own cap, the same 2 MB, should the built
  // server ever run without it.
  adapter: node({ mode: "standalone", bodySizeLimit: TRPC_BODY_LIMIT }),
  // The version tag Svelte sets on window is one more file every island loads.
  integrations: [svelte({ compilerOptions: { discloseVersion: false } })],
  // Reader pages are rendered on demand and kept in memory until a write purges their
  // tags; scripts/start.ts answers from the same store before a request reaches Astro.
  cache: { provider: { name: "quire", entrypoint: "./src/cache/provider.ts" } },
  security: {
    checkOrigin: true,
    // Sent as a header on every page; Astro adds the hashes of the scripts it emits, so no
    // inline script runs unless Astro put it there.
    csp: {
      directives: [
        "default-src 'self'",
        // Avatars are any https address a person gives on their profile.
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ],
      // The code highlighter colours with style attributes; styles cannot run code.
      styleDirective: { resources: ["'self'", "'unsafe-inline'"] },
    },
  },
  devToolbar: { enabled: false },
  vite: {
    build: { rolldownOptions: { treeshake: { moduleSideEffects: [{ test: AUTHOR_ONLY_SVELTE, sideEffects: false }] } } },
  },
});
