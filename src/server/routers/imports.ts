import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { IMPORT_JOB, type ImportPayload, type ImportResult } from "../../jobs/import.ts";
import { enqueue } from "../../jobs/queue.ts";
import { found } from "../errors.ts";
import * as imports from "../queries/imports.ts";
import { adminProcedure, createTRPCRouter } from "../trpc.ts";

const JobId = z.object({ id: z.uuid() }).strict();

/** A job row as the import page shows it: never the server's file path. */
function shown(job: NonNullable<Awaited<ReturnType<typeof imports.importJob>>>) {
  const payload = job.payload as ImportPayload;
  return {
    id: job.id,
    status: job.status,
    step: payload.step,
    fileName: payload.fileName ?? "",
    fetchImages: Boolean(payload.fetchImages),
    progress: (job.progress ?? null) as { phase: string; done: number; total: number } | null,
    result: (job.result ?? null) as ImportResult | null,
    error: job.error,
  };
}

export const importRouter = createTRPCRouter({
  /** The latest previews and imports, newest first. */
  recent: adminProcedure.query(async ({ ctx }) => (await imports.importJobs(ctx.db, 10)).map((j) => shown(j))),

  /** One preview or import, as it stands now (the page polls it). */
  status: adminProcedure
    .input(JobId)
    .query(async ({ ctx, input }) => shown(found(await imports.importJob(ctx.db, input.id), "No such import"))),

  /** Imports what a finished preview showed; answers the import's own job id. */
  confirm: adminProcedure.input(z.object({ id: z.uuid(), fetchImages: z.boolean() }).strict()).mutation(async ({ ctx, input }) => {
    const job = found(await imports.importJob(ctx.db, input.id), "No such import");
    const payload = job.payload as ImportPayload;
    if (payload.step !== "preview" || job.status !== "done") {
      throw new TRPCError({ code: "CONFLICT", message: "Only a finished preview can be imported" });
    }
    const id = crypto.randomUUID();
    const next: ImportPayload = { ...payload, step: "write", fetchImages: input.fetchImages, actorId: ctx.user.id };
    await ctx.write((db) => enqueue(db, { id, kind: IMPORT_JOB, payload: next, maxAttempts: 3 }));
    return { id };
  }),
});
