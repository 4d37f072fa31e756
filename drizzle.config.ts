import { defineConfig } from "drizzle-kit";

// drizzle-kit only needs the schema to generate migrations; they are applied by code
// (db/client.ts migrateDb) at start and in tests, never pushed.
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
