/**
 * A run's tools: the enabled servers started when the run begins, each call
 * asked about on the terminal (or the chat's own line reader) unless it is
 * approved in advance, one dimmed line on stderr per call, and
 * `--list-tools`. Loaded only when tools are enabled.
 *
 * @module
 */
import type { ChatCompletionFunctionTool } from "openai/resources/chat/completions";
import type { Role, ToolServer } from "../config/file.ts";
import { EXIT, InterruptedError } from "../errors.ts";
import { type Io, type Output, style } from "../io/io.ts";
import type { LineReader } from "../io/lines.ts";
import type { Options } from "../cli/options.ts";
import { denoCommand } from "../launch/permissions.ts";
import {
  DEFAULT_TOOL_ROUNDS,
  type Settings,
  toolServersOf,
} from "../config/plan.ts";
import type { Secrets } from "../io/redact.ts";
import type { ToolRounds } from "../exchange/request.ts";
import { consentQuestion, consentView } from "./consent.ts";
import { openBrowser } from "./browser.ts";
import { signInFolder } from "./tokens.ts";
import { routeConsole } from "./console.ts";
import {
  type ConsentAnswer,
  type ConsentRequest,
  ToolBox,
  toolRounds,
} from "./box.ts";

/** A run's tools: the started servers, and where a call is asked about. */
export interface ToolsInUse extends AsyncDisposable {
  box: ToolBox;
  definitions: ChatCompletionFunctionTool[];
  rounds: ToolRounds;
  /** Where the user is asked before a call runs: the chat's own reader, else the terminal's. */
  reader?: LineReader;
}

/**
 * Starts the enabled tool servers side by side (their module loads only
 * now): the model is offered their tools, and each call is asked about on
 * the terminal unless `--yes` or the server's `allow` approves it.
 *
 * @throws {ConfigError} naming a server that did not start.
 */
export async function startTools(
  io: Io,
  options: Options,
  settings: Settings,
  servers: ToolServer[],
  secrets: Secrets,
): Promise<ToolsInUse> {
  const history = settings.history.path;
  // While the servers run, what the MCP SDK prints on the console goes to
  // stderr, masked and made visible, one line a call; not after.
  const routed = routeConsole((line) => io.stderr.write(`${line}\n`));
  let box: ToolBox;
  try {
    box = await ToolBox.start(servers, {
      env: io.env,
      denoPath: denoCommand(),
      // The model's requests go through io.fetch; a tool server's, Deno's own.
      fetch: globalThis.fetch,
      signIn: {
        // Kept beside the history; with none, for the run alone.
        folder: history === undefined ? undefined : signInFolder(history),
        secrets,
        interactive: io.stderrIsTerminal,
        say: (line) => io.stderr.write(`${line}\n`),
        open: io.openBrowser ?? ((url) => openBrowser(url, io.env)),
        now: Date.now,
      },
    });
  } catch (error) {
    routed[Symbol.dispose]();
    throw error;
  }
  let own: LineReader | undefined;
  const use: ToolsInUse = {
    box,
    definitions: box.definitions(),
    rounds: toolRounds(
      box,
      settings.file?.toolRounds ?? DEFAULT_TOOL_ROUNDS,
      {
        yes: options.yes,
        consent: (request) => {
          const reader = use.reader ?? (own ??= io.lines());
          return reader.interactive
            ? askConsent(reader, request, io, secrets)
            : Promise.resolve(undefined);
        },
        activity: (line) => dimLine(io, io.stderr, `tool ${line}`),
        // A secret a tool returns goes to the model's server masked.
        redact: (text) => secrets.redact(text),
      },
    ),
    async [Symbol.asyncDispose]() {
      try {
        own?.[Symbol.dispose]();
        await box[Symbol.asyncDispose]();
      } finally {
        routed[Symbol.dispose]();
      }
    },
  };
  return use;
}

/**
 * Asks about one tool call: y runs it, a runs it and the tool's later calls,
 * v shows it in full and asks again, anything else does not run it.
 */
async function askConsent(
  reader: LineReader,
  request: ConsentRequest,
  io: Io,
  secrets: Secrets,
): Promise<ConsentAnswer> {
  const redact = (text: string) => secrets.redact(text);
  for (;;) {
    // The reader writes the prompt to the terminal itself: what the server
    // and the model wrote is masked, made visible and cut to fit the
    // screen, here.
    const question = consentQuestion(request, {
      columns: io.columns(),
      rows: io.rows?.() ?? 24,
    }, redact);
    let interrupted = false;
    const answer = await reader.read(
      question,
      // Ctrl-C at the question stops the run, as it does during a call; the
      // answer is no input for the Up arrow to recall, and what was typed
      // before the question showed does not answer it.
      { onInterrupt: () => void (interrupted = true), answer: true },
    );
    if (interrupted) throw new InterruptedError("SIGINT");
    const word = answer?.trim().toLowerCase() ?? "";
    if (/^(y|yes)$/.test(word)) return "yes";
    if (/^(a|always)$/.test(word)) return "always";
    if (/^(v|view)$/.test(word)) {
      const view = consentView(request, redact);
      if (reader.echo) await reader.echo(view, "");
      else io.stderr.write(`${view}\n`);
      continue;
    }
    if (answer === undefined) io.stderr.write("\n");
    return "no";
  }
}

/** A line on `output`, dimmed where colors show. */
function dimLine(io: Io, output: Output, line: string): void {
  const dim = io.stderrIsTerminal && !io.noColor;
  if (dim) style(output, "\x1b[2m");
  output.write(line);
  if (dim) style(output, "\x1b[22m");
  output.write("\n");
}

/** `--list-tools`: each enabled server and its tools; with none, how to enable them. */
export async function listTools(
  io: Io,
  options: Options,
  settings: Settings,
  role: Role | undefined,
  secrets: Secrets,
): Promise<number> {
  const servers = toolServersOf(options.tools, settings, role);
  if (servers.length === 0) {
    const declared = settings.file?.mcp.map((each) => each.name) ?? [];
    io.stderr.write(
      declared.length
        ? `no tools are enabled: give -T NAME or -T all (${
          settings.file!.path
        } declares ${declared.join(", ")})\n`
        : "no tools are declared: add an [mcp.NAME] server to the config " +
          "file (see the README), then give -T NAME\n",
    );
    return EXIT.usage;
  }
  await using tools = await startTools(
    io,
    options,
    settings,
    servers,
    secrets,
  );
  io.stdout.write(tools.box.listing());
  return EXIT.ok;
}
