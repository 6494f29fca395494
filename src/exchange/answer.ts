/**
 * The answer inside a chat completion, checked: whatever a server sends, the
 * program prints text or says in one sentence why there is none.
 *
 * @module
 */
import type { ChatCompletion } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { serverMessage } from "./server_message.ts";
import type { Cost } from "../history/conversation.ts";
import { dollars } from "./cost.ts";

/** A response that holds no answer to print; its message says why. */
export class AnswerError extends Error {
  override name = "AnswerError";
}

/** The model refused to answer; the message quotes its refusal. */
export class RefusalError extends AnswerError {
  override name = "RefusalError";
  constructor(refusal: string) {
    super(`the model refused: ${refusal}`);
  }
}

/** A stream that ended before the server finished the answer. */
export class CutOffError extends AnswerError {
  override name = "CutOffError";
  constructor() {
    super(
      "the answer was cut off: the stream ended before the server finished it",
    );
  }
}

/** A model that went on calling tools for more rounds than a request may take. */
export class ToolRoundsError extends AnswerError {
  override name = "ToolRoundsError";
  constructor(readonly rounds: number) {
    super(
      `the model called tools for ${rounds} rounds without answering: ` +
        "stopped (tool_rounds in the config file allows more)",
    );
  }
}

/**
 * Returns the text of the first choice of a completion.
 *
 * The SDK hands back whatever the server sent, so this checks the shape
 * rather than trusting the type: a proxy's HTML page arrives as a string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answerOf } from "./answer.ts";
 * const text = answerOf({
 *   choices: [{ message: { content: "Paris." }, finish_reason: "stop" }],
 * });
 * assert.equal(text, "Paris.");
 * ```
 *
 * @throws {AnswerError} when the server sent an error instead, the completion
 * has no choice, the model refused, the message has no content, or (when
 * `streamed`, assembled by `printStream`) the stream ended unfinished.
 */
export function answerOf(
  completion: unknown,
  { streamed = false }: { streamed?: boolean } = {},
): string {
  if (typeof completion === "string") {
    throw new AnswerError(
      "the server answered with text, not JSON: check that OPENAI_BASE_URL " +
        "is an OpenAI-compatible API (it usually ends in /v1)",
    );
  }
  const body = completion as
    | (Partial<ChatCompletion> & { error?: unknown })
    | null;
  const choices = body?.choices;
  if (!Array.isArray(choices)) {
    if (body?.error) {
      throw new AnswerError(
        `the server reported an error: ${
          serverMessage(body.error) || "no details given"
        }`,
      );
    }
    throw new AnswerError(
      "the server's response is not a chat completion (it has no choices): " +
        "check that OPENAI_BASE_URL is an OpenAI-compatible API",
    );
  }
  if (choices.length === 0) {
    throw new AnswerError("the server returned no answer (choices is empty)");
  }
  const { message, finish_reason } = choices[0] ?? {};
  if (message?.refusal) {
    throw new RefusalError(message.refusal);
  }
  if (streamed && !finish_reason) throw new CutOffError();
  if (typeof message?.content === "string") return message.content;
  throw new AnswerError(
    `the server returned no text (finish_reason: ${finish_reason ?? "none"})`,
  );
}

/**
 * Says why an answer stopped early, or `undefined` when it simply ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stopNote } from "./answer.ts";
 * assert.equal(
 *   stopNote("length"),
 *   "the answer was cut off at the model's token limit (finish_reason: length)",
 * );
 * ```
 */
export function stopNote(
  finishReason: string | null | undefined,
): string | undefined {
  switch (finishReason) {
    case "length":
      return "the answer was cut off at the model's token limit (finish_reason: length)";
    case "content_filter":
      return "the answer was stopped by the content filter (finish_reason: content_filter)";
    default:
      return undefined;
  }
}

/**
 * One line for `--verbose`: the model that answered, token usage, latency,
 * and the provider when a g4f server names one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verboseLine } from "./answer.ts";
 * const line = verboseLine({
 *   model: "gpt-4o-2024-08-06",
 *   usage: { prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 },
 * }, 812);
 * assert.equal(line, "model gpt-4o-2024-08-06, tokens 24 in + 8 out = 32, 812 ms");
 * assert.equal(
 *   verboseLine({ model: "gpt-4o", usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } }, 900, {
 *     usd: 0.0075, source: "prices", price: { input: 2.5, output: 10 },
 *   }),
 *   "model gpt-4o, tokens 1000 in + 500 out = 1500, cost $0.0075 (at the config's prices), 900 ms",
 * );
 * ```
 */
export function verboseLine(
  completion: {
    model?: string;
    usage?: Partial<CompletionUsage> | null;
    provider?: unknown;
  },
  milliseconds: number,
  cost?: Cost,
): string {
  const parts = [`model ${completion.model || "unknown"}`];
  if (typeof completion.provider === "string" && completion.provider) {
    parts.push(`provider ${completion.provider}`);
  }
  const usage = completion.usage;
  parts.push(
    usage
      ? `tokens ${usage.prompt_tokens ?? "?"} in + ${
        usage.completion_tokens ?? "?"
      } out = ${usage.total_tokens ?? "?"}`
      : "tokens not reported",
  );
  if (cost) {
    parts.push(
      `cost ${dollars(cost.usd)} (${
        cost.source === "server"
          ? "as the server said"
          : "at the config's prices"
      })`,
    );
  }
  parts.push(`${Math.round(milliseconds)} ms`);
  return parts.join(", ");
}
