/**
 * OpenAI's Responses API (`POST /responses`) beside chat completions: the
 * same exchange in its words. The conversation goes whole as `input` items
 * (`store: false`, no `previous_response_id`: nothing is kept on the
 * server), the request's fields as Responses names them, and what comes
 * back, whole or streamed, as the chat completion the rest of the program
 * reads; `--json` prints the response itself. A reasoning model's
 * reasoning items (encrypted, as a stateless request asks for them) go
 * back with its calls in the next tool round.
 *
 * @module
 */
import OpenAI from "openai";
import type { Message, ToolMessage } from "../history/conversation.ts";
import {
  completionOf,
  printResponseStream,
  reasoningItemsOf,
  type ResponseCompletion,
} from "./responses_answer.ts";
import type { Request } from "./request.ts";
import type { AnswerScreen } from "./screen.ts";

/**
 * The demo's exchange through the Responses API: `messages` sent as
 * `request` says (streamed or whole), the answer shown on `screen` as the
 * chat path shows it. Returns the completion the response stands for, and
 * the response itself for `--json`; a field Responses does not take is
 * left out and told to `request.note`. The response's reasoning items are
 * kept with the completion's message when it calls tools: see
 * {@linkcode carryReasoning}.
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
    const completion = completionOf(response);
    keepReasoning(completion, reasoningItemsOf((response as Value)?.output));
    return { completion, response };
  }
  const events = await client.responses.create(
    { ...body, stream: true } as OpenAI.Responses.ResponseCreateParamsStreaming,
    { signal },
  );
  const { completion, response, reasoningItems } = await printResponseStream(
    events,
    screen,
    { keepText: request.json, signal, reasoning: screen.reasoning },
  );
  keepReasoning(completion, reasoningItems);
  return { completion, response };
}

/**
 * The reasoning items a response came with, by the assistant message that
 * holds its tool calls: first the completion's message, then the one the
 * tool round answers with (see {@linkcode carryReasoning}). A side map
 * rather than a field of the message: the message stays OpenAI's chat
 * message for the rest of the program, and nothing that copies or
 * serialises it (the history's save, `--json`'s `tool_messages`, a
 * chat-completions request, a spread, `JSON.stringify`, `structuredClone`)
 * can carry the encrypted reasoning along, as it could a non-enumerable
 * field; only {@linkcode inputOf} reads it. Weak: it goes with the message,
 * and so lasts the exchange's rounds alone (a later turn sends copies of
 * the messages before it, masked, that carry none).
 */
const reasoningOfCalls = new WeakMap<object, readonly Value[]>();

/** Keeps `items` with `completion`'s message, when it calls tools. */
function keepReasoning(completion: ResponseCompletion, items: Value[]): void {
  const message = completion?.choices?.[0]?.message;
  if (items.length && message?.tool_calls?.length) {
    reasoningOfCalls.set(message, items);
  }
}

/**
 * Carries the reasoning items kept with `message` (a completion's, whose tool
 * calls a round answered) over to the assistant message of `answered` (the
 * round's messages, which are sent in the next round), so that they go back
 * right before its calls: with `store: false` the server keeps nothing, and
 * a reasoning model that does not get them back loses its chain of thought.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { carryReasoning, inputOf } from "./responses.ts";
 * const answered = [
 *   { role: "assistant" as const, content: null, tool_calls: [{
 *     id: "call_1", type: "function" as const,
 *     function: { name: "f", arguments: "{}" },
 *   }] },
 *   { role: "tool" as const, tool_call_id: "call_1", content: "ok" },
 * ];
 * // A message no response's reasoning was kept with carries none.
 * carryReasoning({ role: "assistant", content: null }, answered);
 * assert.equal(inputOf(answered)[0].type, "function_call");
 * ```
 */
export function carryReasoning(
  message: object,
  answered: readonly ToolMessage[],
): void {
  const items = reasoningOfCalls.get(message);
  const calls = answered.find((each) => each.role === "assistant");
  if (items && calls) reasoningOfCalls.set(calls, items);
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
 * is shown and a `reasoning_effort` says the model reasons; being
 * stateless, the request then asks for the reasoning encrypted
 * (`include`), to send it back in the next tool round.
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
  // Nothing is kept on the server: a model asked to reason gets its
  // reasoning back encrypted, to be sent again (see carryReasoning), with
  // anything else `-o` asked for. Only then: OpenAI refuses the include for
  // a model that does not reason ("Encrypted content is not supported with
  // this model"), gpt-4o among them.
  if (body.reasoning !== undefined) {
    body.include = [
      ...new Set([
        ...(Array.isArray(body.include) ? body.include : []),
        "reasoning.encrypted_content",
      ]),
    ];
  }
  return { body, dropped };
}

/**
 * Chat-format messages as Responses `input` items: a message each, a
 * content part each (`input_text`, `input_image` with its URL or data URL,
 * `input_file` for a PDF), an assistant's tool calls as `function_call`
 * items (after the reasoning items of the response that made them, kept
 * by {@linkcode carryReasoning}, in the order its output had) and each
 * tool's result as a `function_call_output`.
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
        ...reasoningOfCalls.get(message) ?? [],
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
