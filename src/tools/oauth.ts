/**
 * Signing in to a `url` tool server that asks for it (MCP authorization:
 * OAuth 2.1, the authorization code with PKCE). The MCP SDK's `auth()` does
 * the protocol when the server answers 401: the protected resource's
 * metadata (RFC 9728, from `WWW-Authenticate`'s `resource_metadata` or the
 * well-known place), the authorization server's (RFC 8414 or OpenID
 * discovery), dynamic client registration (RFC 7591), the scope
 * `WWW-Authenticate` names, the `resource` parameter (RFC 8707), the code's
 * exchange and the refresh of an expired token. This module is the
 * {@linkcode OAuthClientProvider} it asks: the sign-in kept on disk
 * (`src/tools/tokens.ts`), the browser opened at the authorization page, and
 * the redirect received on a loopback port: 127.0.0.1, a port of the
 * system's choosing (the one registered, on later sign-ins), one request
 * served and its `state` checked, then closed.
 *
 * @module
 */
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { OAuthError, UnauthorizedError } from "@modelcontextprotocol/client";
import type { ToolServer } from "../config/file.ts";
import { ConfigError } from "../config/connection.ts";
import type { Secrets } from "../io/redact.ts";
import { SignInStore } from "./tokens.ts";
import { mayOpen } from "./browser.ts";
import project from "../../deno.json" with { type: "json" };

/** How long the browser has to come back from the authorization page: 5 minutes. */
export const SIGN_IN_MS = 5 * 60_000;

/** What signing in needs from the outside world. */
export interface SignInIo {
  /** Where the sign-ins are kept (`src/tools/tokens.ts`); `undefined` keeps them for the run. */
  folder: string | undefined;
  /** The run's masked secrets: every token goes there. */
  secrets: Secrets;
  /** Whether someone is at a terminal to sign in. */
  interactive: boolean;
  /** Writes one line on stderr. */
  say(line: string): void;
  /** Opens `url` in the browser; throws when none could start. */
  open(url: string): Promise<void>;
  /** The time now, in milliseconds since 1970. */
  now(): number;
  /** How long to wait for the browser's redirect; {@linkcode SIGN_IN_MS} unless told. */
  waitMs?: number;
}

/**
 * One server's sign-in for one run: the SDK's provider, and the loopback
 * listener the browser comes back to. Disposing of it closes the listener,
 * and waits until it is closed.
 */
export class SignIn implements OAuthClientProvider, AsyncDisposable {
  readonly #store: SignInStore;
  #verifier?: string;
  #discovery?: OAuthDiscoveryState;
  #state?: string;
  #listener?: Deno.HttpServer<Deno.NetAddr>;
  #closing?: Promise<void>;
  #port?: number;
  #redirect?: PromiseWithResolvers<URLSearchParams>;
  /** The browser is at the authorization page: the next failure to connect waits for it. */
  #opened = false;
  /** A sign-in was made in this run: another is not asked for. */
  #signedIn = false;
  #warned = false;

  constructor(readonly server: ToolServer, readonly io: SignInIo) {
    this.#store = new SignInStore(
      io.folder,
      server.name,
      server.target,
      io.secrets,
    );
  }

  /** The loopback address the browser is sent back to: listened on from the first time it is read. */
  get redirectUrl(): string {
    return `http://127.0.0.1:${this.#listen()}/callback`;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "gpt4o",
      software_id: "gpt4o",
      software_version: project.version,
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  state(): string {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    return this.#state = btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  clientInformation(): StoredOAuthClientInformation | undefined {
    const { client, port } = this.#store.read();
    // A client registered for another port is registered again.
    return port === this.#listen() ? client : undefined;
  }

  saveClientInformation(client: StoredOAuthClientInformation): void {
    this.#save({ client, port: this.#listen() });
  }

  /**
   * The tokens; for the server's own requests (no `ctx`), none once the
   * access token has expired, so that the server's 401 has the SDK refresh
   * it.
   */
  tokens(ctx?: unknown): StoredOAuthTokens | undefined {
    const { tokens } = this.#store.read();
    if (
      ctx === undefined && tokens?.expires_at !== undefined &&
      tokens.expires_at <= this.io.now()
    ) {
      return undefined;
    }
    return tokens;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    const expires = typeof tokens.expires_in === "number"
      ? { expires_at: this.io.now() + tokens.expires_in * 1000 }
      : {};
    this.#save({ tokens: { ...tokens, ...expires } });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const name = this.server.name;
    if (this.#signedIn) {
      throw new ConfigError(
        `tool server ${name} asked for a sign-in again right after one: ` +
          `run gpt4o --logout ${name}, then sign in again`,
      );
    }
    if (!this.io.interactive) throw signInNeeded(name);
    if (!mayOpen(authorizationUrl)) {
      throw new ConfigError(
        `tool server ${name} needs you to sign in at a page that is not ` +
          `https: (${authorizationUrl.protocol}), which gpt4o does not open`,
      );
    }
    this.#redirect = Promise.withResolvers();
    // Waited for once the SDK gives up on this connection: until then, a
    // refusal is held, not unhandled.
    this.#redirect.promise.catch(() => {});
    this.io.say(
      `tool server ${name} needs you to sign in: opening ${authorizationUrl.href}`,
    );
    try {
      await this.io.open(authorizationUrl.href);
    } catch (error) {
      throw new ConfigError(
        `tool server ${name} needs you to sign in, and no browser opened (${
          error instanceof Error ? error.message : String(error)
        }): set BROWSER to your browser's command`,
      );
    }
    this.#opened = true;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (this.#verifier === undefined) throw new Error("no sign-in was begun");
    return this.#verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery;
  }

  invalidateCredentials(
    scope: "all" | "client" | "tokens" | "verifier" | "discovery",
  ): void {
    if (scope === "all" || scope === "verifier") this.#verifier = undefined;
    if (scope === "all" || scope === "discovery") this.#discovery = undefined;
    if (scope === "all" || scope === "client") {
      this.#save({ client: undefined, port: undefined });
    }
    if (scope === "all" || scope === "tokens") {
      this.#save({ tokens: undefined });
    }
  }

  /**
   * After a failure to connect: when it was the server asking for a sign-in
   * and the browser is at the page, waits for the redirect and exchanges its
   * code for tokens (`transport.finishAuth`), and says to connect again.
   *
   * @throws {ConfigError} when the sign-in fails, is refused or times out.
   */
  async completed(
    error: unknown,
    transport: StreamableHTTPClientTransport,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (!this.#opened || !(error instanceof UnauthorizedError)) return false;
    this.#opened = false;
    const name = this.server.name;
    const params = await this.#redirected(signal);
    try {
      await transport.finishAuth(params);
    } catch (error) {
      throw new ConfigError(
        `tool server ${name}: the sign-in failed: ${
          error instanceof OAuthError
            ? `${error.code}${
              error.message && error.message !== error.code
                ? ` (${error.message.slice(0, 200)})`
                : ""
            }`
            : error instanceof Error
            ? error.message.split("\n")[0].slice(0, 300)
            : String(error)
        }`,
      );
    }
    this.#signedIn = true;
    return true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#redirect?.reject(new Error("the sign-in ended"));
    await this.#closing;
    await this.#listener?.shutdown();
    this.#listener = undefined;
  }

  /** The browser's redirect: its query, once its `state` is checked. */
  async #redirected(signal?: AbortSignal): Promise<URLSearchParams> {
    const name = this.server.name;
    const wait = this.io.waitMs ?? SIGN_IN_MS;
    const stop = Promise.withResolvers<never>();
    const abort = () => stop.reject(signal?.reason);
    signal?.addEventListener("abort", abort, { once: true });
    const timer = setTimeout(
      () =>
        stop.reject(
          new ConfigError(
            `tool server ${name}: no sign-in came back within ${
              Math.round(wait / 60_000) || 1
            } minute${wait > 60_000 ? "s" : ""}: run again to sign in`,
          ),
        ),
      wait,
    );
    try {
      return await Promise.race([this.#redirect!.promise, stop.promise]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    }
  }

  /** Listens on the loopback port (the one registered, when it is free) and returns it. */
  #listen(): number {
    if (this.#port !== undefined) return this.#port;
    const registered = this.#store.read().port;
    const serve = (port: number) =>
      Deno.serve(
        { hostname: "127.0.0.1", port, onListen() {} },
        (request) => this.#answer(request),
      );
    try {
      this.#listener = serve(registered ?? 0);
    } catch (error) {
      if (registered === undefined) throw error;
      this.#listener = serve(0); // taken: the client registers again
    }
    return this.#port = this.#listener.addr.port;
  }

  /** The one request the listener serves: the browser's redirect. */
  #answer(request: Request): Response {
    this.#closing = this.#listener?.shutdown();
    this.#listener = undefined;
    const url = new URL(request.url);
    const params = url.searchParams;
    const ours = url.pathname === "/callback" && this.#state !== undefined &&
      params.get("state") === this.#state;
    if (!ours) {
      this.#redirect?.reject(
        new ConfigError(
          `tool server ${this.server.name}: the browser came back with an ` +
            "answer to another sign-in than this one: run again to sign in",
        ),
      );
      return page(400, "This is not the sign-in gpt4o asked for.");
    }
    this.#redirect?.resolve(params);
    return page(
      200,
      params.has("code")
        ? "Signed in: you can close this page and go back to gpt4o."
        : "The sign-in did not complete: gpt4o says why.",
    );
  }

  /** Keeps `changes`; a sign-in that cannot be written lasts the run, said once. */
  #save(changes: Parameters<SignInStore["save"]>[0]): void {
    try {
      this.#store.save(changes);
    } catch (error) {
      if (this.#warned) return;
      this.#warned = true;
      this.io.say(
        `tool server ${this.server.name}: the sign-in is kept for this run ` +
          `only: ${this.#store.path} could not be written (${
            error instanceof Error ? error.message : String(error)
          })`,
      );
    }
  }
}

/** A page the browser shows after the redirect: plain text, nothing of the request's. */
function page(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      // One request served, then the connection closed with the listener.
      connection: "close",
    },
  });
}

/** A run with no one at a terminal cannot sign in: what to do instead. */
export function signInNeeded(name: string): ConfigError {
  return new ConfigError(
    `tool server ${name} needs you to sign in: run gpt4o -T ${name} ` +
      "--list-tools at a terminal",
  );
}
