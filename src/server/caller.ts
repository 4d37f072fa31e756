// Server-side tRPC callers for pages: the same procedures the islands call, without HTTP.
import type { AstroGlobal } from "astro";
import { createCaller } from "./root.ts";
import { createTRPCContext } from "./trpc.ts";
import { getRuntime } from "../runtime.ts";

const quiet = () => {};
const noPurge = async () => {};

/** For cached reader pages: always anonymous, so the HTML is the same for everyone. */
export async function readerApi() {
  const { db, auth } = await getRuntime();
  return createCaller(await createTRPCContext({ headers: new Headers(), db, auth, purge: noPurge, anonymous: true, log: quiet }));
}

/** For per-user pages (never cached): the signed-in user's view. */
export async function userApi(astro: Pick<AstroGlobal, "request">) {
  const { db, auth } = await getRuntime();
  return createCaller(await createTRPCContext({ headers: astro.request.headers, db, auth, purge: noPurge, log: quiet }));
}
