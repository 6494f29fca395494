/**
 * OpenAI's Responses API (`POST /responses`) beside chat completions: the
 * same exchange in its words. The conversation goes whole as `input` items
 * (`store: false`, no `previous_response_id`: nothing is kept on the
 * server), the request's fields as Responses names them, and what comes
 * back, whole or streamed, as the chat completion the rest of the program
 * reads; `--json` prints the response itself.
 *
 * @module
 */
import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionMessageFunctionToolCall,
} from "openai/resources/chat/completions";
import type { Message } from "../history/conversation.ts";
import type { Output } from "../io/io.ts";
import { AnswerError } from "./answer.ts";
import { serverMessage } from "./server_message.ts";
import type { ReasoningOutput } from "./stream.ts";
import { reasoningOf } from "./reasoning.ts";
import { TOOL_ARGUMENTS_BYTES } from "../tools/limits.ts";
import type { Api, Request } from "./request.ts";
import type { AnswerScreen } from "./screen.ts";

/**
 * The demo's exchange through the Responses API: `messages` sent as
 * `request` says (streamed or whole), the answer shown on `screen` as the
 * chat path shows it. Returns the completion the response stands for, and
 * the response itself for `--json`; a field Responses does not take is
 * left out and told to `request.note`.
 */
export async function respond(
  client: OpenAI,
  request: Pick<
    Request,
    "target" | "fields" | "stream" | "json" | "reasoning" | "note"
  >,
  messages: readonly Message[],
  screen: AnswerScreen,
  signal: AbortSignal,
): Promise<{ completion: ResponseCompletion; response: unknown }> {
  const { body, dropped } = responsesBody(
    request.target.model,
    messages,
    request.fields,
    { summary: request.reasoning },
  );
  if (dropped.length) {
    request.note?.(
      `${dropped.join(", ")}: the Responses API takes no such option, not sent`,
    );
  }
  if (!request.stream) {
    const response: unknown = await client.responses.create(
      body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming,
      { signal },
    );
    return { completion: completionOf(response), response };
  }
  const events = await client.responses.create(
    { ...body, stream: true } as OpenAI.Responses.ResponseCreateParamsStreaming,
    { signal },
  );
  const { completion, response } = await printResponseStream(events, screen, {
    keepText: request.json,
    signal,
    reasoning: screen.reasoning,
  });
  return { completion, response };
}

type Value = Record<string, unknown>;

const isObject = (value: unknown): value is Value =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Chat-completions fields that Responses takes under the same name; the
 * others it knows are converted (see {@linkcode responsesBody}) and those
 * in {@linkcode NOT_TAKEN} left out. A field of neither (a server's own
 * option) is passed on as it is.
 */
const NOT_TAKEN = [
  "seed",
  "stop",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "n",
  "modalities",
  "prediction",
  "web_search_options",
  "stream_options",
  "store",
];

/**
 * The body of a `POST /responses` for `messages` (chat-format, as the
 * history keeps them) and the chat-completions `fields` of a request, and
 * the names of the fields Responses does not take, left out.
 * `summary` asks a reasoning model for a summary of its thinking, when it
 * is shown and a `reasoning_effort` says the model reasons.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { responsesBody } from "./responses.ts";
 * const { body, dropped } = responsesBody("gpt-4o", [
 *   { role: "system", content: "Be brief." },
 *   { role: "user", content: "Hi" },
 * ], { max_completion_tokens: 100, seed: 1, temperature: 0.2 });
 * assert.deepEqual(body, {
 *   model: "gpt-4o",
 *   input: [
 *     { role: "system", content: "Be brief." },
 *     { role: "user", content: "Hi" },
 *   ],
 *   max_output_tokens: 100,
 *   temperature: 0.2,
 *   store: false,
 * });
 * assert.deepEqual(dropped, ["seed"]);
 * ```
 */
export function responsesBody(
  model: string,
  messages: readonly Message[],
  fields: Readonly<Value>,
  { summary = false }: { summary?: boolean } = {},
): { body: Value; dropped: string[] } {
  const body: Value = { model, input: inputOf(messages) };
  const dropped: string[] = [];
  const text: Value = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (name === "max_tokens" || name === "max_completion_tokens") {
      body.max_output_tokens = value;
    } else if (name === "reasoning_effort") {
      body.reasoning = {
        effort: value,
        ...(summary ? { summary: "auto" } : {}),
      };
    } else if (name === "verbosity") {
      text.verbosity = value;
    } else if (name === "response_format") {
      text.format = formatOf(value);
    } else if (name === "tools" && Array.isArray(value)) {
      body.tools = value.map(toolOf);
    } else if (NOT_TAKEN.includes(name)) {
      dropped.push(name);
    } else {
      body[name] = value;
    }
  }
  if (Object.keys(text).length) body.text = text;
  body.store = false;
  return { body, dropped };
}

/**
 * Chat-format messages as Responses `input` items: a message each, a
 * content part each (`input_text`, `input_image` with its URL or data URL,
 * `input_file` for a PDF), an assistant's tool calls as `function_call`
 * items and each tool's result as a `function_call_output`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inputOf } from "./responses.ts";
 * assert.deepEqual(inputOf([
 *   { role: "assistant", content: null, tool_calls: [{
 *     id: "call_1", type: "function",
 *     function: { name: "files_read", arguments: '{"path":"a"}' },
 *   }] },
 *   { role: "tool", tool_call_id: "call_1", content: "text of a" },
 * ]), [
 *   { type: "function_call", call_id: "call_1", name: "files_read", arguments: '{"path":"a"}' },
 *   { type: "function_call_output", call_id: "call_1", output: "text of a" },
 * ]);
 * ```
 */
export function inputOf(messages: readonly Message[]): Value[] {
  return messages.flatMap((message): Value[] => {
    if (message.role === "tool") {
      return [{
        type: "function_call_output",
        call_id: message.tool_call_id,
        output: message.content,
      }];
    }
    if ("tool_calls" in message) {
      return [
        ...(message.content
          ? [{ role: "assistant", content: message.content }]
          : []),
        ...message.tool_calls.map((call) => ({
          type: "function_call",
          call_id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        })),
      ];
    }
    if (typeof message.content === "string") {
      return [{ role: message.role, content: message.content }];
    }
    return [{
      role: message.role,
      content: message.content.map((part) => {
        switch (part.type) {
          case "text":
            return { type: "input_text", text: part.text };
          case "image_url":
            return {
              type: "input_image",
              image_url: part.image_url.url,
              detail: part.image_url.detail ?? "auto",
            };
          case "file":
            return {
              type: "input_file",
              ...(part.file.filename ? { filename: part.file.filename } : {}),
              ...(part.file.file_data
                ? { file_data: part.file.file_data }
                : {}),
              ...(part.file.file_id ? { file_id: part.file.file_id } : {}),
            };
          default:
            return part as unknown as Value;
        }
      }),
    }];
  });
}

/** A chat `response_format` as Responses' `text.format`. */
function formatOf(format: unknown): unknown {
  if (!isObject(format) || format.type !== "json_schema") return format;
  return { type: "json_schema", ...format.json_schema as Value };
}

/** A chat tool (`{type, function: {...}}`) as Responses' flat one. */
function toolOf(tool: unknown): unknown {
  if (!isObject(tool) || tool.type !== "function" || !isObject(tool.function)) {
    return tool;
  }
  const { name, description, parameters, strict } = tool.function;
  return {
    type: "function",
    name,
    ...(description === undefined ? {} : { description }),
    parameters: parameters ?? { type: "object", properties: {} },
    strict: strict ?? false,
  };
}

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
 * import { completionOf } from "./responses.ts";
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
 * import { usageOf } from "./responses.ts";
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
 * stands for, as {@linkcode printStream} does. The completion holds the text
 * only when `keepText` is set; without an ending event its finish reason is
 * `null`: cut off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printResponseStream } from "./responses.ts";
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
): Promise<{ completion: ResponseCompletion; response?: Value }> {
  let text: string | null = null;
  let thought = "";
  let refusal = "";
  let ended: Value | undefined;
  // A call's arguments come in pieces, by its item's place in the output.
  const calls = new Map<number, ChatCompletionMessageFunctionToolCall>();
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
  return { completion, ...(ended ? { response: ended } : {}) };
}

/**
 * Whether `error` says the model is served only through the Responses API
 * ("This model is only supported in v1/responses and not in
 * v1/chat/completions."), so that asking there instead may answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import OpenAI from "openai";
 * import { onlyThroughResponses } from "./responses.ts";
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
