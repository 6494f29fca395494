/**
 * One exchange as the demo's `ask()` takes it and returns it: where to send
 * which messages and how to show the answer ({@linkcode Request}), and how it
 * ended ({@linkcode Reply}).
 *
 * @module
 */
import type { CompletionUsage } from "openai/resources/completions";
import type { ChatCompletionMessage } from "openai/resources/chat/completions";
import type { Io } from "../io/io.ts";
import type { Target } from "../config/plan.ts";
import type {
  Message,
  Outcome,
  Price,
  ToolMessage,
} from "../history/conversation.ts";
import type { MarkdownOptions } from "../render/markdown.ts";
import type { InlineData } from "../files/parts.ts";
import type { JsonSchemaRequest } from "./schema.ts";
import { InterruptedError, type RequestContext } from "../errors.ts";
import { NO_KEY } from "../config/connection.ts";
import { CutOffError, RefusalError } from "./answer.ts";

/**
 * Which API an exchange goes through: chat completions
 * (`POST /chat/completions`) or OpenAI's Responses API (`POST /responses`).
 */
export type Api = "chat" | "responses";

/** One exchange: where to send which messages, and how to show the answer. */
export interface Request {
  target: Target;
  /** The API it goes through (chat completions unless it says). */
  api?: Api;
  /**
   * The other API may answer instead: a failure that says so (a model
   * served only through Responses; a server without Responses), before
   * anything is printed, is returned as {@linkcode Reply.otherApi}.
   */
  switchApi?: boolean;
  /** Tells a line once a run (a field the API does not take, left out). */
  note?: (line: string) => void;
  /**
   * The line a failure is told in, from the failure's own: one that says
   * the model is not served ends with the nearest models the server lists.
   * It never throws; without it, the failure's line as it is.
   */
  failureLine?: (line: string) => Promise<string>;
  messages: Message[];
  stream: boolean;
  json: boolean;
  verbose: boolean;
  /** Show a reasoning model's thinking on stderr. */
  reasoning: boolean;
  timeoutSeconds: number;
  /** A spinner on stderr until the answer begins (both outputs terminals). */
  activity?: boolean;
  /** Render the answer's markdown (on a terminal, unless `--raw`). */
  render?: MarkdownOptions;
  /** Print only the answer's first or last fenced code block (`-x`). */
  extract?: "first" | "last";
  /** Print nothing of the answer: the caller takes its text (`-e`'s command). */
  quiet?: boolean;
  /**
   * The request body's other fields: the sampling options as the target's
   * server takes them, `response_format` for `--schema`.
   */
  fields: Record<string, unknown>;
  /** `--schema`: the answer is JSON that must follow it. */
  schema?: JsonSchemaRequest;
  /** The model's price (the config's `[prices]`), for `-v` to tell the cost. */
  price?: Price;
  /** The attachments' data, which the messages carry as stand-ins. */
  inline?: InlineData;
  /**
   * `-T`: what answers the model's tool calls, round by round (the tools
   * themselves are offered in `fields`).
   */
  tools?: ToolRounds;
  /**
   * Another target follows this one: a failure that says the provider cannot
   * answer now (see {@linkcode fallbackReason}), before anything is printed,
   * is returned as {@linkcode Reply.fallBack} and not told.
   */
  fallback: boolean;
}

/** Answers the model's tool calls, one round at a time. */
export interface ToolRounds {
  /**
   * The messages that answer `message`'s tool calls: `message` itself, then
   * one `tool` message per call, in order. `round` counts from 0.
   *
   * @throws {ToolRoundsError} past the round bound; the signal's reason
   * once it is aborted.
   */
  answer(
    message: ChatCompletionMessage,
    round: number,
    signal: AbortSignal,
  ): Promise<ToolMessage[]>;
}

/** How one exchange ended: its exit code, and what to save. */
export interface Reply {
  exitCode: number;
  /** The answer as far as it got. */
  answer: string;
  outcome: Outcome;
  /** The one-line failure, when there was one. */
  error?: string;
  usage?: CompletionUsage | null;
  /** Why the next target should be asked instead (a short reason). */
  fallBack?: string;
  /** The API to ask through instead (see {@linkcode Request.switchApi}). */
  otherApi?: Api;
  /** The tool rounds before the answer, as sent back to the model. */
  toolMessages?: ToolMessage[];
}

/** The demo's exchange: sends one request and prints its answer. */
export type Ask = (io: Io, request: Request) => Promise<Reply>;

/** One model of a server's list (`GET /models`). */
export interface ListedModel {
  id: string;
  /** The day it retires (`YYYY-MM-DD`), when the server says. */
  retires?: string;
}

/** What a run asks of the server: an exchange, and the list of its models. */
export interface Server {
  ask: Ask;
  /**
   * The models the target's server lists; `signal` stops the listing, and
   * `maxRetries` bounds the SDK's retries (its own default otherwise).
   */
  models(
    io: Io,
    target: Target,
    options?: { signal?: AbortSignal; maxRetries?: number },
  ): Promise<ListedModel[]>;
}

/**
 * How an exchange ended, for the history: from the finish reason of an
 * answer, or from the error that stopped it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outcomeOf } from "./request.ts";
 * assert.equal(outcomeOf("stop"), "answered");
 * assert.equal(outcomeOf("length"), "cut off");
 * assert.equal(outcomeOf(undefined, new Error("connection reset")), "failed");
 * ```
 */
export function outcomeOf(
  finishReason: string | null | undefined,
  error?: unknown,
): Outcome {
  if (error instanceof InterruptedError) return "interrupted";
  if (error instanceof RefusalError) return "refused";
  if (error instanceof CutOffError) return "cut off";
  if (error !== undefined) return "failed";
  if (finishReason === "length") return "cut off";
  if (finishReason === "content_filter") return "filtered";
  return "answered";
}

/** What a failure's message may say of the request that failed. */
export function contextOf(target: Target): RequestContext {
  return {
    model: target.model,
    baseURL: target.connection.baseURL,
    ...(target.keyVariable ? { keyVariable: target.keyVariable } : {}),
    keySent: target.connection.apiKey !== NO_KEY,
  };
}
