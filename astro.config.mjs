// @ts-check
import node from "@astrojs/node";
import svelte from "@astrojs/svelte";
import { defineConfig } from "astro/config";
import { fileURLToPath } from "node:url";
import { TRPC_BODY_LIMIT } from "./src/http/body-limit.ts";
import { precompressDir } from "./src/http/precompressed.ts";

/**
 * The server's own entry points, built into the same bundle as the pages, so that at run time
 * the start script and the pages load one set of modules: src/main.ts (everything
 * scripts/start.js uses), and the scripts of the render, import and sender threads.
 * @type {import("vite").Plugin}
 */
const serverEntries = {
  name: "quire:server-entries",
  applyToEnvironment: (environment) => environment.name === "ssr",
  options(options) {
    const input = typeof options.input === "object" && !Array.isArray(options.input) ? options.input : {};
    return {
      ...options,
      input: {
        ...input,
        main: fileURLToPath(new URL("./src/main.ts", import.meta.url)),
        "render-worker": fileURLToPath(new URL("./src/jobs/render-worker.ts", import.meta.url)),
        "import-worker": fileURLToPath(new URL("./src/jobs/import-worker.ts", import.meta.url)),
        "sender-worker": fileURLToPath(new URL("./src/jobs/sender-worker.ts", import.meta.url)),
      },
    };
  },
};

/**
 * The server bundle is minified too (Vite leaves server code as it is): V8 keeps the source of
 * every module it loads, in the server and in each render thread, and minified source is half
 * the size (5.5 MB to 2.7 MB of code; 4.4 MiB less live heap in the server). Error stacks name
 * minified functions, but their messages and the request that caused them are logged whole.
 * @type {import("vite").Plugin}
 */
const minifyServer = {
  name: "quire:minify-server",
  enforce: "post",
  configEnvironment: (name) => (name === "ssr" ? { build: { minify: true } } : undefined),
};

/**
 * Brotli and gzip copies of the built scripts and styles, made once here at the highest
 * settings; src/http/static-files.ts sends them by Accept-Encoding.
 * @type {import("astro").AstroIntegration}
 */
const precompress = {
  name: "quire:precompress",
  hooks: {
    "astro:build:done": async ({ dir, logger }) => {
      const { files, bytes, brotli } = await precompressDir(fileURLToPath(dir));
      logger.info(`precompressed ${files} files: ${(bytes / 1024).toFixed(1)} KB, ${(brotli / 1024).toFixed(1)} KB as Brotli`);
    },
  },
};

/**
 * Packages left to Node at run time rather than bundled: native code (libSQL, sharp) and the code
 * highlighter, whose grammars are loaded one by one when a post first uses them. Everything
 * else is bundled: Node resolves each module file of a package through its package.json, and
 * drizzle-orm's is 180 KB, read again for each of its hundred-odd modules.
 */
const EXTERNAL = ["libsql", "@libsql/client", "sharp", "shiki", "@shikijs/rehype"];

/**
 * Svelte runtime modules that only the author islands use (a <select> binding, bind:this, rest props,
 * class and style directives, stores). Svelte's package does not say its modules are free of side
 * effects, so the bundler treats every island as needing every runtime module it bundles,
 * and the comment island on reader pages would download these too. Their top level only
 * declares functions and constants, so saying so lets them go to the islands that use them.
 * If the comment island ever uses one, the bundler links it in and `npm run build` counts it.
 */
const AUTHOR_ONLY_SVELTE =
  /svelte[\\/]src[\\/]internal[\\/](client[\\/](dom[\\/]elements[\\/](bindings[\\/](select|this)|class|style)|reactivity[\\/](props|store))|shared[\\/]attributes)\.js$/;

export default defineConfig({
  output: "server",
  // The server of src/http/ refuses oversized bodies with a 413 before Astro reads them
  // (src/http/body-limit.ts); this is the adapter's own cap, the same 2 MB, should Astro's
  // handler ever run without it. Middleware mode: the adapter gives a handler and no server.
  adapter: node({ mode: "middleware", bodySizeLimit: TRPC_BODY_LIMIT }),
  // The version tag Svelte sets on window is one more file every island loads.
  integrations: [svelte({ compilerOptions: { discloseVersion: false } }), precompress],
  // Reader pages are rendered on demand and kept in memory until a write purges their
  // tags; scripts/start.js answers from the same store before a request reaches Astro.
  cache: { provider: { name: "quire", entrypoint: "./src/cache/provider.ts" } },
  security: {
    checkOrigin: true,
    // Sent as a header on every page; Astro adds the hashes of the scripts it emits, so no
    // inline script runs unless Astro put it there.
    csp: {
      directives: [
        "default-src 'self'",
        // Images are this site's own (/media/); with MEDIA_PUBLIC_URL, the layout adds
        // that origin at run time (src/layouts/Base.astro), where /media/ redirects. Nothing else: no reader's browser
        // is sent to a third party.
        "img-src 'self'",
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
    plugins: [serverEntries, minifyServer],
    ssr: { noExternal: true, external: EXTERNAL },
    build: { rolldownOptions: { treeshake: { moduleSideEffects: [{ test: AUTHOR_ONLY_SVELTE, sideEffects: false }] } } },
  },
});
