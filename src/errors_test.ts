import assert from "node:assert/strict";
import OpenAI from "openai";
import { AnswerError } from "./exchange/answer.ts";
import { ConfigError } from "./config/connection.ts";
import { describeFailure, EXIT, InterruptedError } from "./errors.ts";
import { IdleTimeoutError } from "./exchange/idle.ts";
import { UsageError } from "./cli/usage_error.ts";

const context = { model: "gpt-4o", baseURL: "http://localhost:1337/v1" };

function statusError(status: number, body: unknown): Error {
  return OpenAI.APIError.generate(
    status,
    body as object,
    undefined,
    new Headers(),
  );
}

Deno.test("describeFailure() gives exit 2 to usage, configuration and permission errors", () => {
  assert.deepEqual(describeFailure(new UsageError("unknown option --x")), {
    message: "unknown option --x (see --help)",
    exitCode: EXIT.usage,
  });
  assert.deepEqual(
    describeFailure(new ConfigError("OPENAI_API_KEY is not set")),
    {
      message: "OPENAI_API_KEY is not set",
      exitCode: 2,
    },
  );
  assert.deepEqual(describeFailure(new Deno.errors.NotCapable("env")), {
    message:
      "main.ts needs to read the OPENAI_* environment variables and .env: " +
      "run `deno task start`, or add --allow-env --allow-read=.env",
    exitCode: 2,
  });
});

Deno.test("describeFailure() gives exit 130 to an interruption", () => {
  assert.deepEqual(describeFailure(new InterruptedError(), context), {
    message: "interrupted",
    exitCode: 130,
  });
});

Deno.test("describeFailure() names the server and the fix for request failures", () => {
  const cases: [unknown, string][] = [
    [new AnswerError("the model refused: no"), "the model refused: no"],
    [
      new IdleTimeoutError(1.5),
      "no data arrived from the server for 1.5 s (localhost:1337): try again, or allow longer with --timeout",
    ],
    [
      new OpenAI.APIConnectionTimeoutError(),
      "localhost:1337 did not answer in time: try again, or allow longer with --timeout",
    ],
    [
      new OpenAI.APIConnectionError({ cause: new TypeError("socket hang up") }),
      "could not reach localhost:1337: socket hang up",
    ],
    [
      new OpenAI.APIConnectionError({}),
      "could not reach localhost:1337: Connection error.",
    ],
    [
      statusError(400, {
        error: { message: "Invalid 'messages': empty array." },
      }),
      "localhost:1337 refused the request (400): Invalid 'messages': empty array.",
    ],
    [
      statusError(503, { error: { message: { detail: "overloaded" } } }),
      'localhost:1337 failed (503), still after retries: {"detail":"overloaded"}',
    ],
    [
      statusError(500, undefined),
      "localhost:1337 failed (500), still after retries: no details given",
    ],
    [
      new OpenAI.APIError(
        undefined,
        { message: "Provider returned error" },
        undefined,
        undefined,
      ),
      "the server reported an error: Provider returned error",
    ],
    [
      new TypeError("error reading a body from connection"),
      "the connection to localhost:1337 broke off before the answer was complete: try again",
    ],
    [new RangeError("odd\n  thing"), "unexpected error: RangeError: odd thing"],
  ];
  for (const [error, message] of cases) {
    assert.deepEqual(
      describeFailure(error, context),
      { message, exitCode: 1 },
      message,
    );
  }
});

Deno.test("describeFailure() quotes at most 300 characters of the server, on one line", () => {
  const long = "word ".repeat(200);
  const { message } = describeFailure(
    statusError(400, { error: { message: long } }),
    context,
  );
  const quoted = message.slice(
    "localhost:1337 refused the request (400): ".length,
  );
  assert.equal(quoted.length, 300);
  assert.ok(quoted.endsWith("…"));
  assert.ok(!message.includes("\n"));
});
