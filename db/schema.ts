// Every table Quire owns, one file a domain under db/schema/, and better-auth's (generated
// into auth-schema.ts). drizzle-kit, the Drizzle client and better-auth's adapter all read
// this one module. SQL names are snake_case; exports are PascalCase.
export * from "./auth-schema.ts";
export * from "./schema/content.ts";
export * from "./schema/cache.ts";
export * from "./schema/mail.ts";
export * from "./schema/jobs.ts";
export * from "./schema/media.ts";
export * from "./schema/settings.ts";
export * from "./schema/imports.ts";
export * from "./schema/webhooks.ts";
export * from "./schema/newsletter.ts";
export * from "./schema/api-keys.ts";
