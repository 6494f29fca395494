/**
 * What the history gives back, checked as strictly as what came in: a file
 * damaged on disk, or changed by hand, is one sentence naming the
 * conversation and what is wrong (exit 2), never a 5 GB upload, an
 * unexpected error or a server blamed for JSON it never sent.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  type AttachmentKind,
  limitOf,
  MEDIA_TYPES,
  REQUEST_LIMIT,
} from "../files/kinds.ts";
import type { ToolMessage } from "./conversation.ts";
import { HistoryError } from "./errors.ts";

/** Why a conversation read back cannot be used, as the user can act on it. */
export class DamagedHistoryError extends HistoryError {
  constructor(path: string, id: number, what: string) {
    super(
      `the history at ${path} is damaged: conversation ${id} has ${what}; ` +
        "start a new conversation, or set GPT4O_HISTORY to another file",
    );
  }
}

/** A stored attachment's kind and size, within what could ever be sent. */
export function checkedFile(
  kind: string | null,
  size: number | null,
): { kind: AttachmentKind; size: number } | string {
  if (kind === null || !Object.hasOwn(MEDIA_TYPES, kind)) {
    return `an attachment of an unknown kind (${JSON.stringify(kind)})`;
  }
  const limit = Math.min(limitOf(kind as AttachmentKind), REQUEST_LIMIT);
  if (!Number.isSafeInteger(size) || size! < 0 || size! > limit) {
    return `an attachment whose size (${size}) no ${kind} sent can have`;
  }
  return { kind: kind as AttachmentKind, size: size! };
}

/** A stored attachment's bytes: as long as its size says, with its hash. */
export function checkedBytes(
  bytes: Uint8Array,
  length: number,
  sha256: string,
): string | undefined {
  if (length !== bytes.length) {
    return `an attachment with ${bytes.length} of its ${length} bytes`;
  }
  if (createHash("sha256").update(bytes).digest("hex") !== sha256) {
    return "an attachment whose bytes do not match their hash";
  }
}

/** Stored JSON, parsed; `undefined` when it is not JSON. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The options a turn was sent with: a JSON object. */
export function checkedOptions(
  text: string,
): Record<string, unknown> | string {
  const value = parsed(text);
  return isObject(value) ? value : "options that are not a JSON object";
}

/** A turn's tool rounds: the messages chat completions take, and only them. */
export function checkedToolMessages(text: string): ToolMessage[] | string {
  const value = parsed(text);
  const wrong = "tool messages that are not the ones chat completions take";
  if (!Array.isArray(value)) return wrong;
  for (const message of value) {
    if (!isObject(message)) return wrong;
    if (message.role === "tool") {
      if (
        typeof message.tool_call_id !== "string" ||
        typeof message.content !== "string"
      ) return wrong;
    } else if (message.role === "assistant") {
      if (message.content !== null && typeof message.content !== "string") {
        return wrong;
      }
      if (!Array.isArray(message.tool_calls)) return wrong;
      for (const call of message.tool_calls) {
        if (
          !isObject(call) || typeof call.id !== "string" ||
          call.type !== "function" || !isObject(call.function) ||
          typeof call.function.name !== "string" ||
          typeof call.function.arguments !== "string"
        ) return wrong;
      }
    } else return wrong;
  }
  return value as ToolMessage[];
}
