// npm run lint: ESLint's and typescript-eslint's recommended rules, with the Svelte and
// Astro plugins' for islands and pages.
import js from "@eslint/js";
import astro from "eslint-plugin-astro";
import svelte from "eslint-plugin-svelte";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "test-results/", "playwright-report/", "db/migrations/", ".astro/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs.recommended,
  astro.configs.recommended,
  { languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: [".svelte"] } },
  },
  {
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    // A variable a closure reads before its one assignment (an exit handler) must be a let.
    rules: { "prefer-const": ["error", { ignoreReadBeforeAssign: true }] },
  },
  {
    rules: {
      // Quire looks for control characters on purpose: the schemas refuse them, feeds drop them.
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
);
