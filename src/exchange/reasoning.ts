/**
 * A reasoning model's thinking, which it sends beside the answer: shown on
 * stderr, dimmed, so that stdout stays the answer alone.
 *
 * @module
 */
import { type Output, style } from "../io/io.ts";

/**
 * The fields reasoning arrives in: DeepSeek's and llama.cpp's
 * `reasoning_content`, OpenRouter's and Ollama's `reasoning`.
 */
const FIELDS = ["reasoning_content", "reasoning"] as const;

/**
 * The reasoning text of a streamed `delta` or a `message`, from either field
 * name; `""` when it has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reasoningOf } from "./reasoning.ts";
 * assert.equal(reasoningOf({ reasoning_content: "Let me think" }), "Let me think");
 * assert.equal(reasoningOf({ content: "Paris", reasoning: null }), "");
 * ```
 */
export function reasoningOf(part: unknown): string {
  if (typeof part !== "object" || part === null) return "";
  const record = part as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = record[field];
    if (typeof value === "string" && value !== "") return value;
  }
  return "";
}

/**
 * Whether to show reasoning: the flag when given (`--reasoning` is `true`,
 * `--no-reasoning` is `false`), else whether stderr is a terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showReasoning } from "./reasoning.ts";
 * assert.equal(showReasoning(undefined, true), true);
 * assert.equal(showReasoning(false, true), false);
 * ```
 */
export function showReasoning(
  flag: boolean | undefined,
  stderrIsTerminal: boolean,
): boolean {
  return flag ?? stderrIsTerminal;
}

/** ANSI "faint" on, and "normal intensity" that turns it off. */
const DIM = "\x1b[2m";
const UNDIM = "\x1b[22m";

/**
 * Writes reasoning to an output, dimmed unless `color` is `false` (pass
 * `false` when `NO_COLOR` is set), and closes it off from the answer:
 * `end()` ends the dim block, the line and adds a blank line, once, and only
 * if something was written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReasoningPrinter } from "./reasoning.ts";
 * let text = "";
 * const printer = new ReasoningPrinter({ write: (t) => text += t }, { color: false });
 * printer.write("Paris is the capital.");
 * printer.end();
 * printer.end();
 * assert.equal(text, "Paris is the capital.\n\n");
 * ```
 */
export class ReasoningPrinter {
  readonly #out: Output;
  readonly #color: boolean;
  #open = false;
  #lastChar = "\n";
  #broken = false;

  constructor(out: Output, options: { color?: boolean } = {}) {
    this.#out = out;
    this.#color = options.color ?? true;
  }

  /**
   * Writes a piece of reasoning; the first opens the dim block. When stderr
   * cannot be written (its reader went away), the reasoning stops there and
   * the answer goes on.
   */
  write(text: string): void {
    if (text === "" || this.#broken) return;
    this.#try(() => {
      if (!this.#open && this.#color) style(this.#out, DIM);
      this.#open = true;
      this.#lastChar = text[text.length - 1];
      this.#out.write(text);
    });
  }

  /** Closes the block with a blank line if anything was written. */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#try(() => {
      if (this.#color) style(this.#out, UNDIM);
      this.#out.write(this.#lastChar === "\n" ? "\n" : "\n\n");
    });
    this.#lastChar = "\n";
  }

  #try(write: () => void): void {
    if (this.#broken) return;
    try {
      write();
    } catch {
      this.#broken = true; // only the reasoning stops
    }
  }
}
