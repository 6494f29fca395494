/**
 * Where one answer goes: its text to stdout as it arrives, a reasoning
 * model's thinking to stderr, the whole completion as JSON for `--json`, and
 * the text as far as it got, kept for the history.
 *
 * @module
 */
import { answerOf } from "./answer.ts";
import { BufferedOutput, type Io, type Output, style } from "../io/io.ts";
import { reasoningOf, ReasoningPrinter } from "./reasoning.ts";
import { Activity, type Timer } from "./activity.ts";

/**
 * The most of an answer's text kept for the history, in characters: more
 * than any model takes back in a follow-up, and memory stays flat beyond it.
 */
export const KEPT_LIMIT = 4 * 1024 * 1024;

/** How to show an answer. */
export interface ScreenOptions {
  /** Print the whole completion as JSON instead of the text. */
  json: boolean;
  /** Show a reasoning model's thinking on stderr. */
  reasoning: boolean;
  /**
   * Shows the text rendered (markdown on a terminal): the renderer over the
   * given output. Without it, the text is printed as it came.
   */
  render?: (out: Output) => Output & { end(): void };
  /** Print nothing as it arrives: the caller prints a part of the text at the end (`-x`). */
  quiet?: boolean;
  /**
   * A spinner on stderr until the answer begins (see {@linkcode Activity}),
   * its timer given for tests.
   */
  activity?: { timer?: Timer };
}

/**
 * Shows one answer. Text written to it reaches stdout once per turn of the
 * event loop (see {@linkcode BufferedOutput}); a write that fails there goes
 * to `onError`, which stops the request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AnswerScreen } from "./screen.ts";
 * let stdout = "";
 * const io = {
 *   stdout: { write: (text: string) => void (stdout += text) },
 *   stderr: { write: () => {} },
 *   noColor: true,
 *   stderrIsTerminal: false,
 * };
 * const screen = new AnswerScreen(io, { json: false, reasoning: false }, () => {});
 * screen.write("Paris");
 * screen.write(".");
 * screen.end();
 * assert.equal(stdout, "Paris.\n");
 * assert.equal(screen.text, "Paris.");
 * ```
 */
export class AnswerScreen implements Output, Disposable {
  /** Where a reasoning model's thinking goes, when it is shown. */
  readonly reasoning: ReasoningPrinter | undefined;
  readonly #stdout: BufferedOutput;
  /** Where the answer's text goes: stdout, through the renderer if there is one. */
  readonly #text: (Output & { end?(): void }) | undefined;
  readonly #json: boolean;
  readonly #activity: Activity | undefined;
  #kept = "";
  #dropped = 0;

  constructor(
    io: Pick<Io, "stdout" | "stderr" | "noColor" | "stderrIsTerminal">,
    { json, reasoning, render, quiet = false, activity }: ScreenOptions,
    onError: (error: unknown) => void,
  ) {
    this.#activity = activity &&
      new Activity(io.stderr, { color: !io.noColor, ...activity });
    this.#stdout = new BufferedOutput(io.stdout, undefined, onError);
    this.#text = json || quiet
      ? undefined
      : render
      ? render(this.#stdout)
      : this.#stdout;
    this.#json = json;
    // The thinking shown is the answer beginning: the spinner goes first.
    const stderr: Output = {
      write: (text) => {
        this.stopActivity();
        io.stderr.write(text);
      },
      style: (code) => {
        this.stopActivity();
        style(io.stderr, code);
      },
    };
    // Dimmed only on a terminal: into a file, the thinking alone.
    this.reasoning = reasoning && !json
      ? new ReasoningPrinter(stderr, {
        color: io.stderrIsTerminal && !io.noColor,
      })
      : undefined;
  }

  /**
   * The answer's text as far as it got, for the history: past
   * {@linkcode KEPT_LIMIT} characters, a note of how many more were printed.
   */
  get text(): string {
    return this.#dropped
      ? `${this.#kept}\n[${this.#dropped} more characters were printed, not saved]`
      : this.#kept;
  }

  /** Stops the spinner, erasing it: the answer, or something else, is to be shown. */
  stopActivity(): void {
    this.#activity?.stop();
  }

  /** A piece of the answer's text. */
  write(text: string): void {
    this.stopActivity();
    const room = KEPT_LIMIT - this.#kept.length;
    if (text.length <= room) this.#kept += text;
    else {
      this.#kept += text.slice(0, room);
      this.#dropped += text.length - room;
    }
    this.#text?.write(text);
  }

  /**
   * Shows a whole completion: as it came with `--json` (or `shown`, what
   * the server sent when that was no chat completion: a Responses API
   * response); otherwise its reasoning and text, unless they were
   * `streamed` already.
   *
   * @throws {AnswerError} when the completion holds no answer (after
   * printing it with `--json`, so the exit code is the same either way).
   */
  complete(
    completion: unknown,
    { streamed, shown = completion }: { streamed: boolean; shown?: unknown },
  ): void {
    this.stopActivity();
    if (this.#json) this.#stdout.write(asJSON(shown));
    if (!streamed) {
      const choices = (completion as { choices?: { message?: unknown }[] })
        ?.choices;
      this.reasoning?.write(reasoningOf(choices?.[0]?.message));
    }
    const text = answerOf(completion, { streamed });
    if (!streamed) {
      this.reasoning?.end();
      this.write(text);
    }
  }

  /** Ends the reasoning block, the rendering and the answer's line, and writes what waits. */
  end(): void {
    this.stopActivity();
    this.reasoning?.end();
    this.#text?.end?.();
    if (this.#text || this.#json) this.#stdout.endLine();
  }

  /** Prints `text` as it is, past everything the answer showed (`-x`'s code block). */
  print(text: string): void {
    this.#stdout.write(text);
    this.#stdout.flush();
  }

  /** Stops the spinner. */
  [Symbol.dispose](): void {
    this.stopActivity();
  }
}

/** A completion as JSON; a body that was not JSON as it came. */
function asJSON(completion: unknown): string {
  return typeof completion === "string"
    ? completion
    : JSON.stringify(completion, null, 2);
}
