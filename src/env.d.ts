/// <reference types="astro/client" />
declare namespace App {
  interface Locals {
    getSession: () => Promise<import("./auth.ts").Session | null>;
  }
}
