/**
 * Each turn of a run: its targets in fallback order, asked in turn until one
 * answers, and the saving of the exchange.
 *
 * @module
 */
import { type Io, style } from "../io/io.ts";
import type { Secrets } from "../io/redact.ts";
import type { Options } from "../cli/options.ts";
import { type Settings, type Target, targetsOf } from "../config/plan.ts";
import {
  refusedByOpenAI,
  requestFields,
  type SamplingOptions,
} from "../config/sampling.ts";
import { UsageError } from "../cli/usage_error.ts";
import { describeFailure, EXIT } from "../errors.ts";
import type { Ask, Reply, Request } from "../exchange/request.ts";
import type {
  JsonSchemaRequest,
  JsonSchemaResponseFormat,
} from "../exchange/schema.ts";
import { showReasoning } from "../exchange/reasoning.ts";
import { type InlineData, partsOf } from "../files/parts.ts";
import { Recorder } from "../history/use.ts";
import type { Execution } from "../history/executions.ts";
import {
  type Cost,
  endpointOf,
  type Message,
  type Price,
  type ToolMessage,
} from "../history/conversation.ts";
import { costOf, priceOf, usageOf } from "../exchange/cost.ts";
import type { Turn, TurnResult } from "../chat/chat.ts";
import type { ToolsInUse } from "../tools/use.ts";
import type { MarkdownOptions } from "../render/markdown.ts";
import { rewrapsOnResize, takesHyperlinks } from "../io/terminal.ts";
import { ApiChoices } from "./api_choice.ts";
/**
 * Each turn of a run: its targets in fallback order, asked in turn until one
 * answers, and the saving of the exchange.
 */
export class Turns {
  readonly #said = new Set<string>();
  readonly #recorder: Recorder | undefined;
  readonly #reasoning: boolean;
  readonly #render: MarkdownOptions | undefined;
  readonly #stream: boolean;
  readonly #activity: boolean;
  readonly #apis: ApiChoices;

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
    this.#stream = streams(io, options, settings);
    // Someone watches the answer arrive: show that it is on its way.
    this.#activity = io.stdoutIsTerminal && io.stderrIsTerminal;
    this.#apis = new ApiChoices(
      options.api,
      settings.history,
      options.save,
      (text) => secrets.redact(text),
    );
  }

  /** The config's price of `target`'s model, if it gives one. */
  #price(target: Target): Price | undefined {
    return priceOf(this.settings.file?.prices ?? {}, target);
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
      checkOptionsFor(targets, turn.sampling ?? {});
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
    // Every secret the run knows leaves masked, as --show shows it.
    const redact = (text: string) => this.secrets.redact(text);
    const messages: Message[] = [
      { role: "system", content: turn.system },
      ...turn.earlier,
      {
        role: "user",
        content: attachments.length
          ? partsOf(turn.prompt, attachments, inline?.standIn)
          : turn.prompt,
      },
    ].map((message) => maskedMessage(message as Message, redact));
    const sent = messages.at(-1)!;
    const sampling = turn.sampling ?? {};
    let [target, started] = [targets[0], new Date()];
    let reply!: Reply;
    for (const [i, each] of targets.entries()) {
      [target, started] = [each, new Date()];
      const request: Request = {
        target,
        messages,
        stream: this.#stream,
        activity: this.#activity,
        json: options.json && !turn.quiet,
        verbose: options.verbose,
        reasoning: this.#reasoning,
        timeoutSeconds: options.timeoutSeconds,
        ...(turn.quiet
          ? { quiet: true }
          : this.#render
          ? { render: this.#render }
          : {}),
        ...(options.extract ? { extract: options.extract } : {}),
        fields: {
          ...requestFields(sampling, apiOf(each)),
          ...(schema ? { response_format: schema.responseFormat } : {}),
          ...(tools ? { tools: tools.definitions } : {}),
        },
        ...(schema ? { schema: schema.request } : {}),
        ...(inline ? { inline } : {}),
        ...(tools ? { tools: tools.rounds } : {}),
        ...optionalPrice(this.#price(each)),
        fallback: i < targets.length - 1,
        note: this.note,
      };
      // Chat completions or Responses; once, the other when it may answer.
      const { api, switchApi, told } = this.#apis.choose(each);
      if (told) this.note(told);
      reply = await this.ask(io, { ...request, api, switchApi });
      if (reply.otherApi) {
        const line = this.#apis.found(each, reply.otherApi);
        if (line) this.note(line);
        reply = await this.ask(io, { ...request, api: reply.otherApi });
      }
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
    const conversationId = this.#save(turn, target, reply, started);
    const exchangeId = conversationId === undefined
      ? undefined
      : this.#recorder?.lastExchange;
    if (conversationId !== undefined && turn.title !== undefined) {
      this.#recorder?.name(conversationId, turn.title);
    }
    return {
      exitCode: reply.exitCode,
      answer: reply.answer,
      conversationId,
      ...(exchangeId === undefined ? {} : { exchangeId }),
      sent,
      ...(reply.toolMessages ? { toolMessages: reply.toolMessages } : {}),
    };
  }

  /** Keeps a decision about the command exchange `exchangeId` proposed (`-e`), as exchanges are kept. */
  recordExecution(exchangeId: number, execution: Execution): void {
    this.#recorder?.execution(exchangeId, execution);
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
      usage: usageOf(reply.usage) ?? null,
      ...optionalCost(costOf(reply.usage, this.#price(target))),
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
            maskedMessage(
              message,
              (text) => secrets.redact(text),
            ) as ToolMessage
          ),
        }
        : {}),
    }, turn.conversationId);
  }
}

/**
 * `message` as a request sends it, with `redact` applied to all its text:
 * the prompt and the files' text in it, a system message, earlier answers,
 * tool calls and their results, and an image's URL. Files' data (a data
 * URL, or its stand-in) is bytes, and goes as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskedMessage } from "./turns.ts";
 * const redact = (text: string) => text.replaceAll("sk-0123456789", "[redacted]");
 * assert.deepEqual(
 *   maskedMessage({ role: "user", content: [{ type: "text", text: "key sk-0123456789" }] }, redact),
 *   { role: "user", content: [{ type: "text", text: "key [redacted]" }] },
 * );
 * ```
 */
export function maskedMessage(
  message: Message,
  redact: (text: string) => string,
): Message {
  if (message.role === "tool") {
    return { ...message, content: redact(message.content) };
  }
  if (message.role === "user" && typeof message.content !== "string") {
    return {
      ...message,
      content: message.content.map((part) =>
        part.type === "text"
          ? { ...part, text: redact(part.text) }
          : part.type === "image_url" &&
              !part.image_url.url.startsWith("data:")
          ? {
            ...part,
            image_url: { ...part.image_url, url: redact(part.image_url.url) },
          }
          : part
      ),
    };
  }
  if ("tool_calls" in message) {
    return {
      ...message,
      content: message.content && redact(message.content),
      tool_calls: message.tool_calls.map((call) => ({
        ...call,
        function: {
          name: call.function.name,
          arguments: redact(call.function.arguments),
        },
      })),
    };
  }
  return { ...message, content: redact(message.content as string) };
}

/**
 * Checks that no target is OpenAI's own API while options it does not take
 * are set: it would refuse the whole request.
 *
 * @throws {UsageError} naming them and the target.
 */
function checkOptionsFor(targets: Target[], sampling: SamplingOptions): void {
  const refused = refusedByOpenAI(sampling);
  const openai = targets.find((each) => apiOf(each) === "openai");
  if (refused.length === 0 || openai === undefined) return;
  const names = refused.join(", ");
  throw new UsageError(
    `${names}: OpenAI's API takes no such option and would refuse the ` +
      `request to ${openai.shown}; other servers get it as it is (leave it ` +
      "out, or ask another server with -m provider:)",
  );
}

/**
 * Which request fields a target's server takes: OpenAI's own API the
 * current ones (`max_completion_tokens`), any other the older ones.
 */
export function apiOf(target: Target): "openai" | "compatible" {
  try {
    return new URL(target.connection.baseURL).hostname === "api.openai.com"
      ? "openai"
      : "compatible";
  } catch {
    return "compatible";
  }
}

/**
 * How markdown is rendered: on a terminal, unless `--raw`, `--json` or `-x`
 * asks for the text as it came; `undefined` when it is not.
 */
export function rendering(
  io: Io,
  options: Options,
  settings: Settings,
): MarkdownOptions | undefined {
  return io.stdoutIsTerminal && !options.raw && !options.json &&
      !options.extract
    ? {
      width: () => io.columns(),
      height: () => io.rows?.() ?? 24,
      color: !io.noColor,
      hyperlinks: takesHyperlinks(settings.read),
      rewraps: rewrapsOnResize(settings.read),
      // What was too large to render: one line on stderr, dim on a terminal.
      note: (text) => {
        const dim = io.stderrIsTerminal && !io.noColor;
        if (dim) style(io.stderr, "\x1b[2m");
        io.stderr.write(text);
        if (dim) style(io.stderr, "\x1b[22m");
        io.stderr.write("\n");
      },
    }
    : undefined;
}

/** `--schema`: the schema, and the `response_format` that asks for it. */
export interface Structured {
  request: JsonSchemaRequest;
  responseFormat: JsonSchemaResponseFormat;
}

/**
 * Whether answers stream: always in the chat; else as `--stream` or
 * `--no-stream` says; else at a terminal, unless the config file says
 * `stream = false` or `--json` asks for the server's own completion; never
 * into a pipe or a file unless asked.
 */
export function streams(
  io: Pick<Io, "stdoutIsTerminal">,
  options: Pick<Options, "chat" | "stream" | "json">,
  settings: Pick<Settings, "file">,
): boolean {
  if (options.chat) return true;
  if (options.stream !== undefined) return options.stream;
  return io.stdoutIsTerminal && !options.json &&
    (settings.file?.stream ?? true);
}

const optionalPrice = (price: Price | undefined) => price ? { price } : {};
const optionalCost = (cost: Cost | undefined) => cost ? { cost } : {};
