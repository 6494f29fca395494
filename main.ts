/**
 * Asks gpt-4o a question through any OpenAI-compatible API and prints the
 * answer: a Deno port of gpt4free's `text_completions_demo_async.py`.
 *
 * ```sh
 * deno task start                          # the demo's question
 * deno task start --stream "Why is the sky blue?"
 * deno task chat                           # a conversation at the terminal
 * ```
 *
 * @module
 */
import OpenAI from "openai";
import { stopNote, verboseLine } from "./src/exchange/answer.ts";
import { costOf } from "./src/exchange/cost.ts";
import { loadVariables } from "./src/config/connection.ts";
import project from "./deno.json" with { type: "json" };
import {
  describeFailure,
  EXIT,
  fallbackReason,
  InterruptedError,
} from "./src/errors.ts";
import { serverFetch, watchHeaders } from "./src/exchange/fetch.ts";
import { IdleTimeout } from "./src/exchange/idle.ts";
import { denoIo, type Io } from "./src/io/io.ts";
import { parseOptions, USAGE } from "./src/cli/options.ts";
import { isCompleteCall } from "./src/cli/completion_options.ts";
import { maskedOutput, Secrets } from "./src/io/redact.ts";
import { printStream } from "./src/exchange/stream.ts";
import { otherApiFor } from "./src/exchange/api_errors.ts";
import { type Entry, run } from "./src/run/run.ts";
import {
  contextOf,
  type ListedModel,
  outcomeOf,
  type Reply,
  type Request,
} from "./src/exchange/request.ts";
import type { Target } from "./src/config/plan.ts";
import type { JsonSchemaRequest } from "./src/exchange/schema.ts";
import type { ToolMessage } from "./src/history/conversation.ts";
import { AnswerScreen } from "./src/exchange/screen.ts";
import { configPath, loadConfigFile } from "./src/config/file.ts";
import { secretsOf, settingsOf } from "./src/config/plan.ts";
import { terminalOutput } from "./src/io/terminal.ts";
import { askForWhatIsLacking } from "./src/launch/prompts.ts";

/**
 * The demo itself: one awaited `client.chat.completions.create`, the
 * answer's content printed. Returns how it ended, to be saved.
 */
export async function ask(io: Io, request: Request): Promise<Reply> {
  const { messages, stream, target } = request;
  const { connection, model } = target;
  const abort = new AbortController();
  // Markdown is rendered on a terminal; its parser loads only then.
  const markdown = request.render && await import("./src/render/markdown.ts");
  // A reader that goes away, or a full disk, stops the request at once.
  using screen = new AnswerScreen(io, {
    json: request.json,
    reasoning: request.reasoning,
    ...(markdown
      ? { render: (out) => new markdown.MarkdownStream(out, request.render!) }
      : {}),
    // -x and --schema print what they take from the answer once it is in.
    quiet: request.quiet || request.extract !== undefined ||
      request.schema !== undefined,
    ...(request.activity ? { activity: {} } : {}),
  }, (error) => abort.abort(error));
  let served = target.provider; // g4f.space names it in X-Provider
  const started = performance.now();
  const toolMessages: ToolMessage[] = [];
  // While the server thinks, the renderer compiles what it will need.
  using _warm = markdown ? markdown.warmUp() : undefined;
  try {
    using idle = new IdleTimeout(request.timeoutSeconds, abort);
    using _ = io.onInterrupt((signal) =>
      abort.abort(new InterruptedError(signal))
    );
    const client = new OpenAI({
      ...connection,
      // Every setting is given here, so the SDK's constructor reads no
      // environment variable but OPENAI_CUSTOM_HEADERS.
      adminAPIKey: null,
      webhookSecret: null,
      logLevel: "off",
      // A refused connection is not retried when another target follows.
      fetch: watchHeaders(
        idle.wrap(
          serverFetch(request.inline?.wrap(io.fetch) ?? io.fetch, abort, {
            fallback: request.fallback,
          }),
        ),
        (h) => void (served = h.get("x-provider") ?? served),
      ),
    });
    const { signal } = abort;

    let completion;
    let response; // what the Responses API sent, which --json prints
    let responses; // its module, loaded only for it
    // With tools (-T), the model may call them before it answers: each
    // round's calls are answered and the messages sent again.
    for (let round = 0;; round++) {
      const sent = [...messages, ...toolMessages];
      if (request.api === "responses") {
        // The same exchange through OpenAI's Responses API, loaded only then.
        responses ??= await import("./src/exchange/responses.ts");
        ({ completion, response } = await responses.respond(
          client,
          request,
          sent,
          screen,
          signal,
        ));
      } else if (!stream) {
        completion = await client.chat.completions.create({
          model,
          messages: sent,
          ...request.fields,
        }, { signal });
      } else {
        const chunks = await client.chat.completions.create({
          model,
          messages: sent,
          stream: true,
          ...request.fields,
          // The tokens come in a last chunk: kept with the exchange.
          stream_options: { include_usage: true },
        }, { signal });
        completion = await printStream(chunks, screen, {
          keepText: request.json,
          signal,
          reasoning: screen.reasoning,
        });
      }
      const message = completion.choices?.[0]?.message;
      if (!request.tools || !message?.tool_calls?.length) break;
      screen.stopActivity(); // the tools ask and tell on the terminal
      const answered = await request.tools.answer(message, round, signal);
      // Through Responses, the model's reasoning goes back with its calls.
      responses?.carryReasoning(message, answered);
      toolMessages.push(...answered);
    }
    if (request.json && toolMessages.length) {
      completion = { ...completion, tool_messages: toolMessages };
      if (response) response = { ...response, tool_messages: toolMessages };
    }
    screen.complete(completion, {
      streamed: stream,
      ...(response === undefined ? {} : { shown: response }),
    });
    screen.end();
    const extracted = request.extract
      ? await extract(screen, request.extract, io.stderr)
      : request.schema
      ? await checked(screen, request.schema, io.stderr, !request.json)
      : true;

    const finishReason = completion.choices[0]?.finish_reason;
    const note = stopNote(finishReason);
    const ms = performance.now() - started;
    try {
      if (note) io.stderr.write(`${note}\n`);
      if (request.verbose) {
        io.stderr.write(
          `${
            verboseLine(
              { provider: served, ...completion },
              ms,
              costOf(completion.usage, request.price),
            )
          }\n`,
        );
      }
    } catch {
      // stderr's reader went away: the answer stands
    }
    return {
      exitCode: extracted ? EXIT.ok : EXIT.failed,
      answer: screen.text,
      outcome: outcomeOf(finishReason),
      usage: completion.usage,
      ...(toolMessages.length ? { toolMessages } : {}),
    };
  } catch (error) {
    // An aborted request throws the SDK's generic abort error; the abort's
    // reason says why it stopped: Ctrl-C, --timeout, or stdout gone.
    const reason = abort.signal.reason ?? error;
    const failure = describeFailure(reason, contextOf(target));
    // The provider cannot answer, and nothing is printed: ask the next one
    // (or through the other API, when the failure says it may answer).
    // Once a tool has run, the exchange is not started again elsewhere.
    const unseen = screen.text === "" && toolMessages.length === 0;
    const otherApi = request.switchApi && unseen
      ? otherApiFor(reason, request.api ?? "chat", model)
      : undefined;
    const elsewhere = request.fallback && unseen && !otherApi
      ? fallbackReason(reason)
      : undefined;
    if (elsewhere || otherApi) {
      return {
        exitCode: EXIT.failed,
        answer: "",
        outcome: "failed",
        error: failure.message,
        ...(otherApi ? { otherApi } : { fallBack: elsewhere }),
      };
    }
    try {
      screen.end();
      // One line, which may end with a suggestion (the nearest models).
      const line = failure.message && request.failureLine
        ? await request.failureLine(failure.message)
        : failure.message;
      if (line) io.stderr.write(`${line}\n`);
    } catch {
      failure.exitCode ||= EXIT.failed; // stdout or stderr is unusable
    }
    return {
      exitCode: failure.exitCode,
      answer: screen.text,
      outcome: outcomeOf(undefined, reason),
      error: failure.message,
      ...(toolMessages.length ? { toolMessages } : {}),
    };
  }
}

/**
 * `-x`: prints the answer's first (or last) fenced code block alone; `false`,
 * saying so, when it has none.
 */
async function extract(
  screen: AnswerScreen,
  which: "first" | "last",
  stderr: Io["stderr"],
): Promise<boolean> {
  const { codeBlocks } = await import("./src/render/code_blocks.ts");
  const blocks = codeBlocks(screen.text);
  const block = which === "first" ? blocks[0] : blocks.at(-1);
  if (block === undefined) {
    stderr.write(
      "the answer has no fenced code block to print (see it with --show)\n",
    );
    return false;
  }
  screen.print(block);
  return true;
}

/**
 * `--schema`: prints the answer (unless `print` is false) once it is JSON
 * that follows the schema; `false`, saying which property failed, when it
 * is not (many servers ignore `response_format`).
 */
async function checked(
  screen: AnswerScreen,
  schema: JsonSchemaRequest,
  stderr: Io["stderr"],
  print: boolean,
): Promise<boolean> {
  const { validateAnswer } = await import("./src/exchange/schema.ts");
  const result = validateAnswer(schema, screen.text);
  if (!result.ok) {
    stderr.write(`${result.message} (see it with --show)\n`);
    return false;
  }
  // With --json, the completion printed is the whole output.
  if (print) screen.print(screen.text.replace(/\n?$/, "\n"));
  return true;
}

/**
 * `--models`: the models the server lists (`GET /models`), each with the day
 * it retires where the server says.
 */
export async function models(
  io: Io,
  target: Target,
  { signal, maxRetries }: { signal?: AbortSignal; maxRetries?: number } = {},
): Promise<ListedModel[]> {
  const client = new OpenAI({
    ...target.connection,
    adminAPIKey: null,
    webhookSecret: null,
    logLevel: "off",
    fetch: serverFetch(io.fetch, new AbortController(), { fallback: false }),
  });
  // Read only for a listing: --models, /models, a model not served.
  const { listedModel } = await import("./src/run/models.ts");
  const listed: ListedModel[] = [];
  for await (
    const model of client.models.list({
      ...(signal ? { signal } : {}),
      ...(maxRetries === undefined ? {} : { maxRetries }),
    })
  ) listed.push(listedModel(model));
  return listed;
}

/**
 * Runs the program once and returns its exit code; `entry` says how it was
 * started (see {@linkcode Entry}).
 */
export async function main(io: Io, entry: Entry = "demo"): Promise<number> {
  // A shell's Tab asks `--complete KIND`: values or none, never a word more.
  if (isCompleteCall(io.args)) io = { ...io, stderr: { write() {} } };
  const secrets = new Secrets(); // masked in all output, answers included
  // Server text reaches a terminal made safe: stderr always, stdout when it
  // is one (a pipe or a file gets the answer's exact text).
  const masked: Io = {
    ...io,
    stdout: maskedOutput(
      io.stdoutIsTerminal ? terminalOutput(io.stdout) : io.stdout,
      secrets,
    ),
    stderr: maskedOutput(terminalOutput(io.stderr), secrets),
  };
  try {
    const options = parseOptions(io.args);
    if (options.help) return print(io, USAGE);
    if (options.version) return print(io, `${project.version}\n`);
    if (options.completion?.kind === "script") {
      const { completionScript } = await import("./src/cli/completions.ts");
      return print(io, completionScript(options.completion.shell));
    }
    const read = await loadVariables(io);
    // The config file's place comes from the environment alone: a .env may
    // not choose where providers are declared.
    const path = configPath(io.env);
    const { file, warnings } = path
      ? await loadConfigFile(io, path, {
        named: Boolean(io.env("GPT4O_CONFIG")?.trim()),
      })
      : { warnings: [] };
    for (const warning of warnings) masked.stderr.write(`${warning}\n`);
    const settings = settingsOf(read, file);
    secrets.add(...secretsOf(settings));
    return await run(
      masked,
      options,
      settings,
      { ask, models },
      secrets,
      entry,
    );
  } catch (error) {
    const failure = describeFailure(error);
    try {
      masked.stderr.write(`${failure.message}\n`);
    } catch {
      return failure.exitCode || EXIT.failed; // stderr is unusable
    }
    return failure.exitCode;
  }
}

function print(io: Io, text: string): number {
  io.stdout.write(text);
  return EXIT.ok;
}

if (import.meta.main) {
  // `deno run --allow-net main.ts` at a terminal: Deno asks for the rest.
  await askForWhatIsLacking(Deno.args);
  Deno.exit(await main(denoIo()));
}
