/**
 * A tool server that asks for a sign-in, for the tests of OAuth: an
 * authorization server on 127.0.0.1 (its metadata, dynamic registration,
 * an authorization page that sends the browser straight back with a code,
 * and a token endpoint that checks PKCE and refreshes), and in front of the
 * HTTP tool server of `testdata/mcp_http.ts` a protected resource that
 * answers 401 with its metadata's address and a scope unless it is sent a
 * token the authorization server issued and has not expired (each session
 * a tool server of its own). It records
 * every request, and `browser()` is the browser test double.
 *
 * @module
 */
import { type HttpToolServer, startHttpToolServer } from "./mcp_http.ts";

/** What the authorization server saw. */
export interface Seen {
  path: string;
  /** The query of a GET, the form of a POST, or the JSON a registration sent. */
  params: Record<string, unknown>;
}

/** The running servers. */
export interface OAuthServers extends AsyncDisposable {
  /** The tool server's URL, which asks for a sign-in. */
  url: string;
  /** The authorization server's origin. */
  issuer: string;
  /** What the authorization server saw, in order. */
  seen: Seen[];
  /** The `Authorization` of each request the tool server got past the sign-in. */
  authorizations: (string | null)[];
  /** The access tokens issued, in order. */
  issued: string[];
  /** Ends every token issued so far, as their expiry would. */
  expireAll(): void;
  /** Refuses every refresh from now on (`invalid_grant`). */
  refuseRefresh(): void;
  /**
   * The browser: follows the authorization page's redirect to the loopback
   * address, and returns what the page there said; `tamper` changes the
   * address it goes back to.
   */
  browser(
    tamper?: (url: URL) => void,
  ): ((url: string) => Promise<void>) & { pages: string[] };
}

/** The scope the tool server's 401 names. */
export const SCOPE = "tools:read";

/** Starts both servers on free ports of 127.0.0.1. */
export function startOAuthServers(
  { expiresIn = 3600 }: { expiresIn?: number } = {},
): OAuthServers {
  const seen: Seen[] = [];
  const issued: string[] = [];
  const valid = new Set<string>();
  const refresh = new Map<string, string>(); // refresh token → client
  const codes = new Map<
    string,
    { client: string; challenge: string; redirect: string; resource: string }
  >();
  const clients = new Map<string, string[]>(); // client → redirect URIs
  let refusing = false;
  let count = 0;
  const sessions = new Map<string, HttpToolServer>();
  const inners: HttpToolServer[] = [];
  const authorizations: (string | null)[] = [];
  // Ends what the tool servers still stream when the servers close.
  const closing = new AbortController();
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  const tokens = (client: string) => {
    count++;
    const access = `at-${count}-${crypto.randomUUID()}`;
    const renew = `rt-${count}-${crypto.randomUUID()}`;
    issued.push(access);
    valid.add(access);
    refresh.set(renew, client);
    return json({
      access_token: access,
      token_type: "Bearer",
      expires_in: expiresIn,
      refresh_token: renew,
      scope: SCOPE,
    });
  };
  const as: Deno.HttpServer<Deno.NetAddr> = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request): Promise<Response> => {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === "/.well-known/oauth-authorization-server") {
        seen.push({ path, params: {} });
        return json({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          registration_endpoint: `${issuer}/register`,
          response_types_supported: ["code"],
          grant_types_supported: ["authorization_code", "refresh_token"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["none"],
        });
      }
      if (path === "/register" && request.method === "POST") {
        const body = await request.json();
        seen.push({ path, params: body });
        const id = `client-${clients.size + 1}`;
        clients.set(id, body.redirect_uris);
        return json({ ...body, client_id: id }, 201);
      }
      if (path === "/authorize") {
        const params = Object.fromEntries(url.searchParams);
        seen.push({ path, params });
        const redirects = clients.get(params.client_id);
        if (!redirects?.includes(params.redirect_uri)) {
          return new Response("unknown client or redirect", { status: 400 });
        }
        const code = `code-${crypto.randomUUID()}`;
        codes.set(code, {
          client: params.client_id,
          challenge: params.code_challenge,
          redirect: params.redirect_uri,
          resource: params.resource,
        });
        const back = new URL(params.redirect_uri);
        back.searchParams.set("code", code);
        back.searchParams.set("state", params.state);
        return new Response(null, {
          status: 302,
          headers: { location: back.href },
        });
      }
      if (path === "/token" && request.method === "POST") {
        const params = Object.fromEntries(
          new URLSearchParams(await request.text()),
        );
        seen.push({ path, params });
        if (params.grant_type === "authorization_code") {
          const code = codes.get(params.code);
          codes.delete(params.code);
          const challenge = await s256(params.code_verifier ?? "");
          if (
            !code || code.client !== params.client_id ||
            code.redirect !== params.redirect_uri ||
            code.challenge !== challenge || code.resource !== params.resource
          ) {
            return json({ error: "invalid_grant" }, 400);
          }
          return tokens(code.client);
        }
        if (params.grant_type === "refresh_token") {
          const client = refresh.get(params.refresh_token);
          if (refusing || client !== params.client_id) {
            return json({
              error: "invalid_grant",
              error_description: "the refresh token is not known",
            }, 400);
          }
          refresh.delete(params.refresh_token);
          return tokens(client);
        }
        return json({ error: "unsupported_grant_type" }, 400);
      }
      return new Response("not found", { status: 404 });
    },
  );
  const issuer: string = `http://127.0.0.1:${as.addr.port}`;
  const resource = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/.well-known/oauth-protected-resource/mcp") {
        return json({
          resource: `${url.origin}/mcp`,
          authorization_servers: [issuer],
          scopes_supported: [SCOPE, "tools:write"],
        });
      }
      const token = request.headers.get("authorization")?.match(
        /^Bearer (.+)$/,
      )?.[1];
      if (token === undefined || !valid.has(token)) {
        await request.body?.cancel();
        return new Response("sign in first", {
          status: 401,
          headers: {
            "www-authenticate": `Bearer resource_metadata="${url.origin}/` +
              `.well-known/oauth-protected-resource/mcp", scope="${SCOPE}"`,
          },
        });
      }
      authorizations.push(request.headers.get("authorization"));
      // A tool server of its own for each session: the HTTP test server
      // takes one.
      const id = request.headers.get("mcp-session-id");
      let inner = id === null ? undefined : sessions.get(id);
      if (inner === undefined) {
        inner = startHttpToolServer();
        inners.push(inner);
      }
      const response = await fetch(inner.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        // Not request.signal: Deno aborts it after every response, and warns
        // of that once it is listened to. A stream the client ends ends here
        // too (Deno cancels the body it was sending, the inner response);
        // one still open when the servers close is ended then.
        signal: closing.signal,
      });
      const started = response.headers.get("mcp-session-id");
      if (started !== null) sessions.set(started, inner);
      return response;
    },
  );
  return {
    url: `http://127.0.0.1:${resource.addr.port}/mcp`,
    issuer,
    seen,
    authorizations,
    issued,
    expireAll: () => valid.clear(),
    refuseRefresh: () => void (refusing = true),
    browser(tamper) {
      const pages: string[] = [];
      const open = async (address: string) => {
        const page = await fetch(address, { redirect: "manual" });
        await page.body?.cancel();
        const back = new URL(page.headers.get("location")!);
        tamper?.(back);
        const answer = await fetch(back);
        pages.push(await answer.text());
      };
      return Object.assign(open, { pages });
    },
    async [Symbol.asyncDispose]() {
      // A shutdown waits for the responses under way: none is left open.
      closing.abort();
      await as.shutdown();
      await resource.shutdown();
      for (const inner of inners) await inner[Symbol.asyncDispose]();
    },
  };
}

/** PKCE's S256: the base64url SHA-256 of the verifier. */
async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(verifier),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
