/**
 * `--chat`: a conversation at the terminal, one turn after another. The
 * program's one-shot exchange does each turn; this module reads the user's
 * lines, runs the slash commands and carries the earlier turns forward.
 *
 * @module
 */
import type { Message } from "./history.ts";
import type { LineReader, Output } from "./io.ts";

/** One turn to run: the new prompt after the earlier messages. */
export interface Turn {
  model: string;
  system: string;
  /** The earlier user and assistant messages, oldest first, without the system message. */
  earlier: Message[];
  prompt: string;
  /** The saved conversation this turn belongs to; `undefined` starts a new one. */
  conversationId: number | undefined;
}

/** How a turn ended. */
export interface TurnResult {
  /** The exit code the one-shot mode would give: 2 ends the chat. */
  exitCode: number;
  /** The answer as far as it got; empty when none arrived. */
  answer: string;
  /** The saved conversation, when the turn was saved. */
  conversationId: number | undefined;
}

/** What the chat needs from the rest of the program. */
export interface ChatSession {
  model: string;
  system: string;
  /** Earlier messages of a resumed conversation, oldest first. */
  earlier: Message[];
  conversationId: number | undefined;
  /** Runs one turn: sends it, prints the answer or the one-line failure, saves it. */
  turn(turn: Turn): Promise<TurnResult>;
  /** The text `/history` prints. */
  history(): string;
  /** Why `/model` cannot switch to a model (e.g. its provider's key is not set), if it cannot. */
  checkModel?(model: string): string | undefined;
}

/**
 * The exit codes of a turn that end the chat: a configuration error (2), and
 * SIGHUP (129) or SIGTERM (143), which stop the program as Ctrl-C stops one
 * answer.
 */
const ENDS_CHAT = [2, 129, 143];

/** The line that opens and closes a message of several lines. */
export const MULTILINE = '"""';

/** What `/help` prints. */
export const CHAT_HELP =
  `Type a message and press Enter; the answer streams as it arrives.
Pasted lines stay one message (a line break shows as \u21b5) until you press
Enter. To type several lines, put ${MULTILINE} on a line of its own before and
after them.

  /model <id>      use another model for the following turns
  /system <text>   use another system message for the following turns
  /clear           start a new conversation (earlier turns are no longer sent)
  /history         list the latest conversations
  /help            show this help
  /exit            leave (or Ctrl-D on an empty line)

Ctrl-C stops an answer and keeps what was printed; at the prompt it clears the line.
`;

/**
 * Runs the chat, beginning with the `first` message when there is one (the
 * prompt on the command line), until the end of input or `/exit`, and
 * returns the exit code:
 * 0, or that of a turn that ends it (a configuration error, SIGTERM, SIGHUP).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runChat } from "./chat.ts";
 * const lines = ["Hi", "/exit"];
 * let printed = "";
 * const code = await runChat({
 *   model: "gpt-4o",
 *   system: "Be brief.",
 *   earlier: [],
 *   conversationId: undefined,
 *   turn: (turn) => {
 *     printed += `${turn.prompt} -> Hello!\n`;
 *     return Promise.resolve({ exitCode: 0, answer: "Hello!", conversationId: 1 });
 *   },
 *   history: () => "",
 * }, {
 *   interactive: false,
 *   read: () => Promise.resolve(lines.shift()),
 *   [Symbol.dispose]() {},
 * }, { write: () => {} });
 * assert.equal(code, 0);
 * assert.equal(printed, "Hi -> Hello!\n");
 * ```
 */
export async function runChat(
  session: ChatSession,
  reader: LineReader,
  stderr: Output,
  first?: string,
): Promise<number> {
  let { model, system, conversationId } = session;
  let earlier = [...session.earlier];
  const say = (text: string) => stderr.write(`${text}\n`);
  if (reader.interactive) {
    say(`Chatting with ${model}. /help lists the commands; Ctrl-D leaves.`);
  }

  while (true) {
    const text = first || await readMessage(reader);
    first = undefined;
    if (text === undefined) return 0;
    if (text.trim() === "") continue;

    const command = text.match(/^\/(\w+)\s*([\s\S]*)$/);
    if (command) {
      const [, name, argument] = command;
      switch (name) {
        case "exit":
        case "quit":
          return 0;
        case "help":
          stderr.write(CHAT_HELP);
          continue;
        case "model": {
          const wanted = argument.trim();
          const problem = wanted ? session.checkModel?.(wanted) : undefined;
          if (problem) say(`${problem}; still ${model}`);
          else if (wanted) model = wanted;
          if (!problem) say(`model: ${model}`);
          continue;
        }
        case "system":
          if (argument.trim()) system = argument.trim();
          say(`system: ${system}`);
          continue;
        case "clear":
          earlier = [];
          conversationId = undefined;
          say("a new conversation: earlier turns are no longer sent");
          continue;
        case "history":
          stderr.write(session.history());
          continue;
        default:
          say(`unknown command /${name}: /help lists the commands`);
          continue;
      }
    }

    const result = await session.turn({
      model,
      system,
      earlier,
      prompt: text,
      conversationId,
    });
    if (ENDS_CHAT.includes(result.exitCode)) return result.exitCode;
    conversationId = result.conversationId ?? conversationId;
    if (result.answer !== "") {
      earlier = [
        ...earlier,
        { role: "user", content: text },
        { role: "assistant", content: result.answer },
      ];
    }
  }
}

/**
 * Reads one message: a line, or the lines between two {@linkcode MULTILINE}
 * lines joined by newlines. `undefined` at the end of input.
 */
async function readMessage(reader: LineReader): Promise<string | undefined> {
  const line = await reader.read("> ");
  if (line === undefined || line.trim() !== MULTILINE) return line;
  const lines = [];
  while (true) {
    const next = await reader.read("… ");
    if (next === undefined || next.trim() === MULTILINE) break;
    lines.push(next);
  }
  return lines.join("\n");
}
