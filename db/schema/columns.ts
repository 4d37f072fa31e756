import { sql } from "drizzle-orm";

/** Milliseconds since the epoch as SQLite computes it: the default of every timestamp column. */
export const now = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;
