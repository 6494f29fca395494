/**
 * Every way the program can fail, told as one sentence a user can act on,
 * with the exit code that goes with it.
 *
 * @module
 */
import OpenAI from "openai";
import { AnswerError } from "./exchange/answer.ts";
import { ConfigError } from "./config/connection.ts";
import { endpointOf } from "./history/conversation.ts";
import { HistoryError } from "./history/errors.ts";
import { IdleTimeoutError } from "./exchange/idle.ts";
import { OutputError } from "./io/io.ts";
import { ConnectionFailure } from "./exchange/fetch.ts";
import { UsageError } from "./cli/usage_error.ts";
import { quoteLine, serverMessage } from "./exchange/server_message.ts";
import { STOP_SIGNALS, type StopSignal } from "./io/signals.ts";

/** Exit codes, as documented in the README and in `--help`. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: STOP_SIGNALS.SIGINT,
  terminated: STOP_SIGNALS.SIGTERM,
  hungUp: STOP_SIGNALS.SIGHUP,
} as const;

/** The reason a request was aborted by Ctrl-C, SIGTERM or SIGHUP. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor(readonly signal: StopSignal = "SIGINT") {
    super(signal === "SIGINT" ? "interrupted" : `interrupted by ${signal}`);
  }
}

/** What to tell the user, and how to exit. */
export interface Failure {
  /** One line, or empty when there is nothing to say (the reader left). */
  message: string;
  exitCode: number;
}

/** What the failed request was for, to name it in messages. */
export interface RequestContext {
  model: string;
  baseURL: string;
  /** The variable the key came from, when not OPENAI_API_KEY. */
  keyVariable?: string;
  /** Whether a key was sent (a server may need one that was not). */
  keySent?: boolean;
}

/**
 * Describes a failure in one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeFailure } from "./errors.ts";
 * import { UsageError } from "./cli/usage_error.ts";
 * assert.deepEqual(describeFailure(new UsageError("unknown option --x")), {
 *   message: "unknown option --x (see --help)",
 *   exitCode: 2,
 * });
 * ```
 */
export function describeFailure(
  error: unknown,
  context?: RequestContext,
): Failure {
  if (error instanceof UsageError) {
    return { message: `${error.message} (see --help)`, exitCode: EXIT.usage };
  }
  if (error instanceof ConfigError || error instanceof HistoryError) {
    return { message: error.message, exitCode: EXIT.usage };
  }
  if (
    error instanceof Deno.errors.NotCapable && /\bnet\b/.test(error.message)
  ) {
    return {
      message: "main.ts needs network access to reach the API: run " +
        "`deno task start`, or add --allow-net",
      exitCode: EXIT.usage,
    };
  }
  if (error instanceof Deno.errors.NotCapable) {
    return {
      message: "main.ts needs to read the OPENAI_* environment variables and " +
        ".env: run `deno task start`, or add --allow-env --allow-read=.env",
      exitCode: EXIT.usage,
    };
  }
  if (error instanceof OutputError) {
    return error.readerGone
      ? { message: "", exitCode: EXIT.ok }
      : { message: error.message, exitCode: EXIT.failed };
  }
  if (error instanceof InterruptedError) {
    return { message: error.message, exitCode: STOP_SIGNALS[error.signal] };
  }
  return {
    message: describeRequestFailure(error, context),
    exitCode: EXIT.failed,
  };
}

function describeRequestFailure(
  error: unknown,
  context: RequestContext = { model: "?", baseURL: "the server" },
): string {
  const { model, baseURL, keyVariable = "OPENAI_API_KEY", keySent = true } =
    context;
  const server = hostOf(baseURL);
  if (error instanceof AnswerError) return error.message;
  if (error instanceof IdleTimeoutError) {
    return `${error.message} (${server}): try again, or allow longer with --timeout`;
  }
  if (
    error instanceof OpenAI.APIConnectionError ||
    error instanceof ConnectionFailure
  ) {
    return describeConnectionFailure(error, server);
  }
  if (error instanceof OpenAI.APIError) {
    const said = quoteServer(error);
    const gone = modelGone(error, model, said);
    if (gone) {
      return `${modelNamed(model)}${
        gone === "retired" ? "is retired" : "was not found"
      } at ${server} (${error.status}): choose another with --model ` +
        `(it said: ${said})`;
    }
    switch (error.status) {
      case undefined:
        return `the server reported an error: ${said}`;
      case 401:
        return keySent
          ? `${server} rejected the API key (401): check ${keyVariable} ` +
            `(it said: ${said})`
          : `${server} wants an API key (401): set ${keyVariable} ` +
            `(it said: ${said})`;
      case 403:
        return `${server} denied access (403): ${said}`;
      case 404:
        return `${
          shownURL(baseURL)
        }/chat/completions was not found (404): check OPENAI_BASE_URL ` +
          `(it usually ends in /v1) and the model "${model}"`;
      case 429:
        return `${server} is rate limiting or out of quota (429), still after retries: ${said}`;
    }
    if (error.status >= 500) {
      return `${server} failed (${error.status}), still after retries: ${said}`;
    }
    return `${server} refused the request (${error.status}): ${said}`;
  }
  if (error instanceof TypeError && /body|connection/i.test(error.message)) {
    return `the connection to ${server} broke off before the answer was complete: try again`;
  }
  if (error instanceof SyntaxError) {
    return `the response from ${server} is not valid JSON (cut off, or not an ` +
      "OpenAI-compatible API?)";
  }
  return `unexpected error: ${quoteLine(String(error))}`;
}

function describeConnectionFailure(
  error: InstanceType<typeof OpenAI.APIConnectionError> | ConnectionFailure,
  server: string,
): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return `${server} did not answer in time: try again, or allow longer with --timeout`;
  }
  const cause = causes(error);
  if (/refused/i.test(cause)) {
    return `could not connect to ${server}: connection refused (is the server running?)`;
  }
  if (/dns|lookup|resolve|name or service|getaddrinfo/i.test(cause)) {
    return `could not find the host of ${server} (DNS lookup failed): check OPENAI_BASE_URL and your network`;
  }
  const detail = cause.split(": ").pop() || error.message;
  return `could not reach ${server}: ${quoteLine(detail)}`;
}

/** The error codes servers give a model they do not serve. */
const MODEL_GONE_CODES = [
  "model_not_found",
  "model_decommissioned",
  "model_deprecated",
  "model_retired",
];

/** The words of a server that has retired the model. */
const RETIRED =
  /deprecat|decommission|retire|no longer (?:available|supported|served)|shut ?down|sunset/i;

/** The words of a server that does not have the model. */
const MISSING = /does not exist|not found|unknown model|no such model/i;

/**
 * Whether an API error says the model itself is not served: `"retired"`
 * (410 Gone, or words such as "has been deprecated" or "decommissioned"),
 * `"missing"` (404 `model_not_found`, or the model named in a 404), or
 * `undefined` for any other failure. A 400 counts only by a model error code,
 * or by the model named with such words: a 400 that names the model may be
 * about something else (an option it does not take).
 */
function modelGone(
  error: InstanceType<typeof OpenAI.APIError>,
  model: string,
  said: string,
): "missing" | "retired" | undefined {
  const coded = MODEL_GONE_CODES.includes(String(error.code));
  const named = said.includes(model);
  const retired = RETIRED.test(said) ||
    (coded && error.code !== "model_not_found");
  switch (error.status) {
    case 410:
      return "retired";
    case 404:
      return retired && (coded || named)
        ? "retired"
        : coded || named
        ? "missing"
        : undefined;
    case 400:
      if (retired && (coded || named)) return "retired";
      return coded || (named && MISSING.test(said)) ? "missing" : undefined;
  }
  return undefined;
}

/** How a model-gone failure begins, naming the model. */
function modelNamed(model: string): string {
  return `the model "${model}" `;
}

/**
 * Whether `message` (a {@linkcode Failure}'s) says that the server does not
 * serve `model`: not found, or retired.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import OpenAI from "openai";
 * import { describeFailure, saysModelGone } from "./errors.ts";
 * const context = { model: "gpt-4o-2024-05-13", baseURL: "https://api.openai.com/v1" };
 * const gone = new OpenAI.APIError(410, { message: "Gone." }, undefined, new Headers());
 * const { message } = describeFailure(gone, context);
 * assert.equal(
 *   message,
 *   'the model "gpt-4o-2024-05-13" is retired at api.openai.com (410): ' +
 *     "choose another with --model (it said: Gone.)",
 * );
 * assert.equal(saysModelGone(message, context.model), true);
 * assert.equal(saysModelGone("the model refused: no", "gpt-4o"), false);
 * ```
 */
export function saysModelGone(message: string, model: string): boolean {
  return message.startsWith(modelNamed(model));
}

/**
 * Why another provider should be asked instead, in a few words, when the
 * failure says this one cannot answer now: it could not be reached, gave no
 * data in time, is rate limiting (429) or failed (5xx) after the SDK's own
 * retries. A failure that is the request's fault (400, 401, 404 model) is
 * `undefined`: another provider would fail it too, or should not get it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fallbackReason } from "./errors.ts";
 * import { ConnectionFailure } from "./exchange/fetch.ts";
 * const refused = new ConnectionFailure(new TypeError("tcp connect error: Connection refused (os error 111)"));
 * assert.equal(fallbackReason(refused), "connection refused");
 * assert.equal(fallbackReason(new Error("anything else")), undefined);
 * ```
 */
export function fallbackReason(error: unknown): string | undefined {
  if (error instanceof IdleTimeoutError) {
    return `no data for ${error.seconds} s`;
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return "no answer in time";
  }
  if (
    error instanceof OpenAI.APIConnectionError ||
    error instanceof ConnectionFailure
  ) {
    const cause = causes(error) || error.message;
    return /refused/i.test(cause)
      ? "connection refused"
      : /dns|lookup|resolve|name or service|getaddrinfo/i.test(cause)
      ? "host not found"
      : /reset/i.test(cause)
      ? "connection reset"
      : "could not connect";
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    if (error.status === 429) return "rate limited (429)";
    if (error.status === 408) return "timed out (408)";
    if (error.status >= 500) return `failed (${error.status})`;
  }
  return undefined;
}

/** The messages of an error's causes, innermost last, joined by ": ". */
function causes(error: Error): string {
  const messages = [];
  for (let e = error.cause; e instanceof Error; e = e.cause) {
    messages.push(e.message);
  }
  return messages.join(": ");
}

/** The server's own words from an API error, on one line, HTML left out. */
function quoteServer(error: InstanceType<typeof OpenAI.APIError>): string {
  const text = error.error == null
    ? error.message.replace(/^\d{3} /, "").replace("status code (no body)", "")
    : serverMessage(error.error);
  if (/<(!doctype|html|head|body)\b/i.test(text)) {
    return "it answered with an HTML page, not JSON (a proxy or gateway in the way?)";
  }
  return quoteLine(text) || "no details given";
}

/** The base URL without credentials or query: what messages may show. */
function shownURL(baseURL: string): string {
  return URL.canParse(baseURL)
    ? `${new URL(baseURL).protocol}//${endpointOf(baseURL)}`
    : baseURL;
}

function hostOf(baseURL: string): string {
  return URL.canParse(baseURL) ? new URL(baseURL).host : baseURL;
}
