/**
 * The `fetch` the OpenAI client sends through: it turns what servers really
 * send into what the SDK understands, and stops at once when the program may
 * not use the network.
 *
 * @module
 */
import { ConfigError } from "../config/connection.ts";

/** The connection to the server could not be made, or broke before a response. */
export class ConnectionFailure extends Error {
  override name = "ConnectionFailure";
  constructor(override readonly cause: Error) {
    super(cause.message, { cause });
  }
}

/** How many redirects within one server are followed. */
const MAX_REDIRECTS = 5;

/**
 * The server sent the request elsewhere, which the program does not follow:
 * the message says where to, and how to send there in the first place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RedirectError } from "./fetch.ts";
 * const error = new RedirectError(
 *   new URL("http://127.0.0.1:1337/v1/chat/completions"),
 *   new URL("https://api.example/v2/chat/completions?sig=1"),
 *   307,
 * );
 * assert.equal(
 *   error.message,
 *   "127.0.0.1:1337 redirected the request (307) to " +
 *     "https://api.example/v2/chat/completions, which is not followed so " +
 *     "that no key or header goes to another server: if the API is there, " +
 *     "set OPENAI_BASE_URL=https://api.example/v2",
 * );
 * ```
 */
export class RedirectError extends ConfigError {
  override name = "RedirectError";
  constructor(from: URL, to: URL, status: number) {
    const where = `${to.protocol}//${to.host}${to.pathname}`;
    super(
      `${from.host} redirected the request (${status}) to ${where}, which ` +
        "is not followed so that no key or header goes to another server: " +
        "if the API is there, set OPENAI_BASE_URL=" +
        where.replace(/\/chat\/completions\/?$/, ""),
    );
  }
}

/**
 * Wraps `fetch` so that:
 * - a missing network permission aborts `controller` at once (the SDK
 *   would retry it as a connection error), and with `fallback` (another
 *   provider follows) so does a connection that cannot be made, as a
 *   {@linkcode ConnectionFailure};
 * - a redirect to another server is not followed (Deno's own `fetch` drops
 *   only `Authorization` there, not the SDK's other headers or
 *   `OPENAI_CUSTOM_HEADERS`): it aborts `controller` with a
 *   {@linkcode RedirectError}; a 307 or 308 within the same server is;
 * - an error body without OpenAI's `error` field (problem details, FastAPI's
 *   `detail`) reaches the SDK as `{"error": body}`, so its words are kept;
 * - a server that ignores `stream: true` and answers one JSON completion is
 *   turned into the stream of one chunk that it stands for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverFetch } from "./fetch.ts";
 * const fetch = serverFetch(
 *   () => Promise.resolve(Response.json({ detail: "Not Found" }, { status: 404 })),
 *   new AbortController(),
 * );
 * const response = await fetch("http://127.0.0.1/v1/chat/completions");
 * assert.deepEqual(await response.json(), { error: { detail: "Not Found" } });
 * ```
 */
export function serverFetch(
  fetch: typeof globalThis.fetch,
  controller: AbortController,
  { fallback = false }: { fallback?: boolean } = {},
): typeof globalThis.fetch {
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let response;
    for (let hops = 0;; hops++) {
      try {
        response = await fetch(url, { ...init, redirect: "manual" });
      } catch (error) {
        if (error instanceof Deno.errors.NotCapable) controller.abort(error);
        // With another provider to ask, a refused connection is not retried.
        if (
          fallback && error instanceof TypeError && !controller.signal.aborted
        ) {
          controller.abort(new ConnectionFailure(error));
        }
        throw error;
      }
      const location = response.headers.get("location");
      if (response.status < 300 || response.status > 399 || !location) break;
      await response.body?.cancel();
      const to = new URL(location, url);
      // Only a 307 or 308 within the same server keeps its method, body and
      // headers; anything else is not followed, and no key goes anywhere.
      if (
        to.origin !== url.origin || ![307, 308].includes(response.status) ||
        hops >= MAX_REDIRECTS
      ) {
        const error = new RedirectError(url, to, response.status);
        controller.abort(error);
        throw error;
      }
      url = to;
    }
    if (!isJSON(response)) return response;
    if (!response.ok) return await withErrorField(response);
    if (asksForStream(init)) return await asStream(response);
    return response;
  };
}

function isJSON(response: Response): boolean {
  const type = response.headers.get("content-type") ?? "";
  return /^application\/(.+\+)?json\b/i.test(type.trim());
}

function asksForStream(init: RequestInit | undefined): boolean {
  if (typeof init?.body !== "string") return false;
  try {
    return JSON.parse(init.body).stream === true;
  } catch {
    return false;
  }
}

function copy(response: Response, body: string, type?: string): Response {
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  if (type) headers.set("content-type", type);
  const { status, statusText } = response;
  return new Response(body, { status, statusText, headers });
}

async function withErrorField(response: Response): Promise<Response> {
  const text = await response.text();
  const body = parse(text);
  const bare = typeof body === "object" && body !== null &&
    !Array.isArray(body) && !("error" in body);
  return copy(response, bare ? JSON.stringify({ error: body }) : text);
}

/** A chat completion's choice as a stream chunk's choice. */
function asDelta(choice: Record<string, unknown>, index: number) {
  const message = (choice.message ?? {}) as Record<string, unknown>;
  const toolCalls = message.tool_calls;
  return {
    index: choice.index ?? index,
    delta: {
      ...message,
      ...(Array.isArray(toolCalls)
        ? { tool_calls: toolCalls.map((call, i) => ({ index: i, ...call })) }
        : {}),
    },
    logprobs: choice.logprobs ?? null,
    finish_reason: choice.finish_reason ?? "stop",
  };
}

async function asStream(response: Response): Promise<Response> {
  const text = await response.text();
  const body = parse(text);
  const choices = (body as { choices?: unknown } | undefined)?.choices;
  const event = Array.isArray(choices)
    ? JSON.stringify({
      ...(body as object),
      object: "chat.completion.chunk",
      choices: choices.map(asDelta),
    })
    : text.replace(/\s*\n\s*/g, " "); // an error: the SDK reports it
  return copy(
    response,
    `data: ${event}\n\ndata: [DONE]\n\n`,
    "text/event-stream",
  );
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Wraps `fetch` so that `see` gets each response's headers as they arrive:
 * g4f.space names the provider that answered in `X-Provider`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchHeaders } from "./fetch.ts";
 * let provider = "";
 * const fetch = watchHeaders(
 *   () => Promise.resolve(new Response("{}", { headers: { "x-provider": "Copilot" } })),
 *   (headers) => void (provider = headers.get("x-provider") ?? ""),
 * );
 * await (await fetch("http://127.0.0.1/v1/chat/completions")).body?.cancel();
 * assert.equal(provider, "Copilot");
 * ```
 */
export function watchHeaders(
  fetch: typeof globalThis.fetch,
  see: (headers: Headers) => void,
): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    see(response.headers);
    return response;
  };
}
