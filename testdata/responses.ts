/**
 * Responses shaped like what OpenAI's Responses API (`POST /responses`)
 * sends, field for field: a response object, and the server-sent events of
 * its streams (`event:` named, `data:` with `type` and `sequence_number`).
 * Shaped on OpenAI's documented objects and streaming events
 * (https://platform.openai.com/docs/api-reference/responses/object and
 * https://platform.openai.com/docs/api-reference/responses-streaming) and
 * the schemas of openai/openai-openapi@f85dbe2 (MIT); the ids, times and
 * texts are made up. So is {@linkcode ENCRYPTED}, the `encrypted_content`
 * of a reasoning item that a request with
 * `include: ["reasoning.encrypted_content"]` gets: it is opaque to a
 * client, which only sends it back, so any string stands in (it begins
 * `gAAAAA` as those in OpenAI's examples do). As that schema's
 * `ReasoningItem` says of a stream, the item of
 * `response.output_item.added` holds only part of it, and that of
 * `response.output_item.done` all of it.
 *
 * @module
 */
import { ANSWER } from "./fixtures.ts";

/** The usage of a response, as OpenAI reports it. */
export const RESPONSE_USAGE = {
  input_tokens: 27,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 18,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 45,
};

/** An assistant message item holding `text`. */
export function messageItem(
  text: string,
  id = "msg_67ccd3acc8d48190a77525dc",
): Record<string, unknown> {
  return {
    id,
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
  };
}

/** A reasoning item's `encrypted_content` (made up: see the module's comment). */
export const ENCRYPTED =
  "gAAAAABoU2x1cHBvc2VkLXJlYXNvbmluZy10aGF0LW9ubHktdGhlLXNlcnZlci1yZWFkcw==";

/** A reasoning item with its summary, and its `encrypted_content` when given. */
export function reasoningItem(
  summary: string,
  encrypted?: string,
): Record<string, unknown> {
  return {
    id: "rs_67ccd3a9da748190baa7f1570bd0e4d7",
    type: "reasoning",
    summary: [{ type: "summary_text", text: summary }],
    ...(encrypted === undefined ? {} : { encrypted_content: encrypted }),
  };
}

/** A function call item. */
export function callItem(
  callId: string,
  name: string,
  args: string,
): Record<string, unknown> {
  return {
    id: `fc_${callId}`,
    type: "function_call",
    status: "completed",
    call_id: callId,
    name,
    arguments: args,
  };
}

/** A whole response of gpt-4o, its output `output` (a message of {@linkcode ANSWER} by default). */
export function response(
  output: unknown[] = [messageItem(ANSWER)],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    object: "response",
    created_at: 1790000000,
    status: "completed",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: "gpt-4o-2024-08-06",
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: false,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: RESPONSE_USAGE,
    user: null,
    metadata: {},
    ...extra,
  };
}

/** Events as the Responses API streams them: `event:` and `data:`, numbered. */
export function responseEvents(events: Record<string, unknown>[]): string {
  return events.map((event, i) =>
    `event: ${event.type}\ndata: ${
      JSON.stringify({ ...event, sequence_number: i })
    }\n\n`
  ).join("");
}

/** The events that open every stream. */
function opening(): Record<string, unknown>[] {
  const started = response([], { status: "in_progress", usage: null });
  return [
    { type: "response.created", response: started },
    { type: "response.in_progress", response: started },
  ];
}

/** A message item's events at `index`: its text in `pieces`. */
function messageEvents(
  pieces: string[],
  index: number,
): Record<string, unknown>[] {
  const item_id = "msg_67ccd3acc8d48190a77525dc";
  const text = pieces.join("");
  const at = { item_id, output_index: index, content_index: 0 };
  return [
    {
      type: "response.output_item.added",
      output_index: index,
      item: { ...messageItem(""), status: "in_progress", content: [] },
    },
    {
      type: "response.content_part.added",
      ...at,
      part: { type: "output_text", text: "", annotations: [] },
    },
    ...pieces.map((delta) => ({
      type: "response.output_text.delta",
      ...at,
      delta,
      logprobs: [],
    })),
    { type: "response.output_text.done", ...at, text, logprobs: [] },
    {
      type: "response.content_part.done",
      ...at,
      part: { type: "output_text", text, annotations: [] },
    },
    {
      type: "response.output_item.done",
      output_index: index,
      item: messageItem(text),
    },
  ];
}

/** A stream of a message whose text comes in `pieces`, ending `response.completed`. */
export function textStream(pieces: string[]): string {
  return responseEvents([
    ...opening(),
    ...messageEvents(pieces, 0),
    {
      type: "response.completed",
      response: response([messageItem(pieces.join(""))]),
    },
  ]);
}

/**
 * A reasoning item's events at `index`: its summary in `thinking`, and its
 * `encrypted_content` when given (in part when the item is added).
 */
function reasoningEvents(
  thinking: string[],
  index: number,
  encrypted?: string,
): Record<string, unknown>[] {
  const item_id = "rs_67ccd3a9da748190baa7f1570bd0e4d7";
  const summary = thinking.join("");
  const at = { item_id, output_index: index, summary_index: 0 };
  return [
    {
      type: "response.output_item.added",
      output_index: index,
      item: {
        ...reasoningItem("", encrypted?.slice(0, 12)),
        summary: [],
      },
    },
    {
      type: "response.reasoning_summary_part.added",
      ...at,
      part: { type: "summary_text", text: "" },
    },
    ...thinking.map((delta) => ({
      type: "response.reasoning_summary_text.delta",
      ...at,
      delta,
    })),
    { type: "response.reasoning_summary_text.done", ...at, text: summary },
    {
      type: "response.reasoning_summary_part.done",
      ...at,
      part: { type: "summary_text", text: summary },
    },
    {
      type: "response.output_item.done",
      output_index: index,
      item: reasoningItem(summary, encrypted),
    },
  ];
}

/** What a reasoning model's response says of its reasoning. */
export const REASONED = {
  model: "o4-mini-2025-04-16",
  reasoning: { effort: "low", summary: "auto" },
  usage: {
    ...RESPONSE_USAGE,
    output_tokens_details: { reasoning_tokens: 12 },
  },
};

/** A reasoning model's stream: its summary in `thinking`, then the text in `pieces`. */
export function reasoningStream(thinking: string[], pieces: string[]): string {
  const summary = thinking.join("");
  return responseEvents([
    ...opening(),
    ...reasoningEvents(thinking, 0),
    ...messageEvents(pieces, 1),
    {
      type: "response.completed",
      response: response([
        reasoningItem(summary),
        messageItem(pieces.join("")),
      ], REASONED),
    },
  ]);
}

/**
 * A stream of function calls, each's arguments in two pieces; a reasoning
 * model's, when `reasoning` is given, its reasoning item first.
 */
export function callStream(
  calls: { callId: string; name: string; arguments: string }[],
  reasoning?: { thinking: string[]; encrypted: string },
): string {
  const first = reasoning ? 1 : 0;
  return responseEvents([
    ...opening(),
    ...(reasoning
      ? reasoningEvents(reasoning.thinking, 0, reasoning.encrypted)
      : []),
    ...calls.flatMap((call, i) => {
      const output_index = first + i;
      const item_id = `fc_${call.callId}`;
      const half = Math.ceil(call.arguments.length / 2);
      return [
        {
          type: "response.output_item.added",
          output_index,
          item: {
            ...callItem(call.callId, call.name, ""),
            status: "in_progress",
          },
        },
        ...[call.arguments.slice(0, half), call.arguments.slice(half)].map(
          (delta) => ({
            type: "response.function_call_arguments.delta",
            item_id,
            output_index,
            delta,
          }),
        ),
        {
          type: "response.function_call_arguments.done",
          item_id,
          output_index,
          arguments: call.arguments,
        },
        {
          type: "response.output_item.done",
          output_index,
          item: callItem(call.callId, call.name, call.arguments),
        },
      ];
    }),
    {
      type: "response.completed",
      response: response(
        [
          ...(reasoning
            ? [reasoningItem(reasoning.thinking.join(""), reasoning.encrypted)]
            : []),
          ...calls.map((call) =>
            callItem(call.callId, call.name, call.arguments)
          ),
        ],
        reasoning ? REASONED : {},
      ),
    },
  ]);
}

/** A stream whose text begins in `pieces`, then the response fails. */
export function failedStream(pieces: string[]): string {
  const events = messageEvents(pieces, 0).slice(0, 2 + pieces.length);
  return responseEvents([
    ...opening(),
    ...events,
    {
      type: "response.failed",
      response: response([], {
        status: "failed",
        error: {
          code: "server_error",
          message: "The model failed to generate a response.",
        },
        usage: null,
      }),
    },
  ]);
}

/** A stream whose text begins in `pieces`, then an `error` event. */
export function errorStream(pieces: string[]): string {
  const events = messageEvents(pieces, 0).slice(0, 2 + pieces.length);
  return responseEvents([
    ...opening(),
    ...events,
    {
      type: "error",
      code: "rate_limit_exceeded",
      message: "Rate limit reached for gpt-4o on tokens per min (TPM).",
      param: null,
    },
  ]);
}
