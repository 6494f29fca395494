/**
 * The scripted server's scenarios of OpenAI's Responses API
 * (`testdata/server.ts` serves them beside its own): a server of both APIs,
 * one whose chat completions send a model to Responses, and a stream that
 * fails. Each answers `POST …/responses` with the fixtures of
 * `testdata/responses.ts`, and `POST …/chat/completions` with those of
 * `testdata/fixtures.ts`.
 *
 * @module
 */
import { apiError, completion, streamOf } from "./fixtures.ts";
import { failedStream, response, textStream } from "./responses.ts";

/** What a scenario gets of a request: the request, its JSON body. */
interface Call {
  request: Request;
  body: Record<string, unknown>;
}

/** The text that the `responses` scenario streams, and its pieces. */
export const STREAMED = ["A case ", "reaches ", "the Court."];

/** The answer of the `responses` scenario's chat completions. */
export const THROUGH_CHAT = "Through chat.";

/** What chat completions answer for a model served only through Responses (OpenAI's words). */
export const ONLY_RESPONSES = apiError(
  "This model is only supported in v1/responses and not in v1/chat/completions.",
  "invalid_request_error",
);

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function events(body: string): Response {
  return new Response(body, {
    headers: { "content-type": "text/event-stream" },
  });
}

const throughResponses = ({ request }: Call) =>
  new URL(request.url).pathname.endsWith("/responses");

/** A Responses answer: {@linkcode STREAMED} as a stream, or the whole {@linkcode response}. */
function answer({ body }: Call): Response {
  return body.stream ? events(textStream(STREAMED)) : json(response());
}

/** The Responses API's scenarios, by the base URL's first segment. */
export const RESPONSES_SCENARIOS: Record<string, (call: Call) => Response> = {
  /**
   * A server of both APIs: Responses answers the fixtures' answer whole or
   * {@linkcode STREAMED}; chat completions {@linkcode THROUGH_CHAT}.
   */
  responses: (call) =>
    throughResponses(call)
      ? answer(call)
      : call.body.stream
      ? events(streamOf([THROUGH_CHAT]))
      : json(completion(THROUGH_CHAT)),
  /**
   * A model served only through Responses: chat completions answer 400
   * {@linkcode ONLY_RESPONSES}, Responses as `responses` does.
   */
  "responses-only": (call) =>
    throughResponses(call) ? answer(call) : json(ONLY_RESPONSES, 400),
  /** A Responses stream whose text begins, then `response.failed`. */
  "responses-failed": () => events(failedStream(["A case "])),
};
