/**
 * What the history keeps of a conversation: each exchange as saved, and the
 * messages it stands for in OpenAI's chat-completions format, ready to be
 * sent again.
 *
 * @module
 */
import type { Attachment, ContentPart } from "../files/attachments.ts";
import { partsOf } from "../files/parts.ts";
import type { SamplingOptions } from "../config/sampling.ts";
import type { Execution } from "./executions.ts";

/** How an exchange ended. */
export type Outcome =
  | "answered"
  | "cut off"
  | "filtered"
  | "refused"
  | "interrupted"
  | "failed";

export const OUTCOMES: readonly Outcome[] = [
  "answered",
  "cut off",
  "filtered",
  "refused",
  "interrupted",
  "failed",
];

/** One prompt and its answer, as saved. */
export interface Exchange {
  system: string;
  prompt: string;
  model: string;
  /** Where it was sent: host and path only, no credentials or query, e.g. "api.openai.com/v1". */
  endpoint: string;
  /** The answer text, as far as it got (also for cut off / interrupted). */
  answer: string;
  outcome: Outcome;
  /** The one-line error message for failed/refused/interrupted, else undefined. */
  error?: string;
  usage?: Usage | null;
  /** What the exchange cost, when the server said or the config's prices tell. */
  cost?: Cost;
  started: Date;
  finished: Date;
  /** What was sent with the prompt (`-a`), in order; saved once each by content. */
  attachments?: Attachment[];
  /** The request's sampling options (`-o`), as sent. */
  options?: SamplingOptions;
  /**
   * The tool rounds between the prompt and the answer (`-T`): each
   * assistant message that called tools, then a `tool` message per call.
   */
  toolMessages?: ToolMessage[];
  /** What became of the command it proposed (`-e`), decision by decision. */
  executions?: Execution[];
}

/** One line of `--history`. */
/** An exchange's tokens, as the server counted them. */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  /** Of the completion tokens, those spent reasoning. */
  reasoning_tokens?: number;
  /** Of the prompt tokens, those read from the server's cache. */
  cached_tokens?: number;
}

/** A model's prices, in USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  /** For cached prompt tokens; the input price when not given. */
  cached_input?: number;
}

/**
 * What an exchange cost, in USD: as the server reported it (OpenRouter's
 * `usage.cost`), or from the config's prices, kept as they were then.
 */
export type Cost =
  | { usd: number; source: "server" }
  | { usd: number; source: "prices"; price: Price };

export interface ConversationSummary {
  id: number;
  /** When its first exchange started, ISO 8601. */
  created: string;
  /** When its latest exchange finished, ISO 8601. */
  updated: string;
  /** The latest exchange's model. */
  model: string;
  turns: number;
  /** Its name, else the first line of the first prompt. */
  title: string;
  /** The name it was given (`--title`), unique in the history. */
  name?: string;
}

/** A conversation with every exchange, oldest first. */
/** What a conversation's turns are sent and shown with. */
export type Turns = Pick<Conversation, "id" | "model" | "system" | "turns">;

export interface Conversation {
  id: number;
  /** Its name, else the first line of the first prompt. */
  title: string;
  /** The name it was given (`--title`), unique in the history. */
  name?: string;
  /** When its first exchange started, and its latest finished: ISO 8601. */
  created: string;
  updated: string;
  /** The latest exchange's model. */
  model: string;
  /** The latest exchange's system message. */
  system: string;
  turns: Exchange[];
}

/** A call of a tool, as an assistant message holds it. */
export interface ToolCallPart {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** A message of a tool round: the model's calls, or one call's result. */
export type ToolMessage =
  | { role: "assistant"; content: string | null; tool_calls: ToolCallPart[] }
  | { role: "tool"; tool_call_id: string; content: string };

/** A message in the OpenAI chat-completions format. */
export type Message =
  | { role: "system" | "assistant"; content: string }
  | { role: "user"; content: string | ContentPart[] }
  | ToolMessage;

/** A message's text: its content, or the text of its parts. */
export function textOfMessage(message: Message): string {
  return typeof message.content === "string"
    ? message.content
    : message.content === null
    ? ""
    : message.content.map((part) => part.type === "text" ? part.text : "")
      .join("");
}

/**
 * What {@linkcode Exchange.endpoint} keeps of a base URL: its host and path,
 * without scheme, credentials, query or fragment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endpointOf } from "./conversation.ts";
 * assert.equal(endpointOf("https://user:pw@example.com:8443/v1/?key=k#x"), "example.com:8443/v1");
 * ```
 */
export function endpointOf(baseURL: string): string {
  const url = new URL(baseURL);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * The messages to send before a new prompt that continues `conversation`:
 * the system message (`system`, else the conversation's), then each turn's
 * prompt (with its attachments, as content parts: their data as `base64`
 * gives it, see {@linkcode partsOf}), its tool rounds and its answer in
 * order. A turn without
 * answer text sends neither.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messagesOf } from "./conversation.ts";
 * const turn = {
 *   system: "Be brief.", prompt: "hi", model: "gpt-4o", endpoint: "api.openai.com/v1",
 *   answer: "Hello!", outcome: "answered" as const, started: new Date(), finished: new Date(),
 * };
 * assert.deepEqual(messagesOf({ id: 1, model: "gpt-4o", system: "Be brief.", turns: [turn] }), [
 *   { role: "system", content: "Be brief." },
 *   { role: "user", content: "hi" },
 *   { role: "assistant", content: "Hello!" },
 * ]);
 * ```
 */
export function messagesOf(
  conversation: Turns,
  system?: string,
  base64?: (attachment: Attachment) => string,
): Message[] {
  const messages: Message[] = [{
    role: "system",
    content: system ?? conversation.system,
  }];
  for (const turn of conversation.turns) {
    if (turn.answer === "") continue;
    messages.push(
      {
        role: "user",
        content: turn.attachments?.length
          ? partsOf(turn.prompt, turn.attachments, base64)
          : turn.prompt,
      },
      ...turn.toolMessages ?? [],
      { role: "assistant", content: turn.answer },
    );
  }
  return messages;
}
