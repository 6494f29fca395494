/**
 * Everything a run does around the demo's one exchange: `--providers`,
 * `--history` and `--show`, following up a saved conversation, saving each
 * exchange, and `--chat`.
 *
 * @module
 */
import { type ChatSession, type Resumed, runChat, type Turn } from "./chat.ts";
import { historyPath } from "./paths.ts";
import { configOf, type Variables } from "./config.ts";
import type { Secrets } from "./redact.ts";
import { STOP_SIGNALS, type StopSignal } from "./signals.ts";
import {
  browse,
  conversationToContinue,
  openHistory,
  Recorder,
} from "./conversations.ts";
import { describeFailure, EXIT, InterruptedError } from "./errors.ts";
import {
  type Conversation,
  endpointOf,
  formatList,
  type Message,
  messagesOf,
  type Outcome,
} from "./history.ts";
import type { Io } from "./io.ts";
import {
  DEFAULT_MODEL,
  DEFAULT_QUESTION,
  DEFAULT_SYSTEM,
  type Options,
} from "./options.ts";
import { formatProviders, parseModel, providerEndpoint } from "./providers.ts";
import { showReasoning } from "./reasoning.ts";
import { CutOffError, RefusalError } from "./answer.ts";
import type { CompletionUsage } from "openai/resources/completions";
import type { Config } from "./config.ts";

/**
 * How much of a conversation's earlier turns a follow-up sends without a
 * word, in characters; beyond it, one line on stderr says how much goes.
 */
export const FOLLOW_UP_NOTE_CHARS = 1_000_000;

/** One exchange: where to send which messages, and how to show the answer. */
export interface Request {
  config: Config;
  model: string;
  /** The named provider, for `--verbose`. */
  provider?: string;
  /** The variable the named provider's key came from, for messages. */
  keyVariable?: string;
  messages: Message[];
  stream: boolean;
  json: boolean;
  verbose: boolean;
  /** Show a reasoning model's thinking on stderr. */
  reasoning: boolean;
  timeoutSeconds: number;
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
}

/** The demo's exchange: sends one request and prints its answer. */
export type Ask = (io: Io, request: Request) => Promise<Reply>;

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
  read: Variables,
  ask: Ask,
  secrets: Secrets,
): Promise<number> {
  if (options.providers) {
    io.stdout.write(formatProviders(read));
    return EXIT.ok;
  }
  if (options.listHistory || options.show !== undefined) {
    using history = openHistory(read);
    io.stdout.write(browse(history, options));
    return EXIT.ok;
  }

  let resumed: Conversation | undefined;
  if (options.continue || options.conversation !== undefined) {
    using history = openHistory(read);
    resumed = conversationToContinue(history, options.conversation);
  }
  const recorder = options.save
    ? new Recorder(read, (line) => io.stderr.write(`${line}\n`))
    : undefined;
  const showThinking = showReasoning(options.reasoning, io.stderrIsTerminal);
  /** The near-miss provider names already pointed out. */
  const suggested = new Set<string>();

  /** One turn: its endpoint, the exchange, and the saving of it. */
  async function turn(turn: Turn) {
    let request: Request;
    let spec: string;
    try {
      const resolved = resolve(turn.model);
      spec = resolved.spec;
      request = {
        ...resolved.target,
        messages: [
          { role: "system", content: turn.system },
          ...turn.earlier,
          { role: "user", content: turn.prompt },
        ],
        stream: options.stream || options.chat,
        json: options.json,
        verbose: options.verbose,
        reasoning: showThinking,
        timeoutSeconds: options.timeoutSeconds,
      };
    } catch (error) {
      const failure = describeFailure(error);
      io.stderr.write(`${failure.message}\n`);
      return {
        exitCode: failure.exitCode,
        answer: "",
        conversationId: undefined,
      };
    }
    const started = new Date();
    const reply = await ask(io, request);
    // A configuration error (exit 2) sent nothing: there is nothing to save.
    if (reply.exitCode === EXIT.usage) {
      return {
        exitCode: reply.exitCode,
        answer: "",
        conversationId: undefined,
      };
    }
    // The history is kept like any output: with every secret masked. The
    // model is saved as -m takes it, provider and all, for a follow-up.
    const conversationId = recorder?.save({
      system: secrets.redact(turn.system),
      prompt: secrets.redact(turn.prompt),
      model: spec,
      endpoint: secrets.redact(endpointOf(request.config.baseURL)),
      answer: secrets.redact(reply.answer),
      outcome: reply.outcome,
      ...(reply.error ? { error: secrets.redact(reply.error) } : {}),
      usage: reply.usage ?? null,
      started,
      finished: new Date(),
    }, turn.conversationId);
    return { exitCode: reply.exitCode, answer: reply.answer, conversationId };
  }

  /**
   * Where a model's requests go: a named provider's endpoint, or the
   * OPENAI_* variables'; and the model as `-m` takes it, provider resolved.
   *
   * @throws {ConfigError} when that endpoint cannot be used (no key).
   */
  function resolve(given: string) {
    const { provider, model, suggestion } = parseModel(given);
    if (suggestion && !suggested.has(given)) {
      suggested.add(given);
      io.stderr.write(
        `${given.slice(0, given.indexOf(":"))}: names no provider: did you ` +
          `mean ${suggestion}:? (sending the model "${given}" as named)\n`,
      );
    }
    const endpoint = provider && {
      ...providerEndpoint(provider, read),
      keyVariable: provider.keyVariable,
    };
    return {
      target: {
        config: configOf(read, endpoint),
        model,
        provider: provider?.name,
        keyVariable: provider?.keyVariable,
      },
      spec: provider ? `${provider.name}:${model}` : model,
      shown: provider ? `${model} (${provider.name})` : model,
    };
  }

  const start = {
    model: options.model ?? resumed?.model ?? DEFAULT_MODEL,
    system: options.system ?? resumed?.system ?? DEFAULT_SYSTEM,
    earlier: resumed ? earlierOf(resumed) : [],
    conversationId: resumed?.id,
  };
  if (resumed && options.model === undefined) {
    const moved = movedNote(resumed, () => resolve(start.model).target.config);
    if (moved) io.stderr.write(`${moved}\n`);
  }
  const carried = start.earlier.reduce(
    (n, { content }) => n + content.length,
    0,
  );
  if (resumed && carried > FOLLOW_UP_NOTE_CHARS) {
    io.stderr.write(
      `following up conversation ${resumed.id} sends its earlier turns: ` +
        `${(carried / 1e6).toFixed(1)} million characters with each request ` +
        "(a new question without -c, or /clear in the chat, sends none)\n",
    );
  }
  if (options.chat) {
    const history = options.save ? historyFile(read) : undefined;
    const session: ChatSession = {
      ...start,
      ...(resumed ? { resumed: summaryOf(resumed) } : {}),
      turn,
      history: () => latestConversations(read),
      resolveModel(spec) {
        try {
          const { spec: resolved, shown } = resolve(spec);
          return { spec: resolved, shown };
        } catch (error) {
          return { problem: describeFailure(error).message };
        }
      },
    };
    const { inputsPath, loadInputs, saveInput } = await import("./inputs.ts");
    const inputs = history && inputsPath(history);
    using lines = io.lines(
      inputs
        ? {
          history: () => loadInputs(inputs),
          onLine: (line) => saveInput(inputs, secrets.redact(line)),
        }
        : {},
    );
    // Between turns, a Ctrl-C must not end the chat (under `deno task` one
    // press can arrive twice); SIGTERM or SIGHUP at the prompt ends it.
    let stopped: StopSignal | undefined;
    using _ = io.onInterrupt((signal) => {
      if (signal === "SIGINT") return;
      stopped = signal;
      lines[Symbol.dispose]();
    });
    const code = await runChat(
      session,
      lines,
      io,
      options.prompt.trim(),
    );
    return stopped ? STOP_SIGNALS[stopped] : code;
  }
  const prompt = joinPrompt(options.prompt, await io.stdin());
  // A signal that arrives once the answer is in waits for it to be saved.
  let late: StopSignal | undefined;
  using _ = io.onInterrupt((signal) => void (late ??= signal));
  const { exitCode } = await turn({ ...start, prompt });
  return exitCode === EXIT.ok && late ? STOP_SIGNALS[late] : exitCode;
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

/** The history's file, or `undefined` when it is off or has no place. */
function historyFile(read: Variables): string | undefined {
  try {
    return historyPath(read);
  } catch {
    return undefined;
  }
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

/** The earlier user and assistant messages of a conversation. */
function earlierOf(conversation: Conversation): Message[] {
  return messagesOf(conversation).slice(1);
}

/** What `/history` prints: the latest conversations, or why there are none. */
function latestConversations(read: Variables): string {
  try {
    using history = openHistory(read);
    return `${formatList(history.list())}\n`;
  } catch (error) {
    return `${describeFailure(error).message}\n`;
  }
}

/** The prompt words and piped text, or the demo's question when both are empty. */
function joinPrompt(words: string, piped: string | undefined): string {
  const parts = [words.trim(), piped?.trim() ?? ""].filter(Boolean);
  return parts.length ? parts.join("\n\n") : DEFAULT_QUESTION;
}
