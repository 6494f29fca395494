/**
 * Everything a run does around the demo's one exchange: `--providers`,
 * `--roles`, `--history` and `--show`, following up a saved conversation,
 * asking each target of a fallback list in turn, saving each exchange, and
 * `--chat`. What the run is comes decided from `src/config/plan.ts`.
 *
 * @module
 */
import {
  type ChatSession,
  type ResolvedModel,
  type Resumed,
  runChat,
  type Turn,
  type TurnResult,
} from "../chat/chat.ts";
import type { Secrets } from "../io/redact.ts";
import { STOP_SIGNALS, type StopSignal } from "../io/signals.ts";
import {
  browse,
  conversationToContinue,
  openHistory,
  Recorder,
} from "../history/conversations.ts";
import {
  describeFailure,
  EXIT,
  InterruptedError,
  type RequestContext,
} from "../errors.ts";
import { NO_KEY } from "../config/connection.ts";
import {
  type Conversation,
  endpointOf,
  type History,
  type Message,
  messagesOf,
  type Outcome,
  textOfMessage,
  type ToolMessage,
} from "../history/store.ts";
import { formatList, transcriptParts } from "../history/transcript.ts";
import { type Io, style } from "../io/io.ts";
import { DEFAULT_QUESTION, type Options } from "../cli/options.ts";
import { formatProviders } from "../config/providers.ts";
import {
  formatRoles,
  roleOf,
  type Settings,
  startOf,
  type Target,
  targetsOf,
  toolServersOf,
} from "../config/plan.ts";
import type { ToolsInUse } from "../tools/use.ts";
import { showReasoning } from "../exchange/reasoning.ts";
import { takesHyperlinks } from "../io/terminal.ts";
import type { MarkdownOptions } from "../render/markdown.ts";
import { CutOffError, RefusalError } from "../exchange/answer.ts";
import { type Attachment, InlineData, partsOf } from "../files/attachments.ts";
import { requestFields } from "../config/sampling.ts";
import type {
  JsonSchemaRequest,
  JsonSchemaResponseFormat,
} from "../exchange/schema.ts";
import type { CompletionUsage } from "openai/resources/completions";
import type { ChatCompletionMessage } from "openai/resources/chat/completions";

/**
 * How much of a conversation's earlier turns a follow-up sends without a
 * word, in characters; beyond it, one line on stderr says how much goes.
 */
export const FOLLOW_UP_NOTE_CHARS = 1_000_000;

/** One exchange: where to send which messages, and how to show the answer. */
export interface Request {
  target: Target;
  messages: Message[];
  stream: boolean;
  json: boolean;
  verbose: boolean;
  /** Show a reasoning model's thinking on stderr. */
  reasoning: boolean;
  timeoutSeconds: number;
  /** Render the answer's markdown (on a terminal, unless `--raw`). */
  render?: MarkdownOptions;
  /** Print only the answer's first or last fenced code block (`-x`). */
  extract?: "first" | "last";
  /**
   * The request body's other fields: the sampling options as the target's
   * server takes them, `response_format` for `--schema`.
   */
  fields: Record<string, unknown>;
  /** `--schema`: the answer is JSON that must follow it. */
  schema?: JsonSchemaRequest;
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
  /** The tool rounds before the answer, as sent back to the model. */
  toolMessages?: ToolMessage[];
}

/** The demo's exchange: sends one request and prints its answer. */
export type Ask = (io: Io, request: Request) => Promise<Reply>;

/** What a run asks of the server: an exchange, and the list of its models. */
export interface Server {
  ask: Ask;
  /** The ids of the models the target's server lists. */
  models(io: Io, target: Target): Promise<string[]>;
}

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
): Promise<number> {
  const { read } = settings;
  const { ask } = server;
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
    return await listTools(io, options, settings, role);
  }
  if (options.listHistory || options.show !== undefined) {
    using history = openHistory(settings.history);
    const render = rendering(io, options, settings);
    if (options.show !== undefined && render) {
      return await showRendered(io, history, options.show, render);
    }
    return print(io, browse(history, options));
  }
  let resumed: Conversation | undefined;
  if (options.continue || options.conversation !== undefined) {
    using history = openHistory(settings.history);
    resumed = conversationToContinue(history, options.conversation);
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
  };
  const schema = options.schema === undefined
    ? undefined
    : await structured(io, options.schema);
  if (resumed) noteFollowUp(io, resumed, begin, settings, options);
  // Tool servers start only when tools are asked for, and stop with the run.
  const servers = toolServersOf(options.tools, settings, start.role);
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
  if (options.chat) {
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
 * How markdown is rendered: on a terminal, unless `--raw`, `--json` or `-x`
 * asks for the text as it came; `undefined` when it is not.
 */
function rendering(
  io: Io,
  options: Options,
  settings: Settings,
): MarkdownOptions | undefined {
  return io.stdoutIsTerminal && !options.raw && !options.json &&
      !options.extract
    ? {
      width: () => io.columns(),
      color: !io.noColor,
      hyperlinks: takesHyperlinks(settings.read),
    }
    : undefined;
}

/** `--show` on a terminal: the transcript, each answer rendered. */
async function showRendered(
  io: Io,
  history: History,
  id: number,
  render: MarkdownOptions,
): Promise<number> {
  const conversation = conversationToContinue(history, id);
  const { MarkdownStream } = await import("../render/markdown.ts");
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
 * Each turn of a run: its targets in fallback order, asked in turn until one
 * answers, and the saving of the exchange.
 */
class Turns {
  readonly #said = new Set<string>();
  readonly #recorder: Recorder | undefined;
  readonly #reasoning: boolean;
  readonly #render: MarkdownOptions | undefined;

  constructor(
    readonly io: Io,
    readonly options: Options,
    readonly settings: Settings,
    readonly ask: Ask,
    readonly secrets: Secrets,
    readonly extras: {
      inline?: InlineData;
      schema?: Structured;
      tools?: ToolsInUse;
    } = {},
  ) {
    this.#recorder = options.save
      ? new Recorder(settings.history, (line) => io.stderr.write(`${line}\n`))
      : undefined;
    this.#reasoning = showReasoning(options.reasoning, io.stderrIsTerminal);
    this.#render = rendering(io, options, settings);
  }

  /** Says a line once a run (a near-miss provider name). */
  readonly note = (line: string): void => {
    if (!this.#said.has(line)) this.io.stderr.write(`${line}\n`);
    this.#said.add(line);
  };

  /** Runs one turn: sends it, prints the answer or the failure, saves it. */
  async run(turn: Turn): Promise<TurnResult> {
    const { io, options } = this;
    let targets: Target[];
    try {
      targets = targetsOf(turn.model, this.settings, this.note);
    } catch (error) {
      const failure = describeFailure(error);
      io.stderr.write(`${failure.message}\n`);
      return {
        exitCode: failure.exitCode,
        answer: "",
        conversationId: undefined,
      };
    }
    const attachments = turn.attachments ?? [];
    const { inline, schema, tools } = this.extras;
    const sent: Message = {
      role: "user",
      content: attachments.length
        ? partsOf(turn.prompt, attachments, inline?.standIn)
        : turn.prompt,
    };
    const messages: Message[] = [
      { role: "system", content: turn.system },
      ...turn.earlier,
      sent,
    ];
    const sampling = turn.sampling ?? {};
    let [target, started] = [targets[0], new Date()];
    let reply!: Reply;
    for (const [i, each] of targets.entries()) {
      [target, started] = [each, new Date()];
      reply = await this.ask(io, {
        target,
        messages,
        stream: options.stream || options.chat,
        json: options.json,
        verbose: options.verbose,
        reasoning: this.#reasoning,
        timeoutSeconds: options.timeoutSeconds,
        ...(this.#render ? { render: this.#render } : {}),
        ...(options.extract ? { extract: options.extract } : {}),
        fields: {
          ...requestFields(sampling, apiOf(each)),
          ...(schema ? { response_format: schema.responseFormat } : {}),
          ...(tools ? { tools: tools.definitions } : {}),
        },
        ...(schema ? { schema: schema.request } : {}),
        ...(inline ? { inline } : {}),
        ...(tools ? { tools: tools.rounds } : {}),
        fallback: i < targets.length - 1,
      });
      if (reply.fallBack === undefined) break;
      io.stderr.write(
        `${each.shown} cannot answer (${reply.fallBack}): asking ` +
          `${targets[i + 1].shown}\n`,
      );
    }
    // A configuration error (exit 2) sent nothing: there is nothing to save.
    if (reply.exitCode === EXIT.usage) {
      return {
        exitCode: reply.exitCode,
        answer: "",
        conversationId: undefined,
      };
    }
    return {
      exitCode: reply.exitCode,
      answer: reply.answer,
      conversationId: this.#save(turn, target, reply, started),
      sent,
      ...(reply.toolMessages ? { toolMessages: reply.toolMessages } : {}),
    };
  }

  /**
   * Saves an exchange as any output is kept: with every secret masked; the
   * model that answered as -m takes it, provider and all.
   */
  #save(turn: Turn, target: Target, reply: Reply, started: Date) {
    const { secrets } = this;
    return this.#recorder?.save({
      system: secrets.redact(turn.system),
      prompt: secrets.redact(turn.prompt),
      model: target.spec,
      endpoint: secrets.redact(endpointOf(target.connection.baseURL)),
      answer: secrets.redact(reply.answer),
      outcome: reply.outcome,
      ...(reply.error ? { error: secrets.redact(reply.error) } : {}),
      usage: reply.usage ?? null,
      started,
      finished: new Date(),
      ...(turn.attachments?.length
        ? {
          attachments: turn.attachments.map((each) =>
            each.url ? { ...each, url: secrets.redact(each.url) } : each
          ),
        }
        : {}),
      ...(turn.sampling && Object.keys(turn.sampling).length
        ? { options: turn.sampling }
        : {}),
      ...(reply.toolMessages
        ? {
          toolMessages: reply.toolMessages.map((message) =>
            message.role === "tool"
              ? { ...message, content: secrets.redact(message.content) }
              : {
                ...message,
                content: message.content && secrets.redact(message.content),
                tool_calls: message.tool_calls.map((call) => ({
                  ...call,
                  function: {
                    name: call.function.name,
                    arguments: secrets.redact(call.function.arguments),
                  },
                })),
              }
          ),
        }
        : {}),
    }, turn.conversationId);
  }
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

/** `--chat`: the session the chat runs with, its lines, and its signals. */
async function chat(
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
    ...(tools ? { tools: () => tools.box.listing() } : {}),
    resolveModel,
    async attach(name) {
      try {
        const { readAttachment } = await import("../files/attachments.ts");
        return await readAttachment(name);
      } catch (error) {
        return { problem: describeFailure(error).message };
      }
    },
    async models(model) {
      try {
        const [target] = targetsOf(model, settings);
        try {
          const ids = await server.models(io, target);
          return ids.length
            ? ids.toSorted().join("\n")
            : `${target.shown}: the server lists no models`;
        } catch (error) {
          return describeFailure(error, contextOf(target)).message;
        }
      } catch (error) {
        return describeFailure(error).message;
      }
    },
    async copy(answer) {
      const { codeBlocks } = await import("../render/markdown.ts");
      const block = codeBlocks(answer).at(-1);
      if (block === undefined) {
        return "the last answer has no fenced code block to copy";
      }
      const terminal = io.stdoutIsTerminal
        ? io.stdout
        : io.stderrIsTerminal
        ? io.stderr
        : undefined;
      if (terminal === undefined) {
        return "copying needs a terminal: it goes through OSC 52";
      }
      // OSC 52: the terminal puts it on the clipboard; no program, no permission.
      const bytes = new TextEncoder().encode(block);
      style(terminal, `\x1b]52;c;${bytes.toBase64()}\x07`);
      const lines = block.split("\n").length - 1;
      return `copied the last code block (${lines} ${
        lines === 1 ? "line" : "lines"
      }) to the clipboard, through the terminal (OSC 52)`;
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

/** What a resumed chat says of its conversation. */
function summaryOf(conversation: Conversation): Resumed {
  const last = conversation.turns.findLast((turn) => turn.answer !== "");
  return {
    id: conversation.id,
    turns: conversation.turns.length,
    ...(last ? { last: { prompt: last.prompt, answer: last.answer } } : {}),
  };
}

/**
 * How an exchange ended, for the history: from the finish reason of an
 * answer, or from the error that stopped it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outcomeOf } from "./run.ts";
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

/** The earlier user and assistant messages of a conversation, files' data as stand-ins of `inline`. */
function earlierOf(conversation: Conversation, inline: InlineData): Message[] {
  return messagesOf(conversation, undefined, inline.standIn).slice(1);
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

/**
 * The prompt and what goes with it: the words, then the piped text, then the
 * text of the `-f` files; the `-a` attachments, and stdin when it is an image
 * or a PDF. The demo's question when there is no text at all. Each file is
 * read and checked here, before anything is sent.
 *
 * @throws {UsageError} naming a file that cannot be sent, and why.
 */
async function promptOf(
  io: Io,
  options: Pick<Options, "prompt" | "attach" | "files">,
): Promise<{ prompt: string; attachments: Attachment[] }> {
  const piped = await io.stdin();
  const needed = options.attach.length > 0 || options.files.length > 0 ||
    (piped !== undefined && looksAttached(piped));
  if (!needed) {
    return {
      prompt: joinPrompt([options.prompt, textOf(piped)]),
      attachments: [],
    };
  }
  const files = await import("../files/attachments.ts");
  const attachments: Attachment[] = [];
  for (const name of options.attach) {
    attachments.push(await files.readAttachment(name));
  }
  const fromStdin = piped && await files.attachmentFromBytes("stdin", piped);
  if (fromStdin) attachments.push(fromStdin);
  files.checkRequestLimit(attachments);
  const texts = options.files.length
    ? await files.readTextFiles(options.files)
    : "";
  const prompt = [options.prompt, fromStdin ? "" : textOf(piped), texts];
  return {
    // With something attached, a prompt may be empty: the file is the question.
    prompt: attachments.length
      ? prompt.map((each) => each.trim()).filter(Boolean).join("\n\n")
      : joinPrompt(prompt),
    attachments,
  };
}

/** Whether piped bytes begin as an image or a PDF does, without loading the module that knows. */
function looksAttached(bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, 12));
  return /^(\x89PNG|\xff\xd8\xff|GIF8|%PDF-|RIFF....WEBP)/s.test(head);
}

function textOf(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "" : new TextDecoder().decode(bytes);
}

/** The texts of a prompt joined by blank lines, or the demo's question when all are empty. */
function joinPrompt(texts: string[]): string {
  const parts = texts.map((each) => each.trim()).filter(Boolean);
  return parts.length ? parts.join("\n\n") : DEFAULT_QUESTION;
}

/** What a failure's message may say of the request that failed. */
function contextOf(target: Target): RequestContext {
  return {
    model: target.model,
    baseURL: target.connection.baseURL,
    ...(target.keyVariable ? { keyVariable: target.keyVariable } : {}),
    keySent: target.connection.apiKey !== NO_KEY,
  };
}

/** `--schema`: the schema, and the `response_format` that asks for it. */
interface Structured {
  request: JsonSchemaRequest;
  responseFormat: JsonSchemaResponseFormat;
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
 * Which request fields a target's server takes: OpenAI's own API the
 * current ones (`max_completion_tokens`), any other the older ones.
 */
function apiOf(target: Target): "openai" | "compatible" {
  try {
    return new URL(target.connection.baseURL).hostname === "api.openai.com"
      ? "openai"
      : "compatible";
  } catch {
    return "compatible";
  }
}

/** `--models`: the server's model ids, sorted, one a line (a JSON array with `--json`). */
async function listModels(
  io: Io,
  server: Server,
  target: Target,
  json: boolean,
): Promise<number> {
  let ids;
  try {
    ids = await server.models(io, target);
  } catch (error) {
    const failure = describeFailure(error, contextOf(target));
    io.stderr.write(`${failure.message}\n`);
    return failure.exitCode;
  }
  const sorted = ids.toSorted();
  return print(
    io,
    json
      ? `${JSON.stringify(sorted, null, 2)}\n`
      : sorted.map((id) => `${id}\n`).join(""),
  );
}
