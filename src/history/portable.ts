/**
 * Conversations as JSON, to move them elsewhere and back (`--export`,
 * `--import`): an array of objects with `id`, `title`, `created`,
 * `updated`, `model` (and `name` when one was given) and `messages` in
 * OpenAI's chat-completions format: a system message where it changes, each
 * turn's user message (attachments as data URLs), its tool calls and
 * results, and the answer. What is imported is checked whole first: the
 * first problem is told with its place, and nothing is added.
 *
 * @module
 */
import type {
  Conversation,
  Exchange,
  Message,
  ToolMessage,
} from "./conversation.ts";
import { messagesOf } from "./conversation.ts";
import { type Attachment, limitOf, MEDIA_TYPES } from "../files/kinds.ts";
import { kindOf, sizeText } from "../files/attachments.ts";
import { checkedToolMessages } from "./checked.ts";
import { flatten } from "../text/line.ts";
import { createHash } from "node:crypto";

/** One conversation as `--export` prints it: its turns as messages. */
export type Exported = Omit<Conversation, "system" | "turns"> & {
  messages: Message[];
};

/** A conversation read from an export, to be saved under a new id. */
export interface Imported {
  title: string;
  name?: string;
  turns: Exchange[];
}

/** Where an imported conversation's turns say they were sent. */
export const IMPORTED_ENDPOINT = "imported";

/**
 * `conversation` as `--export` prints it: its turns as messages, a system
 * message first and again wherever it changed, files as data URLs. A turn
 * that got no answer is left out, as a follow-up leaves it out.
 */
export function exported(conversation: Conversation): Exported {
  const messages: Message[] = [];
  let system: string | undefined;
  for (const turn of conversation.turns) {
    if (turn.answer === "") continue;
    const [first, ...rest] = messagesOf(
      { ...conversation, turns: [turn] },
      turn.system,
    );
    if (turn.system !== system) messages.push(first);
    system = turn.system;
    messages.push(...rest);
  }
  return {
    id: conversation.id,
    title: conversation.title,
    ...(conversation.name === undefined ? {} : { name: conversation.name }),
    created: conversation.created,
    updated: conversation.updated,
    model: conversation.model,
    messages,
  };
}

/** What is wrong with an import, and where: `[2].messages[5].content`. */
export class ImportError extends Error {
  override name = "ImportError";
  constructor(readonly place: string, readonly problem: string) {
    super(`${place}: ${problem}`);
  }
}

type Value = Record<string, unknown>;

const isObject = (value: unknown): value is Value =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An ISO 8601 date and time, as the history keeps them. */
function dateOf(value: unknown, place: string): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new ImportError(place, "not a date and time (ISO 8601)");
  }
  return date;
}

/**
 * The conversations of an export, checked whole: every field and message
 * as `--export` writes them.
 *
 * @throws {ImportError} at the first problem, with its place.
 */
export function importedOf(value: unknown): Imported[] {
  if (!Array.isArray(value)) {
    throw new ImportError("the file", "not a JSON array of conversations");
  }
  return value.map((each, i) => importedConversation(each, `[${i}]`));
}

function importedConversation(value: unknown, place: string): Imported {
  if (!isObject(value)) throw new ImportError(place, "not an object");
  const text = (key: string, optional = false) => {
    const field = value[key];
    if (field === undefined && optional) return undefined;
    if (typeof field !== "string") {
      throw new ImportError(`${place}.${key}`, "not a string");
    }
    return field;
  };
  const title = text("title")!;
  const name = text("name", true);
  const model = text("model")!;
  const created = dateOf(value.created, `${place}.created`);
  const updated = dateOf(value.updated, `${place}.updated`);
  if (!Array.isArray(value.messages)) {
    throw new ImportError(`${place}.messages`, "not an array of messages");
  }
  const turns = turnsOf(value.messages, `${place}.messages`, model);
  if (turns.length === 0) {
    throw new ImportError(`${place}.messages`, "no user message and answer");
  }
  // The first turn began when the conversation did; the last one ended
  // when it was last used.
  for (const turn of turns) {
    turn.started = created;
    turn.finished = created;
  }
  turns[turns.length - 1].finished = updated;
  return {
    title,
    ...(name === undefined || name.trim() === ""
      ? {}
      : { name: flatten(name) }),
    turns,
  };
}

/** The turns of an export's messages: each user message, the tool rounds after it, and the answer. */
function turnsOf(
  messages: unknown[],
  place: string,
  model: string,
): Exchange[] {
  const turns: Exchange[] = [];
  let system = "";
  let turn: Exchange | undefined;
  let rounds: ToolMessage[] = [];
  for (const [i, message] of messages.entries()) {
    const at = `${place}[${i}]`;
    if (!isObject(message)) throw new ImportError(at, "not a message object");
    const { role, content } = message;
    if (role === "system") {
      if (typeof content !== "string") {
        throw new ImportError(`${at}.content`, "not a string");
      }
      if (turn) throw new ImportError(at, "a system message before the answer");
      system = content;
    } else if (role === "user") {
      if (turn) {
        throw new ImportError(
          at,
          "a user message before the last one's answer",
        );
      }
      const { prompt, attachments } = userContent(content, `${at}.content`);
      turn = {
        system,
        prompt,
        model,
        endpoint: IMPORTED_ENDPOINT,
        answer: "",
        outcome: "answered",
        started: new Date(0),
        finished: new Date(0),
        ...(attachments.length ? { attachments } : {}),
      };
      rounds = [];
    } else if (role === "assistant" || role === "tool") {
      if (!turn) {
        throw new ImportError(at, `an ${role} message before any user message`);
      }
      if (role === "tool" || message.tool_calls !== undefined) {
        const checked = checkedToolMessages(JSON.stringify([message]));
        if (typeof checked === "string") {
          throw new ImportError(
            at,
            "not a tool call or result as chat completions take it",
          );
        }
        rounds.push(...checked);
        continue;
      }
      if (typeof content !== "string") {
        throw new ImportError(
          `${at}.content`,
          "not a string (the answer's text)",
        );
      }
      turn.answer = content;
      if (rounds.length) turn.toolMessages = rounds;
      turns.push(turn);
      turn = undefined;
    } else {
      throw new ImportError(
        `${at}.role`,
        `not system, user, assistant or tool`,
      );
    }
  }
  if (turn) {
    throw new ImportError(
      `${place}[${messages.length - 1}]`,
      "a user message with no answer after it",
    );
  }
  return turns;
}

/** A user message's text, and its files and image URLs. */
function userContent(
  content: unknown,
  place: string,
): { prompt: string; attachments: Attachment[] } {
  if (typeof content === "string") return { prompt: content, attachments: [] };
  if (!Array.isArray(content)) {
    throw new ImportError(place, "neither text nor an array of parts");
  }
  const texts: string[] = [];
  const attachments: Attachment[] = [];
  for (const [i, part] of content.entries()) {
    const at = `${place}[${i}]`;
    if (!isObject(part)) throw new ImportError(at, "not a content part");
    if (part.type === "text" && typeof part.text === "string") {
      texts.push(part.text);
    } else if (
      part.type === "image_url" && isObject(part.image_url) &&
      typeof part.image_url.url === "string"
    ) {
      const { url } = part.image_url;
      attachments.push(
        /^https?:\/\//i.test(url) ? { name: url, kind: "url", url } : fileOf(
          url,
          `image-${attachments.length + 1}`,
          `${at}.image_url.url`,
        ),
      );
    } else if (
      part.type === "file" && isObject(part.file) &&
      typeof part.file.file_data === "string"
    ) {
      const name = typeof part.file.filename === "string"
        ? part.file.filename
        : `file-${attachments.length + 1}.pdf`;
      attachments.push(
        fileOf(part.file.file_data, name, `${at}.file.file_data`),
      );
    } else {
      throw new ImportError(at, "not a text, image_url or file part");
    }
  }
  return { prompt: texts.join("\n"), attachments };
}

/** A file from its data URL: an image or a PDF within its limit. */
function fileOf(url: string, name: string, place: string): Attachment {
  const match = /^data:([\w.+/-]+);base64,(.*)$/s.exec(url);
  if (!match) {
    throw new ImportError(place, "not an http(s) URL or a base64 data URL");
  }
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.fromBase64(match[2]);
  } catch {
    throw new ImportError(place, "its base64 data is not valid");
  }
  const kind = kindOf(bytes);
  if (kind === undefined || MEDIA_TYPES[kind] !== match[1]) {
    throw new ImportError(
      place,
      `not a PNG, JPEG, WebP, GIF or PDF as its media type ${match[1]} says`,
    );
  }
  if (bytes.length > limitOf(kind)) {
    throw new ImportError(
      place,
      `${sizeText(bytes.length)}, over the limit of ${sizeText(limitOf(kind))}`,
    );
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { name, kind, bytes, sha256 };
}
