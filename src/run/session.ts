/**
 * `--chat` as a run holds it: the session the chat runs with (its model,
 * roles, attachments, models, copying and history), its lines, and its
 * signals.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import type { Secrets } from "../io/redact.ts";
import { STOP_SIGNALS, type StopSignal } from "../io/signals.ts";
import type { Options } from "../cli/options.ts";
import { roleOf, type Settings, targetsOf } from "../config/plan.ts";
import { describeFailure } from "../errors.ts";
import { contextOf, type Server } from "../exchange/request.ts";
import {
  type ChatSession,
  type ResolvedModel,
  type Resumed,
  runChat,
  type Turn,
} from "../chat/chat.ts";
import { openHistory, renameConversation } from "../history/use.ts";
import type { Conversation } from "../history/conversation.ts";
import { formatList, formatSearch } from "../history/transcript.ts";
import type { ToolsInUse } from "../tools/use.ts";
import type { Turns } from "./turns.ts";
/** `--chat`: the session the chat runs with, its lines, and its signals. */
export async function chat(
  io: Io,
  options: Options,
  settings: Settings,
  { turns, server, tools }: {
    turns: Turns;
    server: Server;
    tools?: ToolsInUse;
  },
  begin: Omit<Turn, "prompt">,
  resumed: Conversation | undefined,
  secrets: Secrets,
): Promise<number> {
  const resolveModel = (spec: string): ResolvedModel => {
    try {
      const targets = targetsOf(spec, settings, turns.note);
      return {
        spec: targets.map((each) => each.spec).join(","),
        shown: targets.map((each) => each.shown).join(", else "),
      };
    } catch (error) {
      return { problem: describeFailure(error).message };
    }
  };
  const session: ChatSession = {
    ...begin,
    ...(resumed ? { resumed: summaryOf(resumed) } : {}),
    turn: (turn) => turns.run(turn),
    history: () => latestConversations(settings),
    search: (words) => searched(settings, words),
    rename(id, name) {
      try {
        renameConversation(settings.history, id, name);
        return `conversation ${id} is named "${name}"`;
      } catch (error) {
        return describeFailure(error).message;
      }
    },
    ...(tools ? { tools: () => tools.box.listing() } : {}),
    resolveModel,
    async attach(name) {
      try {
        const { readAttachment } = await import("../files/attachments.ts");
        return await readAttachment(name);
      } catch (error) {
        // The chat may read the folder it started in, and what -a named.
        if ((error as Error).cause instanceof Deno.errors.NotCapable) {
          return {
            problem: `/attach ${name}: the chat may read only the folder it ` +
              "started in and the files named when it started: to send this " +
              `one, start the chat with -a ${name}`,
          };
        }
        return { problem: describeFailure(error).message };
      }
    },
    async models(model) {
      try {
        const [target] = targetsOf(model, settings);
        try {
          const listed = await server.models(io, target);
          const { formatModels } = await import("./models.ts");
          return listed.length
            ? formatModels(listed, new Date())
            : `${target.shown}: the server lists no models`;
        } catch (error) {
          return describeFailure(error, contextOf(target)).message;
        }
      } catch (error) {
        return describeFailure(error).message;
      }
    },
    async copy(answer) {
      const { codeBlocks } = await import("../render/code_blocks.ts");
      const block = codeBlocks(answer).at(-1);
      if (block === undefined) {
        return "the last answer has no fenced code block to copy";
      }
      const { copyThroughTerminal } = await import("../render/clipboard.ts");
      return copyThroughTerminal(io, block, "the last code block");
    },
    async execute(turn) {
      const { executeInChat } = await import("./execute.ts");
      return await executeInChat(io, options, settings, {
        turns,
        reader: lines,
        secrets,
      }, turn);
    },
    role(name) {
      try {
        const role = roleOf(name, settings)!;
        return {
          ...(role.system !== undefined ? { system: role.system } : {}),
          ...(role.model ? { model: resolveModel(role.model.join(",")) } : {}),
        };
      } catch (error) {
        return { problem: describeFailure(error).message };
      }
    },
  };
  const history = options.save ? settings.history.path : undefined;
  const { inputsPath, loadInputs, saveInput } = await import(
    "../chat/inputs.ts"
  );
  const inputs = history && inputsPath(history);
  using lines = io.lines(
    inputs
      ? {
        history: () => loadInputs(inputs),
        onLine: (line) => saveInput(inputs, secrets.redact(line)),
      }
      : {},
  );
  // A tool call is asked about where the user types.
  if (tools) tools.reader = lines;
  // Between turns, a Ctrl-C must not end the chat (under `deno task` one
  // press can arrive twice); SIGTERM or SIGHUP at the prompt ends it.
  let stopped: StopSignal | undefined;
  using _ = io.onInterrupt((signal) => {
    if (signal === "SIGINT") return;
    stopped = signal;
    lines[Symbol.dispose]();
  });
  const code = await runChat(session, lines, io, options.prompt.trim());
  return stopped ? STOP_SIGNALS[stopped] : code;
}

/** What a resumed chat says of its conversation. */
function summaryOf(conversation: Conversation): Resumed {
  const last = conversation.turns.findLast((turn) => turn.answer !== "");
  return {
    id: conversation.id,
    turns: conversation.turns.length,
    ...(last ? { last: { prompt: last.prompt, answer: last.answer } } : {}),
  };
}

/** What `/history` prints: the latest conversations, or why there are none. */
function latestConversations(settings: Settings): string {
  try {
    using history = openHistory(settings.history);
    return `${formatList(history.list())}\n`;
  } catch (error) {
    return `${describeFailure(error).message}\n`;
  }
}

/** What `/search` prints: the conversations that hold the words, or why there are none. */
function searched(settings: Settings, words: string): string {
  try {
    using history = openHistory(settings.history);
    return `${formatSearch(history.search(words), words)}\n`;
  } catch (error) {
    return `${describeFailure(error).message}\n`;
  }
}
