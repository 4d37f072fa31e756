// A signed-in client of Quire as the islands are: better-auth's HTTP sign-up for a session
// cookie, then tRPC mutations over HTTP with superjson bodies and the site's own Origin.
// node:http with keep-alive, not fetch: the load generator shares the machine with the
// server, so it should cost as little CPU per request as it can.
import { Agent, request } from "node:http";
import superjson from "superjson";

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

export interface Reply {
  status: number;
  body: string;
  /** Wall time from sending the request to the end of the answer. */
  ms: number;
}

function send(base: string, path: string, body: string, headers: Record<string, string>): Promise<Reply & { cookies: string[] }> {
  const url = new URL(path, base);
  const started = performance.now();
  return new Promise((ok, fail) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), origin: base, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          ok({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
            cookies: res.headers["set-cookie"] ?? [],
          }),
        );
        res.on("error", fail);
      },
    );
    req.on("error", fail);
    req.end(body);
  });
}

/** What a tRPC call answered: its data, or its error's code and message (and the raw reply). */
export type Outcome<T> =
  { ok: true; data: T; reply: Reply } | { ok: false; code: string; message: string; data: Record<string, unknown>; reply: Reply };

export interface Client {
  id: string;
  email: string;
  mutate<T>(path: string, input: unknown): Promise<Outcome<T>>;
}

export const PASSWORD = "bench password, long enough";

/** Signs up a new account over better-auth's HTTP API and keeps its session cookie. */
export async function signUp(base: string, name: string, email: string): Promise<Client> {
  const signedUp = await send(base, "/api/auth/sign-up/email", JSON.stringify({ name, email, password: PASSWORD }), {});
  if (signedUp.status !== 200) throw new Error(`sign-up of ${email} answered ${signedUp.status}: ${signedUp.body}`);
  // A sign-up signs nobody in (it answers alike for taken addresses): signing in does.
  const reply = await send(base, "/api/auth/sign-in/email", JSON.stringify({ email, password: PASSWORD }), {});
  if (reply.status !== 200) throw new Error(`sign-in of ${email} answered ${reply.status}: ${reply.body}`);
  const cookie = reply.cookies.map((c) => c.split(";")[0]!).join("; ");
  if (!cookie.includes("session_token=")) throw new Error(`sign-up of ${email} set no session cookie`);
  const { user } = JSON.parse(reply.body) as { user: { id: string } };
  return {
    id: user.id,
    email,
    async mutate<T>(path: string, input: unknown): Promise<Outcome<T>> {
      const r = await send(base, `/api/trpc/${path}`, JSON.stringify(superjson.serialize(input)), { cookie });
      let parsed: { result?: { data: { json: T } }; error?: { json: { message: string; data?: Record<string, unknown> } } } = {};
      try {
        parsed = JSON.parse(r.body);
      } catch {
        // Not tRPC's JSON (a proxy page, a crash): reported as it came.
      }
      if (r.status === 200 && parsed.result) return { ok: true, data: parsed.result.data.json, reply: r };
      const error = parsed.error?.json;
      return {
        ok: false,
        code: String(error?.data?.code ?? `HTTP ${r.status}`),
        message: error?.message ?? r.body.slice(0, 500),
        data: error?.data ?? {},
        reply: r,
      };
    },
  };
}

/** The session cookie of an account, signed in over HTTP, for routes a Client does not call (uploads). */
export async function signInCookie(base: string, email: string): Promise<string> {
  const reply = await send(base, "/api/auth/sign-in/email", JSON.stringify({ email, password: PASSWORD }), {});
  if (reply.status !== 200) throw new Error(`sign-in of ${email} answered ${reply.status}: ${reply.body}`);
  return reply.cookies.map((c) => c.split(";")[0]!).join("; ");
}
