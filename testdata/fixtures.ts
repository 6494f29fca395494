/**
 * Responses shaped like what gpt-4o and other OpenAI-compatible servers send,
 * field for field, for the tests and the benchmark.
 *
 * @module
 */

/** The demo's question, as the tests expect it in requests. */
export const QUESTION = "how does a court case get to the Supreme Court?";

/** A short answer used by most tests. */
export const ANSWER =
  "A case usually reaches the Supreme Court on a petition for a writ of certiorari.";

/** A non-streaming chat completion as gpt-4o sends it. */
export function completion(
  content: string | null = ANSWER,
  extra: { refusal?: string; finish_reason?: string; provider?: string } = {},
): Record<string, unknown> {
  return {
    id: "chatcmpl-Dq3mXb8eTf2Lk9PzRw7YhN4cVa1sU",
    object: "chat.completion",
    created: 1790000000,
    model: "gpt-4o-2024-08-06",
    ...(extra.provider ? { provider: extra.provider } : {}),
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content,
        refusal: extra.refusal ?? null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: extra.finish_reason ?? "stop",
    }],
    usage: {
      prompt_tokens: 27,
      completion_tokens: 18,
      total_tokens: 45,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: "default",
    system_fingerprint: "fp_a1b2c3d4e5",
  };
}

/** One `chat.completion.chunk` of a gpt-4o stream. */
export function chunk(
  delta: Record<string, unknown>,
  finish_reason: string | null = null,
): Record<string, unknown> {
  return {
    id: "chatcmpl-Dq3mYc9fUg3Ml0QaSx8ZiO5dWb2tV",
    object: "chat.completion.chunk",
    created: 1790000001,
    model: "gpt-4o-2024-08-06",
    service_tier: "default",
    system_fingerprint: "fp_a1b2c3d4e5",
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    usage: null,
    obfuscation: "kq2Xw9",
  };
}

/** The usage chunk that closes a stream with `include_usage`. */
export function usageChunk(): Record<string, unknown> {
  return {
    ...chunk({}),
    choices: [],
    usage: { prompt_tokens: 27, completion_tokens: 3, total_tokens: 30 },
  };
}

/** A whole gpt-4o stream of `pieces`, as `data:` events ending in `[DONE]`. */
export function streamOf(
  pieces: string[],
  { finish = "stop", usage = false }: { finish?: string; usage?: boolean } = {},
): string {
  const events = [
    chunk({ role: "assistant", content: "", refusal: null }),
    ...pieces.map((content) => chunk({ content })),
    chunk({}, finish),
    ...(usage ? [usageChunk()] : []),
  ];
  return sse(events) + "data: [DONE]\n\n";
}

/**
 * Tool calls streamed as OpenAI streams them: each call's id and name
 * first, then its arguments in pieces of `size` characters (in `pieces`
 * pieces when `size` is not given), the calls' pieces interleaved; the
 * finish reason `tool_calls`, and `[DONE]`.
 */
export function toolCallStream(
  calls: { id: string; name: string; arguments: string }[],
  { size, pieces = 3 }: { size?: number; pieces?: number } = {},
): string {
  const deltas = calls.map((call, index) =>
    chunk({
      ...(index === 0 ? { role: "assistant", content: null } : {}),
      tool_calls: [{
        index,
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: "" },
      }],
    })
  );
  const sizes = calls.map((call) =>
    size ?? Math.max(1, Math.ceil(call.arguments.length / pieces))
  );
  const longest = Math.max(
    0,
    ...calls.map((call, i) => Math.ceil(call.arguments.length / sizes[i])),
  );
  for (let piece = 0; piece < longest; piece++) {
    for (const [index, call] of calls.entries()) {
      const text = call.arguments.slice(
        piece * sizes[index],
        (piece + 1) * sizes[index],
      );
      if (text) {
        deltas.push(chunk({
          tool_calls: [{ index, function: { arguments: text } }],
        }));
      }
    }
  }
  deltas.push(chunk({}, "tool_calls"));
  return sse(deltas) + "data: [DONE]\n\n";
}

/** Server-sent events, one `data:` line per object. */
export function sse(events: unknown[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
}

/** An error as OpenAI sends it in a non-2xx response body. */
export function apiError(
  message: string,
  type: string,
  code: string | null = null,
): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}
