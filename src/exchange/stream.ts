/**
 * `--stream`: prints each piece of the answer the moment it arrives, and
 * tells a finished answer from one that was cut off. The SDK parses the
 * server-sent events; this module decides what they mean.
 *
 * @module
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageFunctionToolCall,
} from "openai/resources/chat/completions";
import type { Output } from "../io/io.ts";
import { reasoningOf } from "./reasoning.ts";
import { TOOL_ARGUMENTS_BYTES } from "../tools/limits.ts";

/** A chat completion as assembled from a stream, plus g4f's `provider`. */
export type StreamedCompletion = ChatCompletion & { provider?: string };

/** Where a reasoning model's thinking goes: written piece by piece, then ended once the answer begins. */
export interface ReasoningOutput extends Output {
  end(): void;
}

/**
 * Writes each content delta of the answer's choice (the first one the stream
 * names, whatever its index) to `out` as it arrives, and each reasoning delta
 * to `reasoning`, and returns the completion assembled from the stream,
 * refusal, tool calls and finish reason included: `answerOf(completion, { streamed: true })`
 * then says whether it is an answer. The completion holds the text (and the
 * reasoning, as `reasoning_content`) only when `keepText` is set, for `--json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printStream } from "./stream.ts";
 * async function* chunks() {
 *   yield { choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }] };
 *   yield { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] };
 * }
 * let printed = "";
 * // deno-lint-ignore no-explicit-any
 * const completion = await printStream(chunks() as any, {
 *   write: (text) => void (printed += text),
 * });
 * assert.equal(printed, "Hi");
 * assert.equal(completion.choices[0].finish_reason, "stop");
 * ```
 *
 * @throws the abort's reason when `signal` is aborted: an abort ends the
 * stream quietly in the SDK.
 */
export async function printStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  out: Output,
  { keepText = false, signal, reasoning }: {
    keepText?: boolean;
    signal?: AbortSignal;
    reasoning?: ReasoningOutput;
  } = {},
): Promise<StreamedCompletion> {
  let content: string | null = null;
  let thought = "";
  let refusal = "";
  let finishReason: string | null = null;
  let answerIndex: number | undefined;
  // A tool call's deltas name its index; its name and arguments come in pieces.
  const calls: ChatCompletionMessageFunctionToolCall[] = [];
  const completion: StreamedCompletion = {
    id: "",
    object: "chat.completion",
    created: 0,
    model: "",
    choices: [],
  };
  for await (const chunk of chunks) {
    completion.id ||= chunk.id;
    completion.created ||= chunk.created;
    completion.model ||= chunk.model;
    const provider = (chunk as { provider?: string }).provider;
    if (provider) completion.provider = provider;
    if (chunk.usage) completion.usage = chunk.usage;
    const choice = answerIndex === undefined
      ? chunk.choices?.[0]
      : chunk.choices?.find((choice) => choice.index === answerIndex);
    if (choice === undefined) continue;
    answerIndex ??= choice.index;
    const thinking = reasoningOf(choice.delta);
    if (thinking) {
      reasoning?.write(thinking);
      if (keepText) thought += thinking;
    }
    // A delta of "" says as little as one of null: no text yet.
    const text = choice.delta?.content;
    if (text) {
      reasoning?.end();
      out.write(text);
      content = keepText ? (content ?? "") + text : ""; // "": text came
    }
    if (choice.delta?.refusal) refusal += choice.delta.refusal;
    for (const delta of choice.delta?.tool_calls ?? []) {
      const call = calls[delta.index] ??= {
        id: "",
        type: "function",
        function: { name: "", arguments: "" },
      };
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.function.name += delta.function.name;
      // Past the bound, a call is not run: the rest need not be kept.
      const room = TOOL_ARGUMENTS_BYTES + 1 - call.function.arguments.length;
      if (delta.function?.arguments && room > 0) {
        call.function.arguments += delta.function.arguments.slice(0, room);
      }
    }
    finishReason = choice.finish_reason || finishReason;
  }
  reasoning?.end();
  signal?.throwIfAborted();
  completion.choices = [{
    index: answerIndex ?? 0,
    message: {
      role: "assistant",
      content,
      refusal: refusal || null,
      ...(thought ? { reasoning_content: thought } : {}),
      ...(calls.length ? { tool_calls: calls.filter(Boolean) } : {}),
    },
    finish_reason: finishReason as ChatCompletion.Choice["finish_reason"],
    logprobs: null,
  }];
  return completion;
}
