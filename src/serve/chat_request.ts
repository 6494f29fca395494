/**
 * The body of `POST /api/chat`, checked: `{"conversation"?: id, "model"?:
 * text, "prompt": text, "attachments"?: [{"name", "media_type", "data"}]}`,
 * each attachment's base64 data an image or a PDF known by its bytes, within
 * the limits `-a` keeps.
 *
 * @module
 */
import {
  type Attachment,
  attachmentFromBytes,
  checkRequestLimit,
} from "../files/attachments.ts";
import { UsageError } from "../cli/usage_error.ts";
import { cut, flatten } from "../text/line.ts";
import { badRequest } from "./replies.ts";

/** The longest attachment name kept, in characters. */
const NAME_LIMIT = 200;

/** A prompt of the page's chat. */
export interface ChatAsked {
  /** The conversation to follow up; a new one without. */
  conversation?: number;
  /** As a request's `model` takes it; the run's without. */
  model?: string;
  prompt: string;
  attachments: Attachment[];
}

/**
 * The prompt `body` asks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chatAskedOf } from "./chat_request.ts";
 * assert.deepEqual(await chatAskedOf({ conversation: "3", prompt: "And then?" }), {
 *   conversation: 3,
 *   prompt: "And then?",
 *   attachments: [],
 * });
 * ```
 *
 * @throws {ServeError} 400 naming the field that is not what it must be.
 */
export async function chatAskedOf(
  body: Record<string, unknown>,
): Promise<ChatAsked> {
  const { conversation, model, prompt, attachments = [] } = body;
  if (typeof prompt !== "string") {
    throw badRequest("prompt must be a text", "invalid_value");
  }
  if (model !== undefined && model !== null && typeof model !== "string") {
    throw badRequest("model must be a text, such as gpt-4o", "invalid_model");
  }
  if (!Array.isArray(attachments)) {
    throw badRequest(
      'attachments must be a list of {"name", "media_type", "data"}',
      "invalid_value",
    );
  }
  const files: Attachment[] = [];
  for (const [i, each] of attachments.entries()) {
    files.push(await fileOf(each, i));
  }
  try {
    checkRequestLimit(files);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw badRequest(error.message.replace(/^-a: /, ""), "request_too_large");
  }
  if (prompt.trim() === "" && files.length === 0) {
    throw badRequest(
      "prompt is empty: there is nothing to ask",
      "invalid_value",
    );
  }
  const id = idOf(conversation);
  return {
    ...(id === undefined ? {} : { conversation: id }),
    ...(model ? { model } : {}),
    prompt,
    attachments: files,
  };
}

/** `conversation`'s id: a whole number (or its digits), or none. */
function idOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const id = typeof value === "string" && /^\d{1,15}$/.test(value)
    ? Number(value)
    : value;
  if (typeof id === "number" && Number.isSafeInteger(id) && id >= 1) return id;
  throw badRequest(
    "conversation must be the id of a conversation, such as 3",
    "invalid_value",
  );
}

/** Attachment `i` of the body: its bytes an image or a PDF. */
async function fileOf(value: unknown, i: number): Promise<Attachment> {
  const { name, data } = (value ?? {}) as Record<string, unknown>;
  const label = typeof name === "string" && name.trim()
    ? cut(flatten(name), NAME_LIMIT)
    : `attachment ${i + 1}`;
  let bytes;
  try {
    if (typeof data !== "string") throw new TypeError("no data");
    bytes = Uint8Array.fromBase64(data);
  } catch {
    throw badRequest(
      `${label}: data must be the file's bytes in base64`,
      "invalid_value",
    );
  }
  let file;
  try {
    file = await attachmentFromBytes(label, bytes);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw badRequest(error.message, "request_too_large");
  }
  if (file) return file;
  throw badRequest(
    `${label} is no image (PNG, JPEG, WebP, GIF) or PDF, which is all a ` +
      "prompt can carry",
    "invalid_value",
  );
}
