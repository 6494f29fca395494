/**
 * The tools of the enabled servers (`-T`): started together, named uniquely
 * across servers, each call the model makes decided (approved in advance,
 * asked, or refused), run, and its result turned into the `tool` message the
 * model reads next. `src/tools/use.ts` ties them to a run.
 *
 * @module
 */
import type { ChatCompletionFunctionTool } from "openai/resources/chat/completions";
import type { Tool } from "@modelcontextprotocol/client";
import type { ToolServer } from "../config/file.ts";
import {
  connect,
  type Connected,
  grantAdvice,
  reasonOf,
  type ServerIo,
  timeoutOf,
} from "./servers.ts";
import { InterruptedError } from "../errors.ts";
import { type Schedule, within } from "./deadline.ts";
import {
  overBytes,
  sizeShown,
  TOOL_ARGUMENTS_BYTES,
  TOOL_CALLS_A_ROUND,
} from "./limits.ts";
import {
  argumentsShown,
  characters,
  describeServer,
  oneLine,
  resultText,
} from "./text.ts";
import { ConfigError } from "../config/connection.ts";
import { ToolRoundsError } from "../exchange/answer.ts";
import type { ToolMessage } from "../history/conversation.ts";
import type { ToolRounds } from "../exchange/request.ts";

export { TOOL_ARGUMENTS_BYTES, TOOL_RESULT_CHARS } from "./limits.ts";

/** A call the model asked for: OpenAI's function tool call, flattened. */
export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them: JSON, or not. */
  arguments: string;
  /**
   * Its arguments were over {@linkcode TOOL_ARGUMENTS_BYTES}: it is not run,
   * and `arguments` holds a stand-in.
   */
  overLimit?: boolean;
}

/** What the user is asked before a call runs. */
export interface ConsentRequest {
  server: string;
  tool: string;
  /** The arguments on one line, each value shortened on its own. */
  args: string;
  /** The arguments as the model wrote them, whole. */
  arguments: string;
  sandboxed: boolean;
}

/** The user's answer: run it, do not, or run this tool without asking again this run. */
export type ConsentAnswer = "yes" | "no" | "always";

/** Asks the user about one call; `undefined` when no one can be asked (no terminal). */
export type Consent = (
  request: ConsentRequest,
) => Promise<ConsentAnswer | undefined>;

/** One tool as the model is offered it. */
export interface OfferedTool {
  /** The name the model calls it by: unique across the run's servers. */
  name: string;
  /** Its name on its server. */
  tool: string;
  server: Connected;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** How one call went, for the line on stderr and the `tool` message. */
export interface CallOutcome {
  call: ToolCall;
  /** What the model reads as the call's result. */
  content: string;
  /** One line for the user: how it went. */
  summary: string;
  status: "done" | "failed" | "declined" | "refused";
}

/** How {@linkcode ToolBox.run} decides and tells. */
export interface RunOptions {
  /** Approves every call in advance (`--yes`). */
  yes: boolean;
  /** Asks the user; absent without a terminal. */
  consent?: Consent;
  /** Hears one line per call, once it has run (or not). */
  activity(line: string): void;
  signal?: AbortSignal;
  /** The timer of each call's deadline: `setTimeout` unless a test gives one. */
  after?: Schedule;
}

/**
 * The enabled servers, connected, and their tools.
 */
export class ToolBox implements AsyncDisposable {
  readonly #always = new Set<string>();

  private constructor(
    readonly servers: Connected[],
    readonly tools: OfferedTool[],
  ) {}

  /**
   * Starts `servers` side by side and lists their tools.
   *
   * @throws {ConfigError} naming the first server that did not start; the
   * others are closed.
   */
  static async start(
    servers: ToolServer[],
    io: ServerIo,
    signal?: AbortSignal,
  ): Promise<ToolBox> {
    const started = await Promise.allSettled(
      servers.map((server) => connect(server, io, signal ? { signal } : {})),
    );
    const connected = started.flatMap((each) =>
      each.status === "fulfilled" ? [each.value] : []
    );
    const failed = started.find((each) => each.status === "rejected");
    try {
      if (failed) throw failed.reason;
      const listed = await Promise.all(connected.map(async (server) => {
        try {
          return (await listAll(server)).map((tool) => ({ server, tool }));
        } catch (error) {
          throw new ConfigError(
            `tool server ${server.server.name} did not list its tools: ${
              reasonOf(error, server.stderr(), server.server)
            }`,
          );
        }
      }));
      const all = listed.flat();
      const names = uniqueNames(
        all.map(({ server, tool }) => ({
          server: server.server.name,
          tool: tool.name,
        })),
      );
      return new ToolBox(
        connected,
        all.map(({ server, tool }, i) => ({
          name: names[i],
          tool: tool.name,
          server,
          description: tool.description ?? "",
          inputSchema: tool.inputSchema as Record<string, unknown>,
        })),
      );
    } catch (error) {
      await Promise.all(connected.map((each) => each[Symbol.asyncDispose]()));
      throw error;
    }
  }

  /** The tools as a chat-completions request offers them. */
  definitions(): ChatCompletionFunctionTool[] {
    return this.tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        parameters: tool.inputSchema,
      },
    }));
  }

  /**
   * Runs the model's calls: each asked about (or approved) in order, the
   * approved ones then run side by side. Returns their outcomes in the
   * calls' order. A declined or refused call is an outcome, not an error.
   *
   * @throws the signal's reason once it is aborted (Ctrl-C).
   */
  async run(calls: ToolCall[], options: RunOptions): Promise<CallOutcome[]> {
    const decided: (CallOutcome | OfferedTool)[] = [];
    for (const call of calls) {
      decided.push(await this.#decide(call, options));
      options.signal?.throwIfAborted();
    }
    const outcomes = await Promise.all(
      decided.map((each, i) =>
        "status" in each ? each : this.#call(each, calls[i], options)
      ),
    );
    options.signal?.throwIfAborted();
    for (const outcome of outcomes) options.activity(outcome.summary);
    return outcomes;
  }

  /** The tool a call names, if approved; else the outcome that says why not. */
  async #decide(
    call: ToolCall,
    options: RunOptions,
  ): Promise<CallOutcome | OfferedTool> {
    if (call.overLimit) {
      const limit = sizeShown(TOOL_ARGUMENTS_BYTES);
      return {
        call,
        status: "failed",
        content: `error: the arguments are over ${limit}, the most a call ` +
          "may have: it was not run; pass less in each call",
        summary:
          `${oneLine(call.name, 64)}: arguments over ${limit}, not run ` +
          "(the model was told)",
      };
    }
    const tool = this.tools.find((each) => each.name === call.name);
    if (tool === undefined) {
      return {
        call,
        status: "failed",
        content: `error: there is no tool named ${call.name}; the tools are ` +
          this.tools.map((each) => each.name).join(", "),
        summary: `${call.name}: no such tool (the model was told)`,
      };
    }
    const { server } = tool.server;
    const shown = `${server.name}.${tool.tool}`;
    if (
      options.yes || server.allow.includes(tool.tool) ||
      this.#always.has(tool.name)
    ) {
      return tool;
    }
    const answer = await options.consent?.({
      server: server.name,
      tool: tool.tool,
      args: argumentsShown(call.arguments),
      arguments: call.arguments,
      sandboxed: server.kind !== "command",
    });
    if (answer === undefined) {
      const advice = `approve it with --yes, or allow = ["${tool.tool}"] in ` +
        `[mcp.${server.name}] of the config file`;
      return {
        call,
        status: "refused",
        content: "error: the user did not approve this call (no terminal to " +
          "ask); do not try it again",
        summary: `${shown} refused: there is no terminal to ask; ${advice}`,
      };
    }
    if (answer === "always") this.#always.add(tool.name);
    if (answer === "no") {
      return {
        call,
        status: "declined",
        content: "error: the user declined this call",
        summary: `${shown} declined`,
      };
    }
    return tool;
  }

  async #call(
    tool: OfferedTool,
    call: ToolCall,
    { signal, after }: RunOptions,
  ): Promise<CallOutcome> {
    const shown = `${tool.server.server.name}.${tool.tool}`;
    let args: Record<string, unknown>;
    try {
      const parsed = JSON.parse(call.arguments || "{}");
      if (
        typeof parsed !== "object" || parsed === null || Array.isArray(parsed)
      ) {
        throw new SyntaxError("not an object");
      }
      args = parsed;
    } catch {
      return {
        call,
        status: "failed",
        content: "error: the arguments are not a JSON object",
        summary: `${shown} ${oneLine(call.arguments)}: arguments that are ` +
          "not a JSON object (the model was told)",
      };
    }
    const started = performance.now();
    try {
      // The SDK's timer too, which tells the server the call is cancelled.
      const timeout = timeoutOf(tool.server.server);
      const result = await within(
        (stop) =>
          tool.server.client.callTool(
            { name: tool.tool, arguments: args },
            { timeout, signal: stop },
          ),
        timeout,
        { ...(signal ? { signal } : {}), ...(after ? { after } : {}) },
      );
      const ms = Math.round(performance.now() - started);
      const failed = result.isError === true;
      const said = resultText(result);
      // Deno's refusal in a module's error says how to change the config,
      // and the line on stderr keeps room for it.
      const text = failed && tool.server.server.kind === "module"
        ? grantAdvice(said, tool.server.server)
        : said;
      const room = text === said ? 120 : 400;
      return {
        call,
        status: failed ? "failed" : "done",
        content: failed ? `error: ${text}` : text,
        summary: `${shown} ${oneLine(call.arguments)}: ${
          failed ? `failed: ${oneLine(text, room)}` : characters(text.length)
        } (${ms} ms)`,
      };
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason ?? new InterruptedError("SIGINT");
      }
      const why = reasonOf(error, tool.server.stderr(), tool.server.server);
      return {
        call,
        status: "failed",
        content:
          `error: the tool server ${tool.server.server.name} failed: ${why}`,
        summary: `${shown}: the server failed: ${why}`,
      };
    }
  }

  /**
   * What `--list-tools` and `/tools` print: each server, sandboxed or not,
   * and its tools with the first line of their descriptions.
   */
  listing(): string {
    const lines: string[] = [];
    for (const connected of this.servers) {
      const { server } = connected;
      lines.push(`${server.name} (${describeServer(server)})`);
      const tools = this.tools.filter((each) => each.server === connected);
      const width = Math.max(0, ...tools.map((each) => each.name.length));
      for (const tool of tools) {
        const about = oneLine(tool.description.split(/\n|(?<=\.) /)[0], 100);
        lines.push(`  ${tool.name.padEnd(width)}  ${about}`.trimEnd());
      }
      if (tools.length === 0) lines.push("  (no tools)");
    }
    return lines.map((line) => `${line}\n`).join("");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.servers.map((each) => each[Symbol.asyncDispose]()));
  }
}

/** The outcome of each call of a round that holds more than {@linkcode TOOL_CALLS_A_ROUND}. */
function tooMany(
  calls: ToolCall[],
  activity: (line: string) => void,
): CallOutcome[] {
  const why = `${calls.length} calls in one round, more than the ` +
    `${TOOL_CALLS_A_ROUND} that may run at once`;
  activity(`${why}: none of them was run (the model was told)`);
  return calls.map((call) => ({
    call,
    status: "failed",
    content: `error: ${why}: none was run; call fewer tools at a time`,
    summary: "",
  }));
}

/**
 * A server's tools, every page of them (the SDK walks at most
 * `MOST_PAGES`, and ends at a page that repeats the one before); none when
 * it offers no tools.
 */
async function listAll(server: Connected): Promise<Tool[]> {
  // Asked anyway, the SDK would say so on stdout.
  if (!server.client.getServerCapabilities()?.tools) return [];
  const { tools } = await server.client.listTools(undefined, {
    timeout: timeoutOf(server.server),
  });
  // A name listed again is the same tool.
  const byName = new Map<string, Tool>();
  for (const tool of tools) {
    if (!byName.has(tool.name)) byName.set(tool.name, tool);
  }
  return [...byName.values()];
}

/**
 * The {@linkcode ToolRounds} of a run: each round's calls run by `box` as
 * `options` decide, at most `rounds` rounds a request.
 */
export function toolRounds(
  box: ToolBox,
  rounds: number,
  options: Omit<RunOptions, "signal"> & {
    /** Masks the secrets in what goes back to the model. */
    redact?: (text: string) => string;
  },
): ToolRounds {
  const { redact = (text: string) => text, ...run } = options;
  return {
    async answer(message, round, signal) {
      if (round >= rounds) throw new ToolRoundsError(rounds);
      // Each call gets an id the model's server takes: its own, unless it
      // sent none or one another call of the round has.
      const ids = new Set<string>();
      const calls = (message.tool_calls ?? []).map((call, i) => {
        let id = typeof call.id === "string" && call.id ? call.id : "";
        if (id === "" || ids.has(id)) id = `call_${round}_${i}`;
        ids.add(id);
        // As a stream's calls are, one without a type, or of a type not
        // known, is a function's: a custom call says so and has its input.
        const { name, input } = call.type === "custom" && call.custom
          ? { name: call.custom.name, input: call.custom.input }
          : {
            name: (call as { function?: { name?: string } }).function?.name,
            input: (call as { function?: { arguments?: string } }).function
              ?.arguments,
          };
        return overBytes(input ?? "", TOOL_ARGUMENTS_BYTES)
          ? {
            id,
            name: name ?? "",
            arguments: JSON.stringify({
              left_out: `arguments over ${sizeShown(TOOL_ARGUMENTS_BYTES)}`,
            }),
            overLimit: true,
          }
          : { id, name: name ?? "", arguments: input ?? "" };
      });
      // So many calls at once are no plan: none runs, and the model is told.
      const outcomes = calls.length > TOOL_CALLS_A_ROUND
        ? tooMany(calls, run.activity)
        : await box.run(calls, { ...run, signal });
      return [
        {
          role: "assistant",
          content: message.content || null,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: "function",
            function: { name: call.name, arguments: call.arguments },
          })),
        },
        ...outcomes.map((outcome): ToolMessage => ({
          role: "tool",
          tool_call_id: outcome.call.id,
          content: redact(outcome.content),
        })),
      ];
    },
  };
}

/**
 * Names for the tools of several servers that a model can call and that are
 * unique: a tool's own name where no other server has it, else prefixed by
 * its server's; letters, digits, `_` and `-` only, at most 64.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uniqueNames } from "./box.ts";
 * assert.deepEqual(
 *   uniqueNames([
 *     { server: "a", tool: "read" },
 *     { server: "b", tool: "read" },
 *     { server: "b", tool: "list files" },
 *   ]),
 *   ["a_read", "b_read", "list_files"],
 * );
 * ```
 */
export function uniqueNames(
  tools: { server: string; tool: string }[],
): string[] {
  const clean = (name: string) =>
    name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "tool";
  const counts = new Map<string, number>();
  for (const { tool } of tools) {
    counts.set(clean(tool), (counts.get(clean(tool)) ?? 0) + 1);
  }
  const taken = new Set<string>();
  return tools.map(({ server, tool }) => {
    let name = counts.get(clean(tool))! > 1
      ? clean(`${server}_${tool}`)
      : clean(tool);
    for (let n = 2; taken.has(name); n++) {
      name = `${name.slice(0, 60)}_${n}`;
    }
    taken.add(name);
    return name;
  });
}
