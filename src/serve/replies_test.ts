import assert from "node:assert/strict";
import OpenAI from "openai";
import { ConfigError } from "../config/connection.ts";
import { InterruptedError } from "../errors.ts";
import { CutOffError } from "../exchange/answer.ts";
import { ConnectionFailure, RedirectError } from "../exchange/fetch.ts";
import { IdleTimeoutError } from "../exchange/idle.ts";
import type { Target } from "../config/plan.ts";
import { errorResponse, event, failureOf, ServeError } from "./replies.ts";

const TARGET: Target = {
  spec: "groq:x",
  shown: "x (groq)",
  model: "x",
  provider: "groq",
  keyVariable: "GROQ_API_KEY",
  connection: {
    apiKey: "gsk-0123456789",
    baseURL: "https://api.groq.com/openai/v1",
    organization: null,
    project: null,
  },
};

const apiError = (status: number | undefined, body: Record<string, unknown>) =>
  new OpenAI.APIError(status, body, undefined, new Headers());

Deno.test("failureOf() gives each failure the status it means and the terminal's sentence", async (t) => {
  const cases: [string, unknown, number, string, string | undefined, string][] =
    [
      [
        "the server stopping",
        new InterruptedError("SIGTERM"),
        503,
        "server_error",
        "server_stopping",
        "the server is stopping: the answer was not finished",
      ],
      [
        "no data in time",
        new IdleTimeoutError(120),
        504,
        "server_error",
        "upstream_timeout",
        "no data arrived from the server for 120 s (api.groq.com): try again, or allow longer with --timeout",
      ],
      [
        "the SDK's timeout",
        new OpenAI.APIConnectionTimeoutError(),
        504,
        "server_error",
        "upstream_timeout",
        "api.groq.com did not answer in time: try again, or allow longer with --timeout",
      ],
      [
        "unreachable",
        new ConnectionFailure(
          new TypeError("Connection refused (os error 111)"),
        ),
        502,
        "server_error",
        "upstream_unreachable",
        "could not connect to api.groq.com: connection refused (is the server running?)",
      ],
      [
        "a redirect",
        new RedirectError(
          new URL("https://api.groq.com/openai/v1/chat/completions"),
          new URL("https://else.example/v1/chat/completions"),
          302,
        ),
        502,
        "server_error",
        "upstream_redirect",
        "api.groq.com redirected the request (302) to https://else.example/v1/chat/completions, which is not followed so that no key or header goes to another server: if the API is there, set OPENAI_BASE_URL=https://else.example/v1",
      ],
      [
        "a 401: the server's key",
        apiError(401, {
          message: "Invalid API Key",
          type: "invalid_request_error",
          code: "invalid_api_key",
        }),
        401,
        "invalid_request_error",
        "invalid_api_key",
        "api.groq.com rejected the API key (401): check GROQ_API_KEY (it said: Invalid API Key)",
      ],
      [
        "a 429 after retries",
        apiError(429, { message: "Slow down." }),
        429,
        "invalid_request_error",
        undefined,
        "api.groq.com is rate limiting or out of quota (429), still after retries: Slow down.",
      ],
      [
        "a 500 after retries",
        apiError(500, { message: "Oops.", type: "server_error" }),
        502,
        "server_error",
        undefined,
        "api.groq.com failed (500), still after retries: Oops.",
      ],
      [
        "an error inside a 200 stream",
        apiError(undefined, { message: "Token limit reached", code: 400 }),
        502,
        "server_error",
        undefined,
        "the server reported an error: Token limit reached",
      ],
      [
        "a stream cut off",
        new CutOffError(),
        502,
        "server_error",
        "upstream_invalid",
        "the answer was cut off: the stream ended before the server finished it",
      ],
      [
        "JSON cut off",
        new SyntaxError("Unexpected end of JSON input"),
        502,
        "server_error",
        "upstream_invalid",
        "the response from api.groq.com is not valid JSON (cut off, or not an OpenAI-compatible API?)",
      ],
      [
        "a configuration",
        new ConfigError("GROQ_API_KEY is not set"),
        400,
        "invalid_request_error",
        "model_not_available",
        "GROQ_API_KEY is not set",
      ],
      [
        "anything else",
        new Error("boom"),
        500,
        "server_error",
        undefined,
        "unexpected error: Error: boom",
      ],
    ];
  for (const [name, error, status, type, code, message] of cases) {
    await t.step(name, () => {
      const failure = failureOf(error, TARGET);
      assert.deepEqual(
        { status: failure.status, body: failure.body },
        {
          status,
          body: { error: { message, type, ...(code ? { code } : {}) } },
        },
      );
    });
  }
  await t.step("a ServeError as it is", () => {
    const own = new ServeError(429, "busy", "requests");
    assert.equal(failureOf(own, TARGET), own);
  });
});

Deno.test("errorResponse() is OpenAI's error with its status and headers, its words through redact", async () => {
  const response = errorResponse(
    new ServeError(
      429,
      "busy sk-0123456789",
      "requests",
      "rate_limit_exceeded",
      { "retry-after": "1" },
    ),
    (text) => text.replace("sk-0123456789", "[redacted]"),
  );
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "1");
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(response.headers.get("cache-control"), "no-store");
  assert.deepEqual(await response.json(), {
    error: {
      message: "busy [redacted]",
      type: "requests",
      code: "rate_limit_exceeded",
    },
  });
  const other = errorResponse(new TypeError("x is not a function"));
  assert.equal(other.status, 500);
  assert.deepEqual(await other.json(), {
    error: {
      message: "unexpected error: TypeError: x is not a function",
      type: "server_error",
    },
  });
});

Deno.test("event() frames one server-sent event, named or not", () => {
  assert.equal(
    event({ id: 1 }, "conversation"),
    'event: conversation\ndata: {"id":1}\n\n',
  );
  assert.equal(event("[DONE]"), "data: [DONE]\n\n");
});
