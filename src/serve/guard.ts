/**
 * What `--serve` checks of a request before it does anything for it: that
 * it was sent to the address served (a `Host` of another name is DNS
 * rebinding), from the server's own page or the `--cors` origin (a page
 * elsewhere may send, but not read), with the token when there is one
 * (compared in constant time); its body read within bounds; and a slot free
 * among the `--concurrency` that go upstream at once.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { REQUEST_LIMIT } from "../files/kinds.ts";
import { sizeText } from "../files/attachments.ts";
import { ServeError } from "./replies.ts";

/**
 * The largest request body read: the attachments one request may carry
 * ({@linkcode REQUEST_LIMIT}), as the base64 a body holds them in, and
 * 1 MiB for the rest.
 */
export const BODY_LIMIT = Math.ceil(REQUEST_LIMIT / 3) * 4 + 1024 * 1024;

/** Whether `host` (as `--host` gives it: IPv6 without brackets) is this machine's loopback. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" ||
    /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether `host` is every address of the machine (0.0.0.0, ::). */
function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

/** An IP address as a `Host` header names it: dotted IPv4, or IPv6 in brackets. */
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/;

/** What a {@linkcode Guard} guards: the address served, and what it lets in. */
export interface Guarded {
  /** The address listened on, as `--host` gives it. */
  host: string;
  /** The port listened on (the one chosen for `--port 0`). */
  port: number;
  /** The address the system bound, e.g. the IP a host name stands for. */
  bound?: string;
  /** `GPT4O_SERVE_TOKEN`. */
  token?: string;
  /** `--cors`' origin. */
  cors?: string;
}

/**
 * The checks of each request, for one address served.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Guard } from "./guard.ts";
 * const guard = new Guard({ host: "127.0.0.1", port: 1337 });
 * const request = (host: string) =>
 *   new Request("http://127.0.0.1:1337/v1/models", { headers: { host } });
 * assert.equal(guard.checkHost(request("localhost:1337")), undefined);
 * assert.throws(() => guard.checkHost(request("evil.example:1337")), { status: 421 });
 * ```
 */
export class Guard {
  readonly #names: Set<string>;
  readonly #anyAddress: boolean;
  readonly #token?: Buffer;

  constructor(readonly guarded: Guarded) {
    const { host, bound, token } = guarded;
    const bracket = (name: string) => name.includes(":") ? `[${name}]` : name;
    this.#names = new Set(
      isLoopback(host)
        ? ["localhost", "127.0.0.1", "[::1]"]
        : [bracket(host), ...(bound ? [bracket(bound)] : [])],
    );
    this.#anyAddress = isWildcard(host);
    if (token !== undefined) this.#token = digest(token);
  }

  /**
   * Refuses a request whose `Host` is not the address served (name or IP,
   * and port): a page on another name reaching this port is a rebinding
   * attack. Listening on every address, any IP address is taken (no DNS
   * name is), and `localhost`.
   *
   * @throws {ServeError} 421.
   */
  checkHost(request: Request): void {
    const header = request.headers.get("host") ?? "";
    const url = /^[\w.:[\]-]+$/.test(header) &&
        URL.canParse(`http://${header}/`)
      ? new URL(`http://${header}/`)
      : undefined;
    const port = url && (url.port || "80");
    const name = url?.hostname;
    const named = name !== undefined &&
      (this.#names.has(name) ||
        (this.#anyAddress && (IP_LITERAL.test(name) || name === "localhost")));
    if (named && port === String(this.guarded.port)) return;
    throw new ServeError(
      421,
      `this server answers requests to ${this.address}, not to ` +
        `${JSON.stringify(header.slice(0, 100))}: open it by that address`,
      "invalid_request_error",
      "misdirected_request",
    );
  }

  /** The address served, as a URL's authority: `127.0.0.1:1337`, `[::1]:1337`. */
  get address(): string {
    const { host, port } = this.guarded;
    return `${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  /**
   * Refuses a request a page of another origin sent (its `Origin` is not
   * this server's, nor `--cors`' origin): such a page may send a request it
   * cannot read the answer to, and that would still cost an answer.
   *
   * @throws {ServeError} 403.
   */
  checkOrigin(request: Request): void {
    const origin = request.headers.get("origin");
    if (origin === null || this.#allowed(request, origin)) return;
    throw new ServeError(
      403,
      `the pages of ${
        JSON.stringify(origin.slice(0, 100))
      } may not call this server: start it with --cors and that origin ` +
        "to let them",
      "invalid_request_error",
      "origin_not_allowed",
    );
  }

  #allowed(request: Request, origin: string): boolean {
    const own = `http://${request.headers.get("host") ?? ""}`.toLowerCase();
    return origin.toLowerCase() === own || origin === this.guarded.cors;
  }

  /**
   * The headers that let the `--cors` origin read an answer: none for a
   * request from anywhere else, or without `--cors`.
   */
  corsHeaders(request: Request): Record<string, string> {
    const { cors } = this.guarded;
    if (cors === undefined || request.headers.get("origin") !== cors) {
      return {};
    }
    return {
      "access-control-allow-origin": cors,
      "access-control-expose-headers": "retry-after",
      "vary": "Origin",
    };
  }

  /**
   * The answer to a browser's preflight (`OPTIONS`) of an API request from
   * the `--cors` origin: the methods, and the headers it asks for (the
   * SDK's own among them), for ten minutes.
   *
   * @throws {ServeError} 405 without `--cors`, or from another origin.
   */
  preflight(request: Request): Response {
    const headers = this.corsHeaders(request);
    if (!headers["access-control-allow-origin"]) {
      throw new ServeError(
        405,
        "OPTIONS is a browser's question before a request from another " +
          "origin, which this server answers only for the origin --cors names",
        "invalid_request_error",
        "method_not_allowed",
      );
    }
    const asked = request.headers.get("access-control-request-headers") ?? "";
    return new Response(null, {
      status: 204,
      headers: {
        ...headers,
        "access-control-allow-methods": "GET, POST, OPTIONS",
        ...(/^[\w-]+(\s*,\s*[\w-]+)*$/.test(asked)
          ? { "access-control-allow-headers": asked }
          : {}),
        "access-control-max-age": "600",
      },
    });
  }

  /**
   * Refuses an API request without the token (`Authorization: Bearer …`)
   * when there is one; the two are compared as SHA-256 hashes, in constant
   * time.
   *
   * @throws {ServeError} 401, code `token_required`.
   */
  checkToken(request: Request): void {
    if (this.#token === undefined) return;
    const sent = request.headers.get("authorization")?.match(
      /^Bearer\s+(\S+)\s*$/i,
    )?.[1];
    if (sent !== undefined && timingSafeEqual(digest(sent), this.#token)) {
      return;
    }
    throw new ServeError(
      401,
      sent === undefined
        ? "this server wants its token: send Authorization: Bearer and " +
          "GPT4O_SERVE_TOKEN's value (an SDK's API key)"
        : "the token is not this server's: send GPT4O_SERVE_TOKEN's value",
      "invalid_request_error",
      "token_required",
      { "www-authenticate": "Bearer" },
    );
  }
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * A request's body, read to its end but no further than `limit` bytes
 * (whatever its `Content-Length` says), as JSON: an object.
 *
 * @throws {ServeError} 413 past the limit; 400 for a body that is not a
 * JSON object.
 */
export async function readJSON(
  request: Request,
  limit = BODY_LIMIT,
): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await readBody(request, limit));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ServeError(
      400,
      `the request's body is not JSON (${(error as Error).message})`,
      "invalid_request_error",
      "invalid_json",
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ServeError(
      400,
      "the request's body is not a JSON object",
      "invalid_request_error",
      "invalid_json",
    );
  }
  return body as Record<string, unknown>;
}

/** The body's bytes, at most `limit` of them. */
async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new ServeError(
      413,
      `the request's body is over the ${sizeText(limit)} limit`,
      "invalid_request_error",
      "request_too_large",
    );
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) {
    request.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read; !(read = await reader.read()).done;) {
    size += read.value.length;
    if (size > limit) {
      await reader.cancel(); // the rest is not read
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * The upstream requests that may be under way at once; a request past them
 * is refused at once (429, `Retry-After: 1`) rather than kept waiting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Slots } from "./guard.ts";
 * const slots = new Slots(1);
 * const slot = slots.take();
 * assert.throws(() => slots.take(), { status: 429 });
 * slot[Symbol.dispose]();
 * slots.take()[Symbol.dispose]();
 * ```
 */
export class Slots {
  #free: number;

  constructor(readonly size: number) {
    this.#free = size;
  }

  /**
   * A slot, given back when disposed (once, however often disposed).
   *
   * @throws {ServeError} 429 when none is free.
   */
  take(): Disposable {
    if (this.#free === 0) {
      throw new ServeError(
        429,
        `the server is answering ${this.size} requests, as many as ` +
          "--concurrency lets it: try again in a moment",
        "requests",
        "rate_limit_exceeded",
        { "retry-after": "1" },
      );
    }
    this.#free--;
    let given = false;
    return {
      [Symbol.dispose]: () => {
        if (!given) this.#free++;
        given = true;
      },
    };
  }
}
