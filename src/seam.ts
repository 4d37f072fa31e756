// The one bridge between the two module graphs of the built server: the start script loads
// src/ as it is, and the Astro bundle holds its own compiled copy of the same modules, so
// any module-level state would exist twice in one process. Everything that must be one
// per process (the configuration the start script decided on, the runtime, the render
// threads, the page store) hangs from this one object on globalThis, under one name.
// Only types are imported here: the module is a leaf, safe for every tool to load.
import type { Config } from "./config.ts";
import type { Runtime } from "./runtime.ts";
import type { Renderer } from "./lib/markdown.ts";
import type { Store } from "./cache/store.ts";

export interface ProcessSeam {
  config?: Config;
  runtime?: Promise<Runtime>;
  renderer?: Renderer;
  store?: Store;
}

const SEAM = Symbol.for("quire.process");

/** This process's shared parts (the same object, whichever copy of this module asks). */
export function seam(): ProcessSeam {
  const holder = globalThis as { [SEAM]?: ProcessSeam };
  holder[SEAM] ??= {};
  return holder[SEAM];
}
