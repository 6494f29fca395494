/**
 * Asks gpt-4o a question through any OpenAI-compatible API and prints the
 * answer: a Deno port of gpt4free's `text_completions_demo_async.py`.
 *
 * ```sh
 * deno task start                          # the seed's question
 * deno task start --stream "Why is the sky blue?"
 * ```
 *
 * @module
 */
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { answerOf, stopNote, usageLine } from "./src/answer.ts";
import { loadConfig, secretsOf } from "./src/config.ts";
import project from "./deno.json" with { type: "json" };
import {
  describeFailure,
  EXIT,
  InterruptedError,
  type RequestContext,
} from "./src/errors.ts";
import { serverFetch } from "./src/fetch.ts";
import { IdleTimeout } from "./src/idle.ts";
import { BufferedOutput, denoIo, type Io } from "./src/io.ts";
import { DEFAULT_QUESTION, parseOptions, USAGE } from "./src/options.ts";
import { maskedOutput, Secrets } from "./src/redact.ts";
import { printStream } from "./src/stream.ts";

/** Runs the program once and returns its exit code. */
export async function main(io: Io): Promise<number> {
  const request = new AbortController();
  const secrets = new Secrets(); // masked in all output, answers included
  const stderr = maskedOutput(io.stderr, secrets);
  // A reader that goes away, or a full disk, stops the request at once.
  const stdout = maskedOutput(io.stdout, secrets);
  const answer = new BufferedOutput(stdout, undefined, (error) => {
    request.abort(error);
  });
  let context: RequestContext | undefined;
  try {
    const options = parseOptions(io.args);
    if (options.help) return print(io, USAGE);
    if (options.version) return print(io, `${project.version}\n`);
    const config = await loadConfig(io);
    secrets.add(...secretsOf(config, io.env));
    context = { model: options.model, baseURL: config.baseURL };
    const prompt = joinPrompt(options.prompt, await io.stdin());

    using idle = new IdleTimeout(options.timeoutSeconds, request);
    using _ = io.onInterrupt((signal) =>
      request.abort(new InterruptedError(signal))
    );
    const client = new OpenAI({
      ...config,
      adminAPIKey: null,
      webhookSecret: null,
      logLevel: "off",
      fetch: idle.wrap(serverFetch(io.fetch, request)),
    });
    const messages: ChatCompletionMessageParam[] = [
      { role: "system", content: options.system },
      { role: "user", content: prompt },
    ];
    const { signal } = request;
    const started = performance.now();

    let completion;
    if (options.stream) {
      const stream = await client.chat.completions.create({
        model: options.model,
        messages,
        stream: true,
        ...(options.verbose || options.json
          ? { stream_options: { include_usage: true } }
          : {}),
      }, { signal });
      completion = await printStream(stream, answer, {
        keepText: options.json,
        signal,
      });
    } else {
      completion = await client.chat.completions.create({
        model: options.model,
        messages,
      }, { signal });
    }

    // --json prints what the server returned, then fails as without it.
    if (options.json) answer.write(asJSON(completion));
    const text = answerOf(completion, { streamed: options.stream });
    if (!options.stream && !options.json) answer.write(text);
    answer.endLine();
    const note = stopNote(completion.choices[0]?.finish_reason);
    if (note) stderr.write(`${note}\n`);
    if (options.verbose) {
      const line = usageLine(completion, performance.now() - started);
      stderr.write(`${line}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    const failure = describeFailure(request.signal.reason ?? error, context);
    try {
      answer.endLine();
      if (failure.message) stderr.write(`${failure.message}\n`);
    } catch {
      return failure.exitCode || EXIT.failed; // stdout or stderr is unusable
    }
    return failure.exitCode;
  }
}

/** The prompt words and piped text, or the seed's question when both are empty. */
function joinPrompt(words: string, piped: string | undefined): string {
  const parts = [words.trim(), piped?.trim() ?? ""].filter(Boolean);
  return parts.length ? parts.join("\n\n") : DEFAULT_QUESTION;
}

/** A completion as JSON; a body that was not JSON as it came. */
function asJSON(completion: unknown): string {
  return typeof completion === "string"
    ? completion
    : JSON.stringify(completion, null, 2);
}

function print(io: Io, text: string): number {
  io.stdout.write(text);
  return EXIT.ok;
}

if (import.meta.main) {
  Deno.exit(await main(denoIo()));
}
