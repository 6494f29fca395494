/**
 * `--chat`: a conversation at the terminal, one turn after another. The
 * program's one-shot exchange does each turn; this module reads the user's
 * lines, runs the slash commands and carries the earlier turns forward.
 *
 * @module
 */
import type { Message } from "../history/conversation.ts";
import type { Output } from "../io/io.ts";
import type { LineReader } from "../io/lines.ts";
import { type Attachment, describe } from "../files/attachments.ts";
import { partsOf } from "../files/parts.ts";
import type { SamplingOptions } from "../config/sampling.ts";
import { nearest, slipsIn } from "../text/spelling.ts";
import { parseName } from "../cli/history_options.ts";

/** One turn to run: the new prompt after the earlier messages. */
export interface Turn {
  /** The model as `-m` takes it, its provider resolved: `groq:openai/gpt-oss-120b`. */
  model: string;
  system: string;
  /** The earlier user and assistant messages, oldest first, without the system message. */
  earlier: Message[];
  prompt: string;
  /** Images and PDFs sent with the prompt. */
  attachments?: Attachment[];
  /** The request's sampling options. */
  sampling?: SamplingOptions;
  /** The saved conversation this turn belongs to; `undefined` starts a new one. */
  conversationId: number | undefined;
  /** The name to give the conversation once this turn is saved (`--title`, `/title`). */
  title?: string;
  /** The answer is taken, not shown: `-e`'s command. */
  quiet?: boolean;
}

/** How a turn ended. */
export interface TurnResult {
  /** The exit code the one-shot mode would give: 2 ends the chat. */
  exitCode: number;
  /** The answer as far as it got; empty when none arrived. */
  answer: string;
  /** The saved conversation, when the turn was saved. */
  conversationId: number | undefined;
  /** The saved exchange, when the turn was saved. */
  exchangeId?: number;
  /** The user message as it was sent, attachments and all. */
  sent?: Message;
  /** The tool rounds between it and the answer. */
  toolMessages?: Message[];
}

/** A model that can be used, or why it cannot. */
export type ResolvedModel =
  | { spec: string; shown: string; problem?: undefined }
  | { problem: string };

/** The conversation a chat resumes, to say what it is. */
export interface Resumed {
  id: number;
  turns: number;
  /** The last exchange with an answer. */
  last?: { prompt: string; answer: string };
}

/** What the chat needs from the rest of the program. */
export interface ChatSession {
  /** The model to begin with, as `-m` takes it. */
  model: string;
  /** The system message to begin with; `/system` alone goes back to it. */
  system: string;
  /** Earlier messages of a resumed conversation, oldest first. */
  earlier: Message[];
  conversationId: number | undefined;
  /** The name to give a new conversation once its first turn is saved (`--title`). */
  title?: string;
  /** The sampling options of every turn. */
  sampling?: SamplingOptions;
  resumed?: Resumed;
  /** Runs one turn: sends it, prints the answer or the one-line failure, saves it. */
  turn(turn: Turn): Promise<TurnResult>;
  /** The text `/history` prints. */
  history(): string;
  /** The text `/search` prints: the conversations that hold the words. */
  search?(words: string): string;
  /** Names conversation `id`; says what it did, or why it could not. */
  rename?(id: number, name: string): string;
  /** The model `-m` or `/model` names, resolved, or why it cannot be used (e.g. its provider's key is not set). */
  resolveModel(spec: string): ResolvedModel;
  /** Puts the last code block of `answer` on the clipboard; says what it did. */
  copy?(answer: string): Promise<string>;
  /**
   * `/execute`: asks for a shell command that does the turn's task (a turn
   * of the conversation), and asks before it runs; what it added to the
   * conversation.
   */
  execute?(
    turn: Turn,
  ): Promise<{ conversationId: number | undefined; added: Message[] }>;
  /** Reads the file (or takes the image URL) `/attach` names, or says why it cannot. */
  attach?(name: string): Promise<Attachment | { problem: string }>;
  /** The text `/models` prints: the server's models, or why it cannot list them. */
  models?(model: string): Promise<string>;
  /** The text `/tools` prints: the enabled tools, or how to enable them. */
  tools?(): string;
  /** The system message and model of a role of the config file, or why there is none. */
  role?(
    name: string,
  ): { system?: string; model?: ResolvedModel; problem?: undefined } | {
    problem: string;
  };
}

/** Where the chat writes: answers' separators to stdout, everything else to stderr. */
export interface ChatOutput {
  stdout: Output;
  stderr: Output;
}

/**
 * The exit codes of a turn that end the chat: a configuration error (2), and
 * SIGHUP (129) or SIGTERM (143), which stop the program as Ctrl-C stops one
 * answer. From a pipe, Ctrl-C (130) ends it too: nobody is there to go on.
 */
const ENDS_CHAT = [2, 129, 143];

/** The line that opens and closes a message of several lines. */
export const MULTILINE = '"""';

/** The most lines of a resumed conversation's last answer shown at the start. */
const SHOWN_LINES = 10;

/** What a slash command may change. */
interface ChatState {
  model: string;
  shown: string;
  system: string;
  earlier: Message[];
  conversationId: number | undefined;
  /** The name to give the conversation when its next turn is saved. */
  title?: string;
  /** What `/attach` added for the next turn. */
  attached: Attachment[];
}

/** A slash command: how it is typed, what it does, and the doing. */
interface Command {
  name: string;
  usage: string;
  help: string;
  /** Returns `"exit"` to leave the chat. */
  run(
    argument: string,
    state: ChatState,
    context: { session: ChatSession; say: (text: string) => void },
  ): "exit" | void | Promise<void>;
}

/** The other names of slash commands. */
const ALIASES: Record<string, string> = { quit: "exit", e: "execute" };

/** The slash commands, in the order `/help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: "model",
    usage: "/model <id>",
    help: "use another model (or provider:model) for the next turns",
    run(wanted, state, { session, say }) {
      if (wanted === "") return say(`model: ${state.shown}`);
      const resolved = session.resolveModel(wanted);
      if (resolved.problem !== undefined) {
        return say(`${resolved.problem}; still ${state.shown}`);
      }
      [state.model, state.shown] = [resolved.spec, resolved.shown];
      say(`model: ${state.shown}`);
    },
  },
  {
    name: "system",
    usage: "/system [text]",
    help: "use another system message; alone, go back to the first",
    run(text, state, { session, say }) {
      state.system = text || session.system;
      say(`system: ${state.system}`);
    },
  },
  {
    name: "role",
    usage: "/role <name>",
    help: "take a config file's role: its system message (and model)",
    run(name, state, { session, say }) {
      if (name === "") {
        return say("/role takes the name of a role: --roles lists them");
      }
      const role = session.role?.(name) ??
        { problem: `there is no role ${name}` };
      if (role.problem !== undefined) return say(role.problem);
      if (role.model?.problem !== undefined) {
        return say(`${role.model.problem}; still ${state.shown}`);
      }
      if (role.system !== undefined) state.system = role.system;
      if (role.model) {
        [state.model, state.shown] = [role.model.spec, role.model.shown];
      }
      say(`role ${name}: ${state.shown}; system: ${state.system}`);
    },
  },
  {
    name: "attach",
    usage: "/attach <path>",
    help: "send an image, a PDF or an image URL with the next message",
    async run(name, state, { session, say }) {
      if (name === "") {
        return say(
          "/attach takes the path of an image or a PDF, or an image URL",
        );
      }
      const attachment = await session.attach?.(name) ??
        { problem: "attaching is not possible here" };
      if ("problem" in attachment) return say(attachment.problem);
      state.attached.push(attachment);
      say(`attached for the next message: ${describeAll(state)}`);
    },
  },
  {
    name: "files",
    usage: "/files",
    help: "list what is attached to the next message",
    run(_, state, { say }) {
      say(
        state.attached.length
          ? `attached for the next message: ${describeAll(state)}`
          : "nothing is attached: /attach adds an image or a PDF",
      );
    },
  },
  {
    name: "models",
    usage: "/models",
    help: "list the models of the current model's server",
    async run(_, state, { session, say }) {
      say(
        (await session.models?.(state.model) ??
          "listing models is not possible here").trimEnd(),
      );
    },
  },
  {
    name: "tools",
    usage: "/tools",
    help: "list the tools the model may use (-T enables them)",
    run(_, _state, { session, say }) {
      say(
        (session.tools?.() ??
          "no tools are enabled: start the chat with -T NAME").trimEnd(),
      );
    },
  },
  {
    name: "clear",
    usage: "/clear",
    help: "start a new conversation: earlier turns are no longer sent",
    run(_, state, { say }) {
      state.earlier = [];
      state.conversationId = undefined;
      state.attached = [];
      say("a new conversation: earlier turns are no longer sent");
    },
  },
  {
    name: "copy",
    usage: "/copy",
    help: "put the last answer's last code block on the clipboard",
    async run(_, state, { session, say }) {
      const answer = state.earlier.findLast((message) =>
        message.role === "assistant"
      );
      if (answer === undefined) return say("there is no answer to copy yet");
      say(
        await session.copy?.(answer.content as string) ??
          "copying is not possible here",
      );
    },
  },
  {
    name: "execute",
    usage: "/execute <task>",
    help: "a shell command for the task (/e), run only if you say so",
    async run(task, state, { session, say }) {
      if (task === "") {
        return say(
          '/execute takes a task: /execute "find the files over 100 MB here"',
        );
      }
      if (session.execute === undefined) {
        return say("running commands is not possible here");
      }
      const done = await session.execute({
        model: state.model,
        system: state.system,
        earlier: state.earlier,
        prompt: task,
        ...(session.sampling ? { sampling: session.sampling } : {}),
        conversationId: state.conversationId,
        ...(state.title === undefined ? {} : { title: state.title }),
      });
      state.conversationId = done.conversationId;
      if (done.conversationId !== undefined) delete state.title;
      state.earlier = [...state.earlier, ...done.added];
    },
  },
  {
    name: "history",
    usage: "/history",
    help: "list the latest conversations",
    run: (_, __, { session, say }) => say(session.history().trimEnd()),
  },
  {
    name: "search",
    usage: "/search <words>",
    help: "list the conversations that hold the words, best first",
    run(words, _, { session, say }) {
      if (words === "") {
        return say('/search takes words to look for: /search "supreme court"');
      }
      say(
        (session.search?.(words) ?? "searching is not possible here").trimEnd(),
      );
    },
  },
  {
    name: "title",
    usage: "/title <name>",
    help: "name this conversation (--conversation NAME follows it up)",
    run(text, state, { session, say }) {
      let name;
      try {
        name = parseName("/title", text);
      } catch (error) {
        return say((error as Error).message);
      }
      if (state.conversationId === undefined) {
        state.title = name;
        return say(
          `the conversation is named "${name}" once its first answer is saved`,
        );
      }
      say(
        session.rename?.(state.conversationId, name) ??
          "naming is not possible here",
      );
    },
  },
  {
    name: "help",
    usage: "/help",
    help: "list these commands",
    run: (_, __, { say }) => say(CHAT_HELP.trimEnd()),
  },
  {
    name: "exit",
    usage: "/exit",
    help: "leave (Ctrl-D on an empty line does the same)",
    run: () => "exit",
  },
];

/** What `/help` prints. */
export const CHAT_HELP =
  `Type a message and press Enter; the answer streams as it arrives.
Pasted lines stay one message (a line break shows as \u21b5) until you press
Enter. To type several lines, put ${MULTILINE} on a line of its own before and
after them. Lines typed while an answer streams wait for the next prompt, each
its own turn, in order.

${
    COMMANDS.map(({ usage, help }) => `  ${usage.padEnd(16)} ${help}`).join(
      "\n",
    )
  }

Ctrl-C stops an answer and keeps what was printed; at the prompt, it clears the
line.
`;

/**
 * Runs the chat, beginning with the `first` message when there is one (the
 * prompt on the command line), until the end of input or `/exit`, and
 * returns the exit code: 0; from a pipe, 1 when a turn failed; or that of a
 * turn that ends the chat (a configuration error, SIGTERM, SIGHUP, and from a
 * pipe Ctrl-C).
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
 *   resolveModel: (spec) => ({ spec, shown: spec }),
 * }, {
 *   interactive: false,
 *   read: () => Promise.resolve(lines.shift()),
 *   [Symbol.dispose]() {},
 * }, { stdout: { write: () => {} }, stderr: { write: () => {} } });
 * assert.equal(code, 0);
 * assert.equal(printed, "Hi -> Hello!\n");
 * ```
 */
export async function runChat(
  session: ChatSession,
  reader: LineReader,
  { stdout, stderr }: ChatOutput,
  first?: string,
): Promise<number> {
  const say = (text: string) => stderr.write(`${text}\n`);
  const start = session.resolveModel(session.model);
  if (start.problem !== undefined) {
    say(start.problem);
    return 2;
  }
  const state: ChatState = {
    model: start.spec,
    shown: start.shown,
    system: session.system,
    earlier: [...session.earlier],
    conversationId: session.conversationId,
    ...(session.title === undefined ? {} : { title: session.title }),
    attached: [],
  };
  const interactive = reader.interactive;
  if (interactive) {
    say(
      `Chatting with ${state.shown}. /help lists the commands; Ctrl-D leaves.`,
    );
    if (session.resumed) say(describeResumed(session.resumed));
  }
  let failed = false;
  let separate = false; // an answer was printed since the last separator

  while (true) {
    let text: string | undefined;
    if (first) {
      text = first;
      first = undefined;
      await reader.echo?.("> ", text);
    } else {
      text = await readMessage(reader);
    }
    if (text === undefined) return failed && !interactive ? 1 : 0;
    if (text.trim() === "") continue;

    const command = text.match(/^\/(\S*)\s*([\s\S]*)$/);
    if (command) {
      const [, name, argument] = command;
      const known = COMMANDS.find((each) =>
        each.name === (ALIASES[name] ?? name)
      );
      if (known === undefined) {
        say(unknownCommand(name));
      } else if (
        await known.run(argument.trim(), state, { session, say }) === "exit"
      ) {
        return failed && !interactive ? 1 : 0;
      }
      continue;
    }

    // From a pipe, a blank line parts one answer from the next.
    if (!interactive && separate) stdout.write("\n");
    separate = false;
    const attachments = state.attached;
    state.attached = [];
    const result = await session.turn({
      model: state.model,
      system: state.system,
      earlier: state.earlier,
      prompt: text,
      ...(attachments.length ? { attachments } : {}),
      ...(session.sampling ? { sampling: session.sampling } : {}),
      conversationId: state.conversationId,
      ...(state.title === undefined ? {} : { title: state.title }),
    });
    if (ENDS_CHAT.includes(result.exitCode)) return result.exitCode;
    if (!interactive && result.exitCode === 130) return 130;
    if (result.exitCode !== 0 && result.exitCode !== 130) failed = true;
    // A turn that was not saved stays part of the chat's conversation.
    state.conversationId = result.conversationId ?? state.conversationId;
    if (result.conversationId !== undefined) delete state.title;
    if (result.answer !== "") {
      separate = true;
      state.earlier = [
        ...state.earlier,
        result.sent ?? {
          role: "user",
          content: attachments.length ? partsOf(text, attachments) : text,
        },
        ...result.toolMessages ?? [],
        { role: "assistant", content: result.answer },
      ];
    }
  }
}

/**
 * What an unknown slash command gets told: the command it may mean, one a
 * letter or two off, else where the commands are listed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unknownCommand } from "./chat.ts";
 * assert.equal(unknownCommand("modle"), "unknown command /modle: did you mean /model?");
 * assert.equal(unknownCommand("x"), "unknown command /x: /help lists the commands");
 * ```
 */
export function unknownCommand(name: string): string {
  const meant = name === ""
    ? undefined
    : nearest(name, COMMANDS.map((each) => each.name), slipsIn(name));
  return `unknown command /${name}: ` +
    (meant ? `did you mean /${meant}?` : "/help lists the commands");
}

function describeAll(state: ChatState): string {
  return state.attached.map(describe).join(", ");
}

/**
 * What a resumed chat says first: the conversation's id and its last
 * exchange, the answer cut to {@linkcode SHOWN_LINES} lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeResumed } from "./chat.ts";
 * assert.equal(
 *   describeResumed({ id: 3, turns: 2, last: { prompt: "And then?", answer: "The Court decides." } }),
 *   "Resuming conversation 3 (2 turns). Its last exchange:\n> And then?\nThe Court decides.",
 * );
 * ```
 */
export function describeResumed({ id, turns, last }: Resumed): string {
  const head = `Resuming conversation ${id} (${turns} ${
    turns === 1 ? "turn" : "turns"
  })`;
  if (last === undefined) return `${head}.`;
  const lines = last.answer.split("\n");
  const shown = lines.slice(0, SHOWN_LINES);
  if (lines.length > SHOWN_LINES) {
    shown.push(
      `[… ${lines.length - SHOWN_LINES} more lines: gpt4o --show ${id}]`,
    );
  }
  return [
    `${head}. Its last exchange:`,
    ...last.prompt.split("\n").map((line) => `> ${line}`),
    ...shown,
  ].join("\n");
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
