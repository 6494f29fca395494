/**
 * The clipboard, through the terminal (OSC 52): what `/copy` and `-e`'s `c`
 * put there. No program runs and no permission is needed; a terminal that
 * does not take OSC 52 ignores it.
 *
 * @module
 */
import { type Io, style } from "../io/io.ts";
import { clipboardText } from "./code_blocks.ts";

/**
 * Puts `text` on the clipboard through the terminal (stdout's, else
 * stderr's), every control character but tabs and line breaks made visible
 * first (an escape could end a bracketed paste where it is pasted, and run
 * what follows), and says so of `what`; or says why it could not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyThroughTerminal } from "./clipboard.ts";
 * let shown = "";
 * const terminal = { write: (text: string) => void (shown += text) };
 * const io = { stdout: terminal, stderr: terminal, stdoutIsTerminal: true, stderrIsTerminal: true };
 * assert.equal(
 *   copyThroughTerminal(io, "ls -la", "the command"),
 *   "copied the command (1 line) to the clipboard, through the terminal (OSC 52)",
 * );
 * assert.equal(shown, "\x1b]52;c;bHMgLWxh\x07");
 * ```
 */
export function copyThroughTerminal(
  io: Pick<Io, "stdout" | "stderr" | "stdoutIsTerminal" | "stderrIsTerminal">,
  text: string,
  what: string,
): string {
  const terminal = io.stdoutIsTerminal
    ? io.stdout
    : io.stderrIsTerminal
    ? io.stderr
    : undefined;
  if (terminal === undefined) {
    return "copying needs a terminal: it goes through OSC 52";
  }
  const { text: copied, replaced } = clipboardText(text);
  const bytes = new TextEncoder().encode(copied);
  style(terminal, `\x1b]52;c;${bytes.toBase64()}\x07`);
  const lines = copied.split("\n").length - (copied.endsWith("\n") ? 1 : 0);
  return `copied ${what} (${lines} ${
    lines === 1 ? "line" : "lines"
  }) to the clipboard, through the terminal (OSC 52)${
    replaced
      ? `, with ${replaced} control ${
        replaced === 1 ? "character" : "characters"
      } made visible (␛)`
      : ""
  }`;
}
