/**
 * Everything a run does around the demo's one exchange: `--providers`,
 * `--roles`, `--history` and `--show`, following up a saved conversation,
 * asking each target of a fallback list in turn, saving each exchange, and
 * `--chat`. What the run is comes decided from `src/config/plan.ts`.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import type { Secrets } from "../io/redact.ts";
import { STOP_SIGNALS, type StopSignal } from "../io/signals.ts";
import type { Options } from "../cli/options.ts";
import { formatProviders } from "../config/providers.ts";
import {
  formatRoles,
  type Settings,
  startOf,
  type Target,
  targetsOf,
  toolServersOf,
} from "../config/plan.ts";
import { describeFailure, EXIT, saysModelGone } from "../errors.ts";
import { type Ask, contextOf, type Server } from "../exchange/request.ts";
import {
  checkName,
  conversationToContinue,
  openHistory,
} from "../history/use.ts";
import {
  type Conversation,
  endpointOf,
  type Message,
  messagesOf,
  textOfMessage,
} from "../history/conversation.ts";
import { type History } from "../history/store.ts";
import type { Turn } from "../chat/chat.ts";
import { UsageError } from "../cli/usage_error.ts";
import type { ConversationRef } from "../cli/history_options.ts";
import type { MarkdownOptions } from "../render/markdown.ts";
import { InlineData } from "../files/parts.ts";
import { promptOf } from "./prompt.ts";
import { rendering, type Structured, Turns } from "./turns.ts";

/**
 * How much of a conversation's earlier turns a follow-up sends without a
 * word, in characters; beyond it, one line on stderr says how much goes.
 */
export const FOLLOW_UP_NOTE_CHARS = 1_000_000;

/**
 * Runs what the options ask for, with `ask` doing each exchange, and returns
 * the exit code.
 *
 * @throws {Error} what {@linkcode describeFailure} turns into a message: a
 * usage, configuration or history error.
 */
export async function run(
  io: Io,
  options: Options,
  settings: Settings,
  server: Server,
  secrets: Secrets,
  entry: Entry = "demo",
): Promise<number> {
  const { read } = settings;
  const ask = suggestingModels(server);
  if (options.serve) {
    // The server loads only for --serve.
    const { serve } = await import("../serve/serve.ts");
    return await serve(io, options, settings, secrets);
  }
  if (options.completion?.kind === "values") {
    const { completeValues } = await import("./complete.ts");
    return print(io, completeValues(options.completion.of, settings));
  }
  if (options.providers) {
    return print(io, formatProviders(read, settings.providers));
  }
  if (options.roles) return print(io, formatRoles(settings));
  if (options.models) {
    const [target] = targetsOf(
      startOf(options, settings, undefined).model,
      settings,
    );
    return await listModels(io, server, target, options.json);
  }
  if (options.listTools) {
    const { role } = startOf(options, settings, undefined);
    const { listTools } = await import("../tools/use.ts");
    return await listTools(io, options, settings, role, secrets);
  }
  if (options.logout !== undefined) {
    const { logout } = await import("../tools/tokens.ts");
    return logout(io, settings.history, options.logout);
  }
  if (options.historyCommand) {
    const { historyCommand } = await import("../history/commands.ts");
    return await historyCommand(io, options, settings, options.historyCommand);
  }
  if (options.listHistory || options.show !== undefined) {
    using history = openHistory(settings.history);
    const render = rendering(io, options, settings);
    if (options.show !== undefined && render) {
      return await showRendered(io, history, options.show, render);
    }
    const { browse } = await import("../history/transcript.ts");
    return print(io, browse(history, options));
  }
  let resumed: Conversation | undefined;
  if (options.continue || options.conversation !== undefined) {
    using history = openHistory(settings.history);
    resumed = conversationToContinue(history, options.conversation);
  }
  // A name another conversation has is refused before anything is sent.
  if (options.title !== undefined) {
    checkName(settings.history, options.title, resumed?.id);
  }
  if (
    !options.chat && !options.execute &&
    await opensChat(io, options, resumed, entry)
  ) {
    options = { ...options, chat: true };
  }
  const start = startOf(options, settings, resumed);
  // Files' data stays out of the messages until a request is sent.
  const inline = new InlineData();
  const begin: Omit<Turn, "prompt"> = {
    model: start.model,
    system: start.system,
    earlier: resumed ? earlierOf(resumed, inline) : [],
    conversationId: resumed?.id,
    sampling: start.sampling,
    ...(options.title === undefined ? {} : { title: options.title }),
  };
  const schema = options.schema === undefined
    ? undefined
    : await structured(io, options.schema);
  if (resumed) noteFollowUp(io, resumed, begin, settings, options);
  // Tool servers start only when tools are asked for, and stop with the run.
  const servers = toolServersOf(options.tools, settings, start.role);
  if (options.yes && servers.length === 0) {
    io.stderr.write(
      "--yes approves tool calls, and no tool server is enabled (-T NAME, or " +
        "tools in the config file): it does nothing here" +
        (options.execute
          ? " (-e asks before its command runs all the same)"
          : "") +
        "\n",
    );
  }
  await using tools = servers.length
    ? await (await import("../tools/use.ts")).startTools(
      io,
      options,
      settings,
      servers,
      secrets,
    )
    : undefined;
  const turns = new Turns(io, options, settings, ask, secrets, {
    inline,
    ...(schema ? { schema } : {}),
    ...(tools ? { tools } : {}),
  });
  if (options.execute) {
    // The shell, the danger check and the question load only for -e.
    const { execute } = await import("./execute.ts");
    return await execute(
      io,
      options,
      settings,
      { turns, ...(tools ? { tools } : {}) },
      begin,
      secrets,
    );
  }
  if (options.chat) {
    // The chat, its line reader and its commands load only for a chat.
    const { chat } = await import("./session.ts");
    return await chat(
      io,
      options,
      settings,
      { turns, server, ...(tools ? { tools } : {}) },
      begin,
      resumed,
      secrets,
    );
  }
  // Every target and file is checked before anything is sent.
  targetsOf(begin.model, settings, turns.note);
  const { prompt, attachments } = await promptOf(io, options);
  // A signal that arrives once the answer is in waits for it to be saved.
  let late: StopSignal | undefined;
  using _ = io.onInterrupt((signal) => void (late ??= signal));
  const { exitCode } = await turns.run({ ...begin, prompt, attachments });
  return exitCode === EXIT.ok && late ? STOP_SIGNALS[late] : exitCode;
}

/**
 * `server.ask`, where a failure that says the model is not served names the
 * nearest models the server lists, in its one line (`./models.ts`, loaded
 * only then).
 */
function suggestingModels(server: Server): Ask {
  return (io, request) =>
    server.ask(io, {
      ...request,
      failureLine: async (line) => {
        if (!saysModelGone(line, request.target.model)) return line;
        const { withNearestModels } = await import("./models.ts");
        return await withNearestModels(io, server, request, line);
      },
    });
}

/**
 * How the program was started: as the demo (`main.ts`, `deno task start`),
 * where a run with no prompt asks the demo's question, or as the `gpt4o`
 * command, where it opens the chat at a terminal.
 */
export type Entry = "demo" | "command";

/**
 * Whether a run asks no question of its own and opens the chat instead: with
 * nothing to ask (no words, no file, nothing piped) at a terminal, a
 * follow-up (`-c`, `--conversation`) does, and so does the `gpt4o` command.
 *
 * @throws {UsageError} for a follow-up with nothing to ask and no terminal:
 * nothing is sent.
 */
async function opensChat(
  io: Io,
  options: Options,
  resumed: Conversation | undefined,
  entry: Entry,
): Promise<boolean> {
  const given = options.prompt.trim() !== "" || options.attach.length > 0 ||
    options.files.length > 0;
  if (given || (!resumed && entry === "demo")) return false;
  const piped = await io.stdin();
  if (piped === undefined) return true;
  if (resumed && new TextDecoder().decode(piped).trim() === "") {
    const flag = options.continue ? "-c" : `--conversation ${resumed.id}`;
    throw new UsageError(
      `${flag} has nothing to ask: give a prompt (${flag} "And then?"), ` +
        "pipe one, or run it at a terminal to chat",
    );
  }
  return false;
}

/** `--show` on a terminal: the transcript, each answer rendered. */
async function showRendered(
  io: Io,
  history: History,
  id: ConversationRef,
  render: MarkdownOptions,
): Promise<number> {
  const conversation = conversationToContinue(history, id);
  const { MarkdownStream } = await import("../render/markdown.ts");
  const { transcriptParts } = await import("../history/transcript.ts");
  for (const part of transcriptParts(conversation)) {
    if (!part.answer) {
      io.stdout.write(`${part.text}\n`);
      continue;
    }
    // Whole, with its last line ended: no line is in progress to show.
    const markdown = new MarkdownStream(io.stdout, render);
    markdown.write(part.text.endsWith("\n") ? part.text : `${part.text}\n`);
    markdown.end();
  }
  return EXIT.ok;
}

/** Writes a listing; exit 0. */
function print(io: Io, text: string): number {
  io.stdout.write(text);
  return EXIT.ok;
}

/**
 * What a follow-up says before the earlier turns are sent: that they go to
 * another server than before, or that they are many.
 */
function noteFollowUp(
  io: Io,
  resumed: Conversation,
  begin: Omit<Turn, "prompt">,
  settings: Settings,
  options: Options,
): void {
  if (options.model === undefined) {
    const moved = movedNote(
      resumed,
      () => targetsOf(begin.model, settings)[0].connection,
    );
    if (moved) io.stderr.write(`${moved}\n`);
  }
  const carried = begin.earlier.reduce(
    (n, message) => n + textOfMessage(message).length,
    0,
  );
  if (carried > FOLLOW_UP_NOTE_CHARS) {
    io.stderr.write(
      `following up conversation ${resumed.id} sends its earlier turns: ` +
        `${(carried / 1e6).toFixed(1)} million characters with each request ` +
        "(a new question without -c, or /clear in the chat, sends none)\n",
    );
  }
}

/**
 * The line that says a follow-up goes to another server than the one its
 * conversation was held with (`OPENAI_BASE_URL` changed since), or
 * `undefined`. `config` may throw: the turn itself then reports why.
 */
function movedNote(
  conversation: Conversation,
  config: () => { baseURL: string },
): string | undefined {
  const before = conversation.turns.at(-1)?.endpoint;
  let now;
  try {
    now = endpointOf(config().baseURL);
  } catch {
    return undefined;
  }
  return before === undefined || before === now
    ? undefined
    : `conversation ${conversation.id} was held with ${before}; its earlier ` +
      `turns now go to ${now}`;
}

/** The earlier user and assistant messages of a conversation, files' data as stand-ins of `inline`. */
function earlierOf(conversation: Conversation, inline: InlineData): Message[] {
  return messagesOf(conversation, undefined, inline.standIn).slice(1);
}

/** Reads and checks `--schema`'s value; its validator loads only then. */
async function structured(io: Io, text: string): Promise<Structured> {
  const { parseSchemaArgument, responseFormat } = await import(
    "../exchange/schema.ts"
  );
  const request = await parseSchemaArgument(
    text,
    (path) => io.readTextFile(path),
  );
  return { request, responseFormat: responseFormat(request) };
}

/**
 * `--models`: the server's models, sorted, one a line with the day each
 * retires where the server says; with `--json`, the array of their ids it
 * has always been (scripts read it).
 */
async function listModels(
  io: Io,
  server: Server,
  target: Target,
  json: boolean,
): Promise<number> {
  let listed;
  try {
    listed = await server.models(io, target);
  } catch (error) {
    const failure = describeFailure(error, contextOf(target));
    io.stderr.write(`${failure.message}\n`);
    return failure.exitCode;
  }
  const { formatModels } = await import("./models.ts");
  return print(
    io,
    json
      ? `${JSON.stringify(listed.map(({ id }) => id).toSorted(), null, 2)}\n`
      : formatModels(listed, new Date()),
  );
}
