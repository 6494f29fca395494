/**
 * Which API may answer after a failure: a model served only through the
 * Responses API, or a server without it. Loaded with every exchange, so it
 * holds no more than these checks.
 *
 * @module
 */
import OpenAI from "openai";
import { serverMessage } from "./server_message.ts";
import type { Api } from "./request.ts";

/**
 * Whether `error` says the model is served only through the Responses API
 * ("This model is only supported in v1/responses and not in
 * v1/chat/completions."), so that asking there instead may answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import OpenAI from "openai";
 * import { onlyThroughResponses } from "./api_errors.ts";
 * const error = OpenAI.APIError.generate(404, { error: {
 *   message: "This model is only supported in v1/responses and not in v1/chat/completions.",
 *   type: "invalid_request_error",
 * } }, undefined, new Headers());
 * assert.equal(onlyThroughResponses(error), true);
 * ```
 */
export function onlyThroughResponses(error: unknown): boolean {
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) {
    return false;
  }
  const said = `${serverMessage(error.error)} ${error.message}`;
  return /only (supported|available|served) (in|on|through|via|with|by) (the )?(\/?v1\/responses|responses api)/i
    .test(said);
}

/**
 * Whether `error` says the server has no Responses API: 405, 501, or a 404
 * that is not about the model (`model_not_found`, or its name in the
 * server's words).
 */
export function noResponsesApi(error: unknown, model: string): boolean {
  if (!(error instanceof OpenAI.APIError)) return false;
  if (error.status === 405 || error.status === 501) return true;
  if (error.status !== 404) return false;
  const said = serverMessage(error.error);
  return error.code !== "model_not_found" && !said.includes(model) &&
    !onlyThroughResponses(error);
}

/**
 * The API to ask through instead after `error`, when it says the other may
 * answer: Responses for a model served only there, chat completions for a
 * server without Responses.
 */
export function otherApiFor(
  error: unknown,
  api: Api,
  model: string,
): Api | undefined {
  if (api === "responses") {
    return noResponsesApi(error, model) ? "chat" : undefined;
  }
  return onlyThroughResponses(error) ? "responses" : undefined;
}
