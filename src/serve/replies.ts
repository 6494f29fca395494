/**
 * What `--serve` answers with: JSON with the headers every answer carries,
 * OpenAI's error shape `{"error": {"message", "type", "code"?}}` with the
 * status it means, server-sent events, and an upstream failure told as
 * the terminal tells it.
 *
 * @module
 */
import OpenAI from "openai";
import { describeFailure, InterruptedError } from "../errors.ts";
import { ConfigError } from "../config/connection.ts";
import { ConnectionFailure, RedirectError } from "../exchange/fetch.ts";
import { IdleTimeoutError } from "../exchange/idle.ts";
import { AnswerError } from "../exchange/answer.ts";
import { contextOf } from "../exchange/request.ts";
import type { Target } from "../config/plan.ts";

/** The Content-Security-Policy of every answer, page and API alike. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
  "img-src 'self' data: blob:; connect-src 'self'; font-src 'none'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; " +
  "frame-ancestors 'none'";

/** The headers of every API answer. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** A request `--serve` answers with an error: the status, and OpenAI's error fields. */
export class ServeError extends Error {
  override name = "ServeError";
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The error as OpenAI's API sends one. */
  get body(): { error: { message: string; type: string; code?: string } } {
    return {
      error: {
        message: this.message,
        type: this.type,
        ...(this.code === undefined ? {} : { code: this.code }),
      },
    };
  }
}

/** A 400 of the request's own making. */
export function badRequest(message: string, code?: string): ServeError {
  return new ServeError(400, message, "invalid_request_error", code);
}

/** JSON, with the API's headers (and `headers`). */
export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      ...API_HEADERS,
      "content-type": "application/json",
      ...headers,
    },
  });
}

/**
 * The answer to an error: {@linkcode ServeError}'s own, else a 500 saying
 * what happened; its words through `redact`.
 */
export function errorResponse(
  error: unknown,
  redact: (text: string) => string = (text) => text,
): Response {
  const failure = error instanceof ServeError
    ? error
    : new ServeError(500, describeFailure(error).message, "server_error");
  const { body } = failure;
  return json(
    { error: { ...body.error, message: redact(body.error.message) } },
    failure.status,
    failure.headers,
  );
}

/** A stream of server-sent events, with the API's headers. */
export function eventStream(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    headers: {
      ...API_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "x-accel-buffering": "no",
    },
  });
}

/** One server-sent event: its data, JSON (or `[DONE]`), and a name when given. */
export function event(data: unknown, name?: string): string {
  return `${name === undefined ? "" : `event: ${name}\n`}data: ${
    typeof data === "string" ? data : JSON.stringify(data)
  }\n\n`;
}

/** The client went away: its upstream request is aborted with this. */
export class ClientGone extends Error {
  override name = "ClientGone";
  constructor() {
    super("the client went away");
  }
}

/**
 * The failure of a request to `target` (the abort's reason, or what the SDK
 * threw) as `--serve` answers it: the terminal's sentence (its advice is
 * the server's owner's to follow), with the status it means. An upstream's
 * 4xx keeps its status, type and code (a 401 is its key's, not the
 * client's: the server's own code is `token_required`); a 5xx, an
 * unreachable server, a redirect or an answer that is none is a 502; no
 * data in time a 504; the server stopping a 503.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failureOf } from "./replies.ts";
 * import { ConnectionFailure } from "../exchange/fetch.ts";
 * const target = {
 *   spec: "gpt-4o", shown: "gpt-4o", model: "gpt-4o",
 *   connection: { apiKey: "secret", baseURL: "http://127.0.0.1:9/v1", organization: null, project: null },
 * };
 * const refused = new ConnectionFailure(new TypeError("tcp connect error: Connection refused (os error 111)"));
 * assert.deepEqual(failureOf(refused, target).body, {
 *   error: {
 *     message: "could not connect to 127.0.0.1:9: connection refused (is the server running?)",
 *     type: "server_error",
 *     code: "upstream_unreachable",
 *   },
 * });
 * assert.equal(failureOf(refused, target).status, 502);
 * ```
 */
export function failureOf(error: unknown, target?: Target): ServeError {
  const { message } = describeFailure(error, target && contextOf(target));
  if (error instanceof ServeError) return error;
  if (error instanceof InterruptedError) {
    return new ServeError(
      503,
      "the server is stopping: the answer was not finished",
      "server_error",
      "server_stopping",
    );
  }
  if (
    error instanceof IdleTimeoutError ||
    error instanceof OpenAI.APIConnectionTimeoutError
  ) {
    return new ServeError(504, message, "server_error", "upstream_timeout");
  }
  if (
    error instanceof OpenAI.APIConnectionError ||
    error instanceof ConnectionFailure
  ) {
    return new ServeError(502, message, "server_error", "upstream_unreachable");
  }
  if (error instanceof RedirectError) {
    return new ServeError(502, message, "server_error", "upstream_redirect");
  }
  if (error instanceof OpenAI.APIError) {
    const type = typeof error.type === "string" ? error.type : undefined;
    const code = typeof error.code === "string" ? error.code : undefined;
    const status = error.status;
    if (status !== undefined && status >= 400 && status < 500) {
      return new ServeError(
        status,
        message,
        type ?? "invalid_request_error",
        code,
      );
    }
    return new ServeError(502, message, type ?? "server_error", code);
  }
  if (error instanceof AnswerError || error instanceof SyntaxError) {
    return new ServeError(502, message, "server_error", "upstream_invalid");
  }
  if (error instanceof ConfigError) {
    return badRequest(message, "model_not_available");
  }
  return new ServeError(500, message, "server_error");
}
