/**
 * Nothing a server sends may act on the user's terminal: its text is shown
 * with every control character made visible (an escape as `␛`, a bell as
 * `␇`), but for line breaks and tabs. The program's own styling (dim
 * reasoning) goes through {@linkcode Output.style}, which is not filtered.
 *
 * @module
 */
import { batch, type Output } from "./io.ts";

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
 * The characters that show as nothing, or as a plain space, though they are
 * not one: format characters (zero-width, bidirectional controls, tags),
 * spaces other than U+0020 and the line and paragraph separators, blank
 * braille, the Hangul fillers, variation selectors and the combining
 * grapheme joiner, the invisible Khmer vowels and Mongolian selectors,
 * surrogates alone, private-use and unassigned code points.
 */
const HIDDEN =
  /(?! )[\p{Cf}\p{Zs}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/gu;

/**
 * `text` as {@linkcode visible} shows it, and every character that would
 * show as nothing or pass for a space (but U+0020) as its code point,
 * `⟨U+2800⟩`: what a user must read exactly (a tool call they are asked
 * about) hides nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { revealed } from "./terminal.ts";
 * assert.equal(revealed("a\u2800b\u200bc\u202e\x1b d"), "a⟨U+2800⟩b⟨U+200B⟩c⟨U+202E⟩␛ d");
 * assert.equal(revealed("\u00a0é 最高裁"), "⟨U+00A0⟩é 最高裁");
 * ```
 */
export function revealed(text: string): string {
  return visible(text).replace(
    HIDDEN,
    (char) =>
      `⟨U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟩`,
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
    batch: (writes) => batch(output, writes),
  };
}

/** The variables that tell a terminal that takes OSC 8 hyperlinks, or re-wraps. */
export const TERMINAL_ENV_VARIABLES = [
  "TERM",
  "TERM_PROGRAM",
  "VTE_VERSION",
  "WT_SESSION",
] as const;

/**
 * Whether the terminal the environment describes shows OSC 8 hyperlinks
 * (others would print them as text): iTerm2, WezTerm, VS Code, Ghostty,
 * Hyper, Tabby, Windows Terminal, VTE 0.50 or later (GNOME Terminal and
 * kin), kitty, foot and Alacritty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { takesHyperlinks } from "./terminal.ts";
 * assert.equal(takesHyperlinks((name) => ({ TERM_PROGRAM: "WezTerm" })[name]), true);
 * assert.equal(takesHyperlinks((name) => ({ TERM: "xterm-256color" })[name]), false);
 * ```
 */
export function takesHyperlinks(
  env: (name: string) => string | undefined,
): boolean {
  const read = reader(env);
  const program = read("TERM_PROGRAM") ?? "";
  if (
    ["iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby"].includes(
      program,
    )
  ) return true;
  if (read("WT_SESSION")) return true;
  if (Number(read("VTE_VERSION") ?? 0) >= 5000) return true;
  return /^(xterm-kitty|xterm-ghostty|foot|alacritty)/.test(read("TERM") ?? "");
}

/**
 * Whether the terminal the environment describes re-wraps its rows to a new
 * width when its window is resized (a row wider than the window takes more
 * rows): tmux, iTerm2, Apple's Terminal, WezTerm, VS Code, Ghostty, Hyper,
 * Tabby, Windows Terminal, the VTE terminals, kitty, foot and Alacritty.
 * Others (xterm, the Linux console) are taken to keep each row on one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rewrapsOnResize } from "./terminal.ts";
 * assert.equal(rewrapsOnResize((name) => ({ TERM: "tmux-256color" })[name]), true);
 * assert.equal(rewrapsOnResize((name) => ({ TERM: "xterm-256color" })[name]), false);
 * ```
 */
export function rewrapsOnResize(
  env: (name: string) => string | undefined,
): boolean {
  const read = reader(env);
  const program = read("TERM_PROGRAM") ?? "";
  if (
    [
      "tmux",
      "iTerm.app",
      "Apple_Terminal",
      "WezTerm",
      "vscode",
      "ghostty",
      "Hyper",
      "Tabby",
    ].includes(program)
  ) return true;
  if (read("WT_SESSION") || read("VTE_VERSION")) return true;
  return /^(tmux|xterm-kitty|xterm-ghostty|foot|alacritty)/.test(
    read("TERM") ?? "",
  );
}

/** Reads the terminal's variables; one not granted reads as unset. */
function reader(env: (name: string) => string | undefined) {
  return (name: (typeof TERMINAL_ENV_VARIABLES)[number]) => {
    try {
      return env(name);
    } catch {
      return undefined; // not granted
    }
  };
}
