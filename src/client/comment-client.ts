// The comment island's client. Reader pages download it, so instead of @trpc/client and
// superjson (about 10 KB gzipped) it speaks tRPC's HTTP wire format itself: one procedure
// per request, input as superjson's `{ json }`, and of superjson's annotations only the ones
// the comment procedures produce (Dates). The types come from the router, so a change there
// has to type-check here; tests/unit/comment-client.test.ts runs it against the real route.
import type { AppRouter, RouterInputs, RouterOutputs } from "../server/root.ts";
import { ApiError, type ServerErrorData } from "./api-error.ts";

type Procedures = AppRouter["comment"];
type Inputs = RouterInputs["comment"];
type Outputs = RouterOutputs["comment"];
type PathsOf<Kind> = { [P in keyof Procedures]: Procedures[P] extends { _def: { type: Kind } } ? P : never }[keyof Procedures] &
  keyof Inputs;

/** superjson's annotation tree: a leaf is `[type]`, a transformed node with annotated parts `[type, children]`. */
type Tree = [type: string, children?: Branches] | Branches;
interface Branches {
  [path: string]: Tree;
}

/** "items.0.createdAt" → ["items", "0", "createdAt"]; superjson escapes dots and backslashes in keys. */
const segments = (key: string) => (key.match(/(?:\\.|[^.\\])+/g) ?? []).map((s) => s.replace(/\\(.)/g, "$1"));

/** Puts back the values superjson turned into JSON (applied to children first, as superjson does). */
function revive(value: unknown, tree: Tree | undefined): unknown {
  if (!tree) return value;
  if (Array.isArray(tree)) {
    const [type, children] = tree;
    value = revive(value, children);
    if (type === "Date") return new Date(value as string);
    if (type === "undefined") return undefined;
    throw new Error(`The comment client cannot read a ${type} from the server`);
  }
  for (const [key, sub] of Object.entries(tree)) {
    const path = segments(key);
    const last = path.pop()!;
    let parent = value as Record<string, unknown>;
    for (const step of path) parent = parent[step] as Record<string, unknown>;
    parent[last] = revive(parent[last], sub);
  }
  return value;
}

type Wire = { json: unknown; meta?: { values?: Tree } };

/**
 * Calls `comment.<path>`: queries as GET (so `?input=`), mutations as POST with a JSON body,
 * which the API route requires of changes. Throws ApiError with the server's error data, or
 * a plain error when no answer from our API came back.
 */
async function call(path: string, input: unknown, method: "GET" | "POST", fetcher: typeof fetch): Promise<unknown> {
  const body = JSON.stringify({ json: input });
  const url = `/api/trpc/comment.${path}` + (method === "GET" ? `?input=${encodeURIComponent(body)}` : "");
  const response = await fetcher(url, {
    method,
    credentials: "same-origin",
    ...(method === "POST" ? { body, headers: { "content-type": "application/json" } } : {}),
  });
  const answer = (await response.json()) as { result?: { data: Wire }; error?: Wire };
  if (answer.error?.json) {
    const error = revive(answer.error.json, answer.error.meta?.values) as { message: string; data: ServerErrorData };
    throw new ApiError(error.message, error.data);
  }
  if (!response.ok || !answer.result) throw new Error(`Unexpected answer from the API (${response.status})`);
  return revive(answer.result.data.json, answer.result.data.meta?.values);
}

/** `fetcher` is for tests, which hand it the real API route instead of a network. */
export function commentClient(fetcher: typeof fetch = (...args) => fetch(...args)) {
  return {
    query: <P extends PathsOf<"query">>(path: P, input: Inputs[P]) => call(path, input, "GET", fetcher) as Promise<Outputs[P]>,
    mutate: <P extends PathsOf<"mutation">>(path: P, input: Inputs[P]) => call(path, input, "POST", fetcher) as Promise<Outputs[P]>,
  };
}

export const comments = commentClient();
