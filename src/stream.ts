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
} from "openai/resources/chat/completions";
import { AnswerError } from "./answer.ts";
import type { Output } from "./io.ts";

/** A chat completion as assembled from a stream, plus g4f's `provider`. */
export type StreamedCompletion = ChatCompletion & { provider?: string };

/**
 * Writes each content delta of the first choice to `out` as it arrives and
 * returns the completion assembled from the stream. Memory stays flat: the
 * text is kept only when `keepText` is set (for `--json`), and then it is not
 * written.
 *
 * @example
 * ```ts
 * import { printStream } from "./stream.ts";
 * async function* chunks() {
 *   yield { choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }] };
 *   yield { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] };
 * }
 * // deno-lint-ignore no-explicit-any
 * await printStream(chunks() as any, { write: (text) => console.log(text) });
 * ```
 *
 * @throws {AnswerError} when the stream ends before a `finish_reason`, or the
 * model refused. An abort of `signal` ends the stream quietly in the SDK, so
 * this rethrows the abort's reason.
 */
export async function printStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  out: Output,
  { keepText = false, signal }: { keepText?: boolean; signal?: AbortSignal } =
    {},
): Promise<StreamedCompletion> {
  let content = "";
  let refusal = "";
  let finishReason: string | null = null;
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
    const choice = chunk.choices?.[0];
    if (choice === undefined || choice.index > 0) continue;
    const text = choice.delta?.content;
    if (text && keepText) content += text;
    else if (text) out.write(text);
    if (choice.delta?.refusal) refusal += choice.delta.refusal;
    finishReason = choice.finish_reason || finishReason;
  }
  signal?.throwIfAborted();
  if (refusal) throw new AnswerError(`the model refused: ${refusal}`);
  if (finishReason === null) {
    throw new AnswerError(
      "the answer was cut off: the stream ended before the server finished it",
    );
  }
  completion.choices = [{
    index: 0,
    message: { role: "assistant", content, refusal: null },
    finish_reason: finishReason as ChatCompletion.Choice["finish_reason"],
    logprobs: null,
  }];
  return completion;
}
