// A real OpenID Connect provider for the end-to-end suite (oauth2-mock-server), with a
// consent page in front of its authorize endpoint: the person types who they are at the
// provider, then allows or denies, the way they would at Google or an Okta tenant. Like
// those, it sends the answer only to a registered redirect URI (when given a list) and hands
// out tokens only for the redirect URI the code was issued to.
import { createHash } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { OAuth2Issuer, OAuth2Service } from "oauth2-mock-server";

interface Identity {
  email: string;
  name: string;
  verified: boolean;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function consentPage(res: ServerResponse, url: URL) {
  const hidden = [...url.searchParams].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join("");
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="en"><head><title>Mock ID</title></head><body>
<h1>Mock ID</h1><p>Quire asks to know your name and email address.</p>
<form method="get" action="/authorize">${hidden}
<label>Email <input name="email" type="email" required></label>
<label>Name <input name="name" required></label>
<label><input name="email_verified" type="checkbox" checked> Email verified by Mock ID</label>
<button name="decision" value="allow">Allow</button>
<button name="decision" value="deny" formnovalidate>Deny</button>
</form></body></html>`);
}

function unregisteredRedirect(res: ServerResponse, redirectUri: string) {
  res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="en"><head><title>Mock ID: error</title></head><body>
<h1>redirect_uri_mismatch</h1><p>${escape(redirectUri)} is not a redirect URI registered for this client.</p></body></html>`);
}

export interface IdentityProviderOptions {
  /** The client's registered redirect URIs; without them any is accepted. */
  redirectUris?: string[];
}

export async function startIdentityProvider(
  options: IdentityProviderOptions = {},
): Promise<{ issuer: string; close: () => Promise<void> }> {
  const issuer = new OAuth2Issuer();
  await issuer.keys.generate("RS256");
  const service = new OAuth2Service(issuer);
  const byCode = new Map<string, Identity>();
  const redirectUriByCode = new Map<string, string>();

  service.on("beforeAuthorizeRedirect", (redirect: { url: URL }, req: { url?: string }) => {
    const query = new URL(req.url ?? "/", "http://provider").searchParams;
    const code = redirect.url.searchParams.get("code");
    if (code) {
      byCode.set(code, {
        email: query.get("email") ?? "",
        name: query.get("name") ?? "",
        verified: query.get("email_verified") === "on",
      });
      redirectUriByCode.set(code, query.get("redirect_uri") ?? "");
    }
  });
  // RFC 6749 4.1.3: the token request repeats the redirect URI the code was sent to.
  service.on(
    "beforeResponse",
    (response: { statusCode: number; body: unknown }, req: { body: { code?: string; redirect_uri?: string } }) => {
      const code = req.body.code;
      if (code === undefined) return;
      const issuedTo = redirectUriByCode.get(code);
      redirectUriByCode.delete(code);
      if (issuedTo !== req.body.redirect_uri) {
        response.statusCode = 400;
        response.body = { error: "invalid_grant", error_description: "redirect_uri does not match the authorization request" };
      }
    },
  );
  service.on("beforeTokenSigning", (token: { payload: Record<string, unknown> }, req: { body: { code?: string } }) => {
    const who = req.body.code ? byCode.get(req.body.code) : undefined;
    if (!who) return;
    Object.assign(token.payload, {
      // A stable subject per address: the same person signing in twice is the same account.
      sub: createHash("sha256").update(who.email).digest("hex").slice(0, 24),
      email: who.email,
      email_verified: who.verified,
      name: who.name,
    });
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://provider");
    if (req.method === "GET" && url.pathname === "/authorize") {
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      if (options.redirectUris && !options.redirectUris.includes(redirectUri)) return unregisteredRedirect(res, redirectUri);
      const decision = url.searchParams.get("decision");
      if (!decision) return consentPage(res, url);
      if (decision === "deny") {
        const back = new URL(url.searchParams.get("redirect_uri") ?? "");
        back.searchParams.set("error", "access_denied");
        back.searchParams.set("error_description", "The user denied the request");
        const state = url.searchParams.get("state");
        if (state) back.searchParams.set("state", state);
        res.writeHead(302, { location: back.href });
        return res.end();
      }
    }
    void service.requestHandler(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  issuer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: issuer.url,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
