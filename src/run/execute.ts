/**
 * `-e TASK`, and the chat's `/execute TASK`: the model is asked for one
 * command for the user's system and shell (a turn of the conversation), and
 * the command is checked for danger; at a terminal it is shown and asked
 * about, and runs only if the user says so; without one it is printed and
 * never runs. Every decision is kept in the history with the exchange.
 *
 * @module
 */
import { type Io, style } from "../io/io.ts";
import type { LineReader } from "../io/lines.ts";
import type { Secrets } from "../io/redact.ts";
import { STOP_SIGNALS, type StopSignal } from "../io/signals.ts";
import type { Options } from "../cli/options.ts";
import { UsageError } from "../cli/usage_error.ts";
import { ConfigError } from "../config/connection.ts";
import { type Settings, targetsOf } from "../config/plan.ts";
import { EXIT } from "../errors.ts";
import type { Message } from "../history/conversation.ts";
import type { Decision } from "../history/executions.ts";
import type { Turn } from "../chat/chat.ts";
import type { MarkdownOptions } from "../render/markdown.ts";
import type { ToolsInUse } from "../tools/use.ts";
import { type Shell, shellOf, startOf } from "../shell/shell.ts";
import {
  commandOf,
  descriptionPrompt,
  descriptionSystem,
  fenced,
  proposalSystem,
} from "../shell/proposal.ts";
import { askAbout, readsKeys } from "../shell/question.ts";
import { promptOf } from "./prompt.ts";
import { rendering, type Turns } from "./turns.ts";

/** What a proposal is made with: the run's, decided once. */
export interface Proposer {
  io: Io;
  turns: Turns;
  shell: Shell;
  os: typeof Deno.build.os;
  secrets: Secrets;
  /** How the command and a description show at a terminal; as they came without. */
  render?: MarkdownOptions;
  /** The terminal's reader, when the command may be asked about; without one it is printed. */
  reader?: LineReader;
  /** `--json`: the command, its danger and shell printed as JSON, never run. */
  json: boolean;
}

/** How a proposal ended, and what it added to its conversation. */
export interface Proposed {
  exitCode: number;
  conversationId: number | undefined;
  /** The task and the answer, then each description asked for and its answer. */
  added: Message[];
}

/**
 * `-e`: checks the task and every target before anything is sent, and, at
 * a terminal, that this run may start the user's shell; then proposes.
 * SIGTERM or SIGHUP at a question ends the run with its exit code.
 *
 * @throws {UsageError} when there is no task.
 * @throws {ConfigError} when a target cannot be used, or the shell may not
 * be started at a terminal.
 */
export async function execute(
  io: Io,
  options: Options,
  settings: Settings,
  { turns, tools }: { turns: Turns; tools?: ToolsInUse },
  begin: Omit<Turn, "prompt">,
  secrets: Secrets,
): Promise<number> {
  const piped = await io.stdin();
  const given = options.prompt.trim() !== "" || options.files.length > 0 ||
    options.attach.length > 0 ||
    (piped !== undefined && new TextDecoder().decode(piped).trim() !== "");
  if (!given) {
    throw new UsageError(
      '-e takes a task: gpt4o -e "find the files over 100 MB here"',
    );
  }
  targetsOf(begin.model, settings, turns.note);
  const os = io.os ?? Deno.build.os;
  const shell = shellOf(settings.read, os);
  const terminal = !options.json && io.stdoutIsTerminal && piped === undefined;
  if (terminal) checkMayRun(io, shell, "-e");
  const { prompt, attachments } = await promptOf(io, options);
  using reader = terminal ? io.lines() : undefined;
  // A tool call is asked about where the command is.
  if (tools && reader) tools.reader = reader;
  let stopped: StopSignal | undefined;
  // Ctrl-C stops a request (its own listener) or answers a question (a
  // key); while the command runs, it is the command's.
  using _ = io.onInterrupt((signal) => {
    if (signal === "SIGINT") return;
    stopped ??= signal;
    reader?.[Symbol.dispose]();
  });
  const render = rendering(io, options, settings);
  const { exitCode } = await propose({
    io,
    turns,
    shell,
    os,
    secrets,
    json: options.json,
    ...(render ? { render } : {}),
    ...(reader ? { reader } : {}),
  }, { ...begin, prompt, ...(attachments.length ? { attachments } : {}) });
  return stopped ? STOP_SIGNALS[stopped] : exitCode;
}

/**
 * The chat's `/execute TASK`: a proposal at the chat's reader, whose turns
 * join the chat's conversation.
 */
export async function executeInChat(
  io: Io,
  options: Options,
  settings: Settings,
  { turns, reader, secrets }: {
    turns: Turns;
    reader: LineReader;
    secrets: Secrets;
  },
  turn: Turn,
): Promise<Proposed> {
  const os = io.os ?? Deno.build.os;
  const shell = shellOf(settings.read, os);
  const terminal = reader.interactive && io.stdoutIsTerminal;
  if (terminal) {
    try {
      checkMayRun(io, shell, "/execute");
    } catch (error) {
      io.stderr.write(`${(error as Error).message}\n`);
      return {
        exitCode: EXIT.usage,
        conversationId: turn.conversationId,
        added: [],
      };
    }
  }
  const render = rendering(io, options, settings);
  return await propose({
    io,
    turns,
    shell,
    os,
    secrets,
    json: false,
    ...(render ? { render } : {}),
    ...(terminal ? { reader } : {}),
  }, turn);
}

/**
 * Asks for the command that does `turn`'s task, then asks about it at the
 * terminal, or prints it; returns how it ended and what the conversation
 * gained.
 */
export async function propose(
  proposer: Proposer,
  turn: Turn,
): Promise<Proposed> {
  const { io, turns, shell, os, secrets } = proposer;
  const asked = await turns.run({
    ...turn,
    system: proposalSystem(shell, os),
    quiet: true,
  });
  let conversationId = asked.conversationId ?? turn.conversationId;
  const added: Message[] = [];
  const keep = (sent: Message, result: typeof asked) => {
    conversationId = result.conversationId ?? conversationId;
    if (result.answer === "") return;
    added.push(sent, ...result.toolMessages ?? [], {
      role: "assistant",
      content: result.answer,
    });
  };
  keep(asked.sent ?? { role: "user", content: turn.prompt }, asked);
  if (asked.exitCode !== EXIT.ok) {
    return { exitCode: asked.exitCode, conversationId, added };
  }
  const command = commandOf(asked.answer);
  if (command === "") {
    io.stderr.write("the model's answer holds no command to run\n");
    return { exitCode: EXIT.failed, conversationId, added };
  }
  const redact = (text: string) => secrets.redact(text);
  const record = (
    command: string,
    danger: string[],
    decision: Decision,
    exitCode?: number,
  ) => {
    if (asked.exchangeId === undefined) return;
    turns.recordExecution(asked.exchangeId, {
      command: redact(command),
      shell: shell.name,
      danger: danger.map(redact),
      decision,
      ...(exitCode === undefined ? {} : { exitCode }),
      at: new Date(),
    });
  };
  const dangerOf = async (command: string) => {
    // The parser loads only for -e.
    const { dangerOf } = await import("../shell/danger.ts");
    return dangerOf(command, shell.kind).map((each) => each.reason);
  };
  const { reader } = proposer;
  if (proposer.json || reader === undefined || !readsKeys(reader)) {
    const danger = await dangerOf(command);
    if (proposer.json) {
      io.stdout.write(
        `${JSON.stringify({ command, danger, shell: shell.name }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(`${command}\n`);
      if (danger.length) {
        io.stderr.write(`gpt4o: this command ${danger.join(", ")}: not run\n`);
      }
    }
    record(command, danger, "printed");
    return { exitCode: EXIT.ok, conversationId, added };
  }
  const markdown = proposer.render &&
    await import("../render/markdown.ts");
  const exitCode = await askAbout(command, {
    reader,
    show: (command, danger) => {
      if (markdown && proposer.render) {
        const shown = new markdown.MarkdownStream(io.stdout, proposer.render);
        shown.write(`${fenced(command, shell)}\n`);
        shown.end();
      } else io.stdout.write(`${command}\n`);
      const color = !io.noColor;
      for (const reason of danger) {
        if (color) style(io.stdout, "\x1b[33m");
        io.stdout.write(`  ⚠ ${reason}`);
        if (color) style(io.stdout, "\x1b[39m");
        io.stdout.write("\n");
      }
    },
    echo: (text) => io.stdout.write(text),
    say: (line) => io.stderr.write(`${line}\n`),
    dangerOf,
    async describe(command) {
      const prompt = descriptionPrompt(command, shell);
      const described = await turns.run({
        model: turn.model,
        system: descriptionSystem(shell, os),
        earlier: [...turn.earlier, ...added],
        prompt,
        ...(turn.sampling ? { sampling: turn.sampling } : {}),
        conversationId,
      });
      keep({ role: "user", content: prompt }, described);
    },
    async copy(command) {
      const { copyThroughTerminal } = await import("../render/clipboard.ts");
      // Without a line's end: pasted, it does not run at once.
      return copyThroughTerminal(io, command, "the command");
    },
    async run(command) {
      const start = startOf(shell, command);
      try {
        return await io.programs!.run(start.program, start.args, {
          ...(start.windowsRawArguments ? { windowsRawArguments: true } : {}),
        });
      } catch (error) {
        io.stderr.write(
          `cannot start your shell, ${shell.program}: ${
            (error as Error).message
          } (set SHELL to one that runs)\n`,
        );
        return EXIT.failed;
      }
    },
    record,
  });
  return { exitCode, conversationId, added };
}

/**
 * Checks that this run may start `shell`: what the launchers grant a run
 * with `-e` or `--chat`, and plain `deno run` does not.
 *
 * @throws {ConfigError} naming the shell and the permission.
 */
function checkMayRun(io: Io, shell: Shell, what: string): void {
  if (io.programs?.mayRun(shell.program)) return;
  throw new ConfigError(
    `${what} runs the command in your shell, ${shell.program}, and this run may ` +
      "not start it: use the gpt4o command or deno task start, or give " +
      `deno run --allow-run=${shell.program}`,
  );
}
