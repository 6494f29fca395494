/**
 * Nothing a server sends may act on the user's terminal: its text is shown
 * with every control character made visible (an escape as `␛`, a bell as
 * `␇`), but for line breaks and tabs. The program's own styling (dim
 * reasoning) goes through {@linkcode Output.style}, which is not filtered.
 *
 * @module
 */
import type { Output } from "./io.ts";

/**
 * `text` with C0 and C1 control characters and DEL made visible as their
 * Unicode control pictures (C1 as `�`), except `\n` and `\t`; a `\r` just
 * before `\n` is dropped, so CRLF text reads as lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { visible } from "./terminal.ts";
 * assert.equal(visible("\x1b]0;pwned\x07Hi\r\n\x1b[2J"), "␛]0;pwned␇Hi\n␛[2J");
 * assert.equal(visible("tab\there\n"), "tab\there\n");
 * ```
 */
export function visible(text: string): string {
  return text.replace(/\r(?=\n)/g, "").replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g,
    (char) => {
      const code = char.charCodeAt(0);
      return code < 0x20
        ? String.fromCharCode(0x2400 + code)
        : code === 0x7f
        ? "\u2421"
        : "\ufffd";
    },
  );
}

/**
 * An output for a terminal: what is written is shown with
 * {@linkcode visible}; what is styled goes as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalOutput } from "./terminal.ts";
 * let shown = "";
 * const out = terminalOutput({ write: (text) => void (shown += text) });
 * out.style?.("\x1b[2m");
 * out.write("thinking\x1b[8m");
 * assert.equal(shown, "\x1b[2mthinking␛[8m");
 * ```
 */
export function terminalOutput(output: Output): Output {
  return {
    write: (text) => output.write(visible(text)),
    style: (code) => output.write(code),
  };
}
