/**
 * What the Responses API sends back, whole or streamed, read as the chat
 * completion the rest of the program reads: its text, reasoning summary,
 * function calls, finish and usage.
 *
 * @module
 */
import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionMessageFunctionToolCall,
} from "openai/resources/chat/completions";
import type { Output } from "../io/io.ts";
import { AnswerError } from "./answer.ts";
import { serverMessage } from "./server_message.ts";
import type { ReasoningOutput } from "./stream.ts";
import { reasoningOf } from "./reasoning.ts";
import { TOOL_ARGUMENTS_BYTES } from "../tools/limits.ts";

type Value = Record<string, unknown>;

const isObject = (value: unknown): value is Value =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A chat completion made of a response, g4f's `provider` kept. */
export type ResponseCompletion = ChatCompletion & { provider?: string };

/**
 * The chat completion a Responses API `response` stands for: its message
 * items' text (`output_text`) and refusal, its reasoning summary as
 * `reasoning_content`, its `function_call` items as tool calls, its status
 * as the finish reason, and its usage in chat's names. What is no response
 * (a text, an error body) comes back as it is, for `answerOf` to explain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { completionOf } from "./responses_answer.ts";
 * const completion = completionOf({
 *   id: "resp_1", object: "response", created_at: 1, model: "gpt-4o",
 *   status: "completed",
 *   output: [{ type: "message", role: "assistant",
 *     content: [{ type: "output_text", text: "Paris.", annotations: [] }] }],
 *   usage: { input_tokens: 9, output_tokens: 2, total_tokens: 11 },
 * });
 * assert.equal(completion.choices[0].message.content, "Paris.");
 * assert.equal(completion.choices[0].finish_reason, "stop");
 * assert.deepEqual(completion.usage, {
 *   prompt_tokens: 9, completion_tokens: 2, total_tokens: 11,
 * });
 * ```
 *
 * @throws {AnswerError} for a response that failed (its error's words), or
 * a JSON object that is no response.
 */
export function completionOf(response: unknown): ResponseCompletion {
  if (!isObject(response)) return response as ResponseCompletion;
  if (response.status === "failed") {
    throw new AnswerError(
      `the server reported an error: ${
        serverMessage(response.error) || "no details given"
      }`,
    );
  }
  if (!Array.isArray(response.output)) {
    if (response.error) return response as unknown as ResponseCompletion;
    throw new AnswerError(
      "the server's response is not a Responses API response (it has no " +
        "output): check the base URL, or ask through chat completions with " +
        "--api chat",
    );
  }
  let content: string | null = null;
  let refusal = "";
  let thought = "";
  const calls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const item of response.output) {
    if (!isObject(item)) continue;
    if (item.type === "message" && Array.isArray(item.content)) {
      for (const part of item.content) {
        if (!isObject(part)) continue;
        if (part.type === "output_text" && typeof part.text === "string") {
          content = (content ?? "") + part.text;
        }
        if (part.type === "refusal" && typeof part.refusal === "string") {
          refusal += part.refusal;
        }
      }
    } else if (item.type === "reasoning") {
      thought += reasoningText(item);
    } else if (item.type === "function_call") {
      calls.push({
        id: String(item.call_id ?? item.id ?? ""),
        type: "function",
        function: {
          name: String(item.name ?? ""),
          arguments: typeof item.arguments === "string" ? item.arguments : "",
        },
      });
    }
  }
  const usage = usageOf(response.usage);
  return {
    id: String(response.id ?? ""),
    object: "chat.completion",
    created: typeof response.created_at === "number" ? response.created_at : 0,
    model: String(response.model ?? ""),
    ...(typeof response.provider === "string"
      ? { provider: response.provider }
      : {}),
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content,
        refusal: refusal || null,
        ...(thought ? { reasoning_content: thought } : {}),
        ...(calls.length ? { tool_calls: calls } : {}),
      },
      finish_reason: finishOf(response, calls.length > 0),
      logprobs: null,
    }],
    ...(usage ? { usage } : {}),
  } as ResponseCompletion;
}

/**
 * The `reasoning` items of a response's `output`, as they came: what a
 * stateless request sends back, `encrypted_content` and all, beside the
 * calls they led to (see `carryReasoning` in `responses.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reasoningItemsOf } from "./responses_answer.ts";
 * const thought = {
 *   id: "rs_1", type: "reasoning", summary: [], encrypted_content: "gAAAA",
 * };
 * assert.deepEqual(
 *   reasoningItemsOf([thought, { type: "function_call", call_id: "c" }]),
 *   [thought],
 * );
 * ```
 */
export function reasoningItemsOf(output: unknown): Value[] {
  return Array.isArray(output)
    ? output.filter((item): item is Value =>
      isObject(item) && item.type === "reasoning"
    )
    : [];
}

/** The text of a reasoning item: its summary, else its reasoning text. */
function reasoningText(item: Value): string {
  const texts = (list: unknown, type: string) =>
    Array.isArray(list)
      ? list.flatMap((part) =>
        isObject(part) && part.type === type && typeof part.text === "string"
          ? [part.text]
          : []
      )
      : [];
  const summary = texts(item.summary, "summary_text");
  return (summary.length ? summary : texts(item.content, "reasoning_text"))
    .join("\n\n");
}

/** A response's status as a chat finish reason; `null` while it is not done. */
function finishOf(
  response: Value,
  called: boolean,
): ChatCompletion.Choice["finish_reason"] {
  switch (response.status) {
    case "completed":
    case undefined:
      return called ? "tool_calls" : "stop";
    case "incomplete": {
      const details = response.incomplete_details;
      return isObject(details) && details.reason === "content_filter"
        ? "content_filter"
        : "length";
    }
    default:
      return null as unknown as "stop";
  }
}

/**
 * Responses' usage in chat-completions names: `input_tokens` as
 * `prompt_tokens`, `output_tokens` as `completion_tokens`, and their
 * cached and reasoning tokens in the details as chat puts them; a server's
 * `cost` (OpenRouter's) kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageOf } from "./responses_answer.ts";
 * assert.deepEqual(usageOf({
 *   input_tokens: 1200, output_tokens: 300, total_tokens: 1500,
 *   input_tokens_details: { cached_tokens: 1024 },
 *   output_tokens_details: { reasoning_tokens: 256 },
 * }), {
 *   prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
 *   prompt_tokens_details: { cached_tokens: 1024 },
 *   completion_tokens_details: { reasoning_tokens: 256 },
 * });
 * ```
 */
export function usageOf(usage: unknown): ChatCompletion["usage"] | undefined {
  if (!isObject(usage)) return undefined;
  const { input_tokens, output_tokens, total_tokens } = usage;
  const cached = isObject(usage.input_tokens_details)
    ? usage.input_tokens_details.cached_tokens
    : undefined;
  const reasoning = isObject(usage.output_tokens_details)
    ? usage.output_tokens_details.reasoning_tokens
    : undefined;
  return {
    prompt_tokens: input_tokens,
    completion_tokens: output_tokens,
    total_tokens: total_tokens ??
      (typeof input_tokens === "number" && typeof output_tokens === "number"
        ? input_tokens + output_tokens
        : undefined),
    ...(cached === undefined
      ? {}
      : { prompt_tokens_details: { cached_tokens: cached } }),
    ...(reasoning === undefined
      ? {}
      : { completion_tokens_details: { reasoning_tokens: reasoning } }),
    ...(usage.cost === undefined ? {} : { cost: usage.cost }),
  } as ChatCompletion["usage"];
}

/**
 * Writes each text delta of a Responses stream to `out` as it arrives, and
 * each reasoning delta (a summary's, or the reasoning text's) to
 * `reasoning`; returns the response the stream ended with
 * (`response.completed` or `response.incomplete`) and the completion it
 * stands for, as {@linkcode printStream} does, and its reasoning items
 * whole (from `response.output_item.done`, else the ending response's
 * output). The completion holds the text only when `keepText` is set;
 * without an ending event its finish reason is `null`: cut off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printResponseStream } from "./responses_answer.ts";
 * async function* events() {
 *   yield { type: "response.output_text.delta", delta: "Hi" };
 *   yield { type: "response.completed", response: {
 *     status: "completed", output: [], model: "gpt-4o" } };
 * }
 * let printed = "";
 * const { completion } = await printResponseStream(events(), {
 *   write: (text) => void (printed += text),
 * });
 * assert.equal(printed, "Hi");
 * assert.equal(completion.choices[0].finish_reason, "stop");
 * ```
 *
 * @throws {AnswerError} for `response.failed`; the SDK's `APIError` for an
 * `error` event; the abort's reason when `signal` is aborted.
 */
export async function printResponseStream(
  events: AsyncIterable<unknown>,
  out: Output,
  { keepText = false, signal, reasoning }: {
    keepText?: boolean;
    signal?: AbortSignal;
    reasoning?: ReasoningOutput;
  } = {},
): Promise<
  { completion: ResponseCompletion; response?: Value; reasoningItems: Value[] }
> {
  let text: string | null = null;
  let thought = "";
  let refusal = "";
  let ended: Value | undefined;
  // A call's arguments come in pieces, by its item's place in the output.
  const calls = new Map<number, ChatCompletionMessageFunctionToolCall>();
  // A reasoning item is whole only once it is done (its encrypted_content
  // in `added` may not be), by its place in the output.
  const thoughts = new Map<number, Value>();
  for await (const event of events) {
    if (!isObject(event)) continue;
    const delta = typeof event.delta === "string" ? event.delta : "";
    switch (event.type) {
      case "response.output_text.delta":
        if (delta) {
          reasoning?.end();
          out.write(delta);
          text = keepText ? (text ?? "") + delta : "";
        }
        break;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        if (delta) {
          reasoning?.write(delta);
          if (keepText) thought += delta;
        }
        break;
      case "response.reasoning_summary_part.added":
        // A summary's parts are paragraphs.
        if (Number(event.summary_index) > 0) {
          reasoning?.write("\n\n");
          if (keepText) thought += "\n\n";
        }
        break;
      case "response.refusal.delta":
        refusal += delta;
        break;
      case "response.output_item.added": {
        const item = event.item;
        if (isObject(item) && item.type === "function_call") {
          calls.set(Number(event.output_index), {
            id: String(item.call_id ?? ""),
            type: "function",
            function: { name: String(item.name ?? ""), arguments: "" },
          });
        }
        break;
      }
      case "response.output_item.done": {
        const [item] = reasoningItemsOf([event.item]);
        if (item) thoughts.set(Number(event.output_index), item);
        break;
      }
      case "response.function_call_arguments.delta": {
        const call = calls.get(Number(event.output_index));
        // Past the bound, a call is not run: the rest need not be kept.
        const room = TOOL_ARGUMENTS_BYTES + 1 -
          (call?.function.arguments.length ?? 0);
        if (call && room > 0) call.function.arguments += delta.slice(0, room);
        break;
      }
      case "response.completed":
      case "response.incomplete":
        if (isObject(event.response)) ended = event.response;
        break;
      case "response.failed":
        completionOf(
          isObject(event.response)
            ? { ...event.response, status: "failed" }
            : { status: "failed" },
        );
        break;
      case "error":
        throw new OpenAI.APIError(undefined, event, undefined, new Headers());
      case undefined:
        // A server that ignored `stream: true` sent the response whole.
        if (event.object === "response") ended = event;
    }
  }
  signal?.throwIfAborted();
  const whole = ended ? completionOf(ended) : undefined;
  const message = whole?.choices[0]?.message;
  // A server that sent the response whole, without deltas: printed now.
  if (text === null && message?.content) {
    if (!thought) reasoning?.write(reasoningOf(message));
    reasoning?.end();
    out.write(message.content);
    text = keepText ? message.content : "";
  }
  reasoning?.end();
  const toolCalls = message?.tool_calls?.length
    ? message.tool_calls
    : [...calls.values()];
  const completion: ResponseCompletion = {
    id: whole?.id ?? "",
    object: "chat.completion",
    created: whole?.created ?? 0,
    model: whole?.model ?? "",
    ...(whole?.provider ? { provider: whole.provider } : {}),
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: text,
        refusal: refusal || message?.refusal || null,
        ...(thought ? { reasoning_content: thought } : {}),
        ...(toolCalls.length
          ? { tool_calls: toolCalls as ChatCompletionMessageFunctionToolCall[] }
          : {}),
      },
      // No ending event: the stream was cut off.
      finish_reason: whole?.choices[0].finish_reason ??
        (null as unknown as "stop"),
      logprobs: null,
    }],
    ...(whole?.usage ? { usage: whole.usage } : {}),
  };
  return {
    completion,
    ...(ended ? { response: ended } : {}),
    reasoningItems: thoughts.size
      ? [...thoughts.entries()].sort(([a], [b]) => a - b).map(([, item]) =>
        item
      )
      : reasoningItemsOf(ended?.output),
  };
}
