/**
 * Command-line options, parsed with `node:util`'s `parseArgs`.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** The seed demo's model. */
export const DEFAULT_MODEL = "gpt-4o";
/** The seed demo's system message. */
export const DEFAULT_SYSTEM = "You are a helpful assistant.";
/** The seed demo's question, asked when no prompt is given. */
export const DEFAULT_QUESTION =
  "how does a court case get to the Supreme Court?";
/** Seconds without data from the server before the program gives up. */
export const DEFAULT_TIMEOUT_SECONDS = 120;

/** Usage text printed by `--help`. */
export const USAGE = `Ask a chat model a question and print the answer.

Usage: deno task start [options] [prompt...]

The prompt is the arguments joined by spaces; text piped to stdin is appended
after a blank line. With neither, it asks "${DEFAULT_QUESTION}"

Options:
  -m, --model <id>         model (default ${DEFAULT_MODEL})
  -s, --system <text>      system message (default "${DEFAULT_SYSTEM}")
      --stream             print the answer as it arrives
      --json               print the whole completion as JSON instead of the text
      --timeout <seconds>  give up when no data arrives for this long (default ${DEFAULT_TIMEOUT_SECONDS})
  -v, --verbose            model, token usage and latency on stderr
  -h, --help               show this help
      --version            show the version

Environment (also read from ./.env, which never overrides a set variable):
  OPENAI_API_KEY           API key; not needed when OPENAI_BASE_URL is set
  OPENAI_BASE_URL          any OpenAI-compatible API (default https://api.openai.com/v1)

Exit codes: 0 answered (or the reader of stdout went away), 1 request,
response or output failed, 2 usage or configuration error, 130 interrupted
(Ctrl-C), 143 SIGTERM, 129 SIGHUP.
`;

/** What the command line asks for. */
export interface Options {
  model: string;
  system: string;
  stream: boolean;
  json: boolean;
  timeoutSeconds: number;
  verbose: boolean;
  help: boolean;
  version: boolean;
  /** The prompt words, joined by spaces; empty when none were given. */
  prompt: string;
}

/** A command line that cannot be run; its message names the problem. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Parses command-line arguments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptions } from "./options.ts";
 * const options = parseOptions(["--stream", "-m", "gpt-4o-mini", "Hi"]);
 * assert.deepEqual([options.stream, options.model, options.prompt], [
 *   true,
 *   "gpt-4o-mini",
 *   "Hi",
 * ]);
 * ```
 *
 * @throws {UsageError} for an unknown option, a missing value or a bad timeout.
 */
export function parseOptions(args: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: "string", short: "m", default: DEFAULT_MODEL },
        system: { type: "string", short: "s", default: DEFAULT_SYSTEM },
        stream: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        timeout: { type: "string" },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const { values, positionals } = parsed;
  return {
    model: values.model,
    system: values.system,
    stream: values.stream,
    json: values.json,
    timeoutSeconds: parseTimeout(values.timeout),
    verbose: values.verbose,
    help: values.help,
    version: values.version,
    prompt: positionals.join(" "),
  };
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `--timeout takes a positive number of seconds, not "${text}"`,
    );
  }
  return seconds;
}

/** Turns parseArgs' messages into one short sentence without advice on `--`. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const option = message.match(/'([^']+)'/)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (message.includes("does not take an argument")) {
        return `${option} takes no value`;
      }
      if (message.includes("ambiguous")) {
        const long = message.match(/'(--[\w-]+)=-XYZ'/)?.[1] ?? option;
        return `${option} needs a value; write ${long}=VALUE for one that starts with "-"`;
      }
      return `${option.replace(" <value>", "")} needs a value`;
    default:
      return message;
  }
}
