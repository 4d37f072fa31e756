// What a client gets when the database cannot be used right now (db/unavailable.ts says
// when that is): 503 with a message saying so and when to try again, as JSON under /api/
// and as a small page everywhere else. Never kept by the route cache or a CDN: the next
// request may well succeed.
import { databaseUnavailable, rootMessage, type Unavailable } from "../../db/unavailable.ts";

export const UNAVAILABLE_MESSAGES: Record<Unavailable, string> = {
  busy: "The database is busy; try again in a moment.",
  unreachable: "The database cannot be reached right now; try again in a moment.",
};

/** Seconds a client is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 2;

const HEADERS = {
  "Cache-Control": "no-store",
  "Retry-After": String(RETRY_AFTER_SECONDS),
};

// The page needs nothing else from the server: no stylesheet, no script.
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function page(message: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>Try again in a moment</title>
<style>body{font:1.1rem/1.6 system-ui,sans-serif;max-width:38rem;margin:4rem auto;padding:0 1.25rem}h1{font-size:1.8rem;line-height:1.2}</style>
</head>
<body>
<main>
<h1>Try again in a moment</h1>
<p>${message}</p>
<p>Nothing you sent was saved with this request. <a href="">Reload the page</a> to try again.</p>
</main>
</body>
</html>
`;
}

/**
 * The 503 for `error` when it means the database is out of reach, else null. `flat` gives
 * the JSON better-auth's client reads its errors from (`{ code, message }`).
 */
export function unavailableResponse(error: unknown, request: Request, options: { flat?: boolean } = {}): Response | null {
  const why = databaseUnavailable(error);
  if (!why) return null;
  const message = UNAVAILABLE_MESSAGES[why];
  if (new URL(request.url).pathname.startsWith("/api/")) {
    const code = "SERVICE_UNAVAILABLE";
    return new Response(JSON.stringify(options.flat ? { code, message } : { error: { code, message } }), {
      status: 503,
      headers: { ...HEADERS, "Content-Type": "application/json" },
    });
  }
  return new Response(page(message), {
    status: 503,
    headers: { ...HEADERS, "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PAGE_CSP },
  });
}

/** The one log line for a request answered 503 because the database was out of reach. */
export function logUnavailable(what: string, error: unknown): void {
  console.error(`[db] ${what}: 503: ${rootMessage(error)}`);
}
