/**
 * The user's lines for `--chat`, read with the runtime's `node:readline`: at
 * a terminal with a prompt, line editing, the arrow keys and bracketed paste
 * (several pasted lines stay one message); from a pipe one line after
 * another.
 *
 * @module
 */
import type { Interface } from "node:readline";
import type { LineReader } from "./io.ts";

/**
 * `node:readline` and `node:process`, loaded on first use: only `--chat`
 * needs them, and loading them costs every run a few milliseconds.
 */
async function node() {
  const [{ createInterface }, { default: process }, { Transform }] =
    await Promise
      .all([
        import("node:readline"),
        import("node:process"),
        import("node:stream"),
      ]);
  return { createInterface, process, Transform };
}

/** How a line break inside a paste shows at the prompt, until it is sent. */
export const PASTED_NEWLINE = "\u21b5";

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

/**
 * Decodes what a terminal in bracketed-paste mode sends: the markers around
 * a paste are removed and the line breaks inside it become
 * {@linkcode PASTED_NEWLINE}, so that readline takes the paste as part of one
 * line. A marker split across reads is held back until it is whole. A NUL
 * is dropped: a Ctrl-D typed while the terminal was in its usual mode (an
 * answer streaming) reaches the next prompt as one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PasteDecoder, PASTED_NEWLINE } from "./lines.ts";
 * const decoder = new PasteDecoder();
 * assert.equal(decoder.decode("\x1b[200~one\ntwo\x1b[2"), `one${PASTED_NEWLINE}two`);
 * assert.equal(decoder.decode("01~!\r"), "!\r");
 * ```
 */
export class PasteDecoder {
  #pasting = false;
  #held = "";

  /** The text to hand to readline for the next piece of input. */
  decode(input: string): string {
    // A NUL is what a Ctrl-D typed while an answer streamed turns into.
    let text = this.#held + input.replaceAll("\0", "");
    let out = "";
    this.#held = "";
    while (text) {
      const marker = this.#pasting ? PASTE_END : PASTE_START;
      const at = text.indexOf(marker);
      const end = at >= 0 ? at : text.length - partialMarker(text, marker);
      const part = text.slice(0, end);
      out += this.#pasting ? part.replace(/\r\n|\r|\n/g, PASTED_NEWLINE) : part;
      if (at < 0) {
        this.#held = text.slice(end);
        break;
      }
      this.#pasting = !this.#pasting;
      text = text.slice(at + marker.length);
    }
    return out;
  }
}

/** How many characters at the end of `text` could begin `marker`. */
function partialMarker(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (marker.startsWith(text.slice(-n))) return n;
  }
  return 0;
}

/**
 * Reads lines typed at the terminal. Each read opens a readline interface and
 * closes it once the line is in, so the terminal is back in its usual mode
 * while an answer streams (and Ctrl-C then interrupts the answer). The lines
 * typed so far are kept for the Up arrow. Ctrl-C at the prompt clears the line;
 * Ctrl-D on an empty line ends the input, and so does disposing of the reader.
 */
export function terminalLines(): LineReader {
  const history: string[] = [];
  let current: Interface | undefined;
  let closed = false;
  return {
    interactive: true,
    async read(prompt) {
      const { createInterface, process, Transform } = await node();
      if (closed) return undefined;
      const paste = new PasteDecoder();
      const utf8 = new TextDecoder(); // a character may span two reads
      const input = new Transform({
        transform: (chunk, _, done) =>
          done(null, paste.decode(utf8.decode(chunk, { stream: true }))),
      });
      process.stdin.setRawMode(true);
      process.stdin.pipe(input);
      process.stdout.write("\x1b[?2004h"); // bracketed paste on
      const rl = current = createInterface({
        input,
        output: process.stdout,
        terminal: true,
        history,
        historySize: 1000,
        removeHistoryDuplicates: true,
      });
      try {
        return await new Promise<string | undefined>((resolve) => {
          let answered = false;
          rl.on("line", (line) => {
            answered = true;
            resolve(line.replaceAll(PASTED_NEWLINE, "\n"));
            rl.close();
          });
          rl.on("close", () => {
            current = undefined;
            if (answered) return;
            process.stdout.write("\n");
            resolve(undefined);
          });
          rl.on("SIGINT", () => {
            // Clears the line, as a shell does, and shows the prompt again.
            rl.write(null, { ctrl: true, name: "e" });
            rl.write(null, { ctrl: true, name: "u" });
            process.stdout.write("^C\n");
            rl.prompt();
          });
          rl.setPrompt(prompt);
          rl.prompt();
        });
      } finally {
        // The terminal as it was, so that Ctrl-C interrupts the answer.
        process.stdout.write("\x1b[?2004l");
        process.stdin.unpipe(input);
        process.stdin.setRawMode(false);
        process.stdin.pause();
      }
    },
    [Symbol.dispose]() {
      closed = true;
      current?.close();
    },
  };
}

/**
 * Reads the lines of a stream one after another, without a prompt: every
 * line is one user turn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Readable } from "node:stream";
 * import { pipedLines } from "./lines.ts";
 * using lines = pipedLines(Readable.from(["Hi\nHow are", " you?\n"]));
 * assert.equal(await lines.read("> "), "Hi");
 * assert.equal(await lines.read("> "), "How are you?");
 * assert.equal(await lines.read("> "), undefined);
 * ```
 */
export function pipedLines(input?: NodeJS.ReadableStream): LineReader {
  let lines: Promise<{ rl: Interface; iterator: AsyncIterator<string> }>;
  return {
    interactive: false,
    async read() {
      lines ??= node().then(({ createInterface, process }) => {
        const rl = createInterface({
          input: input ?? process.stdin,
          terminal: false,
          crlfDelay: Infinity,
        });
        return { rl, iterator: rl[Symbol.asyncIterator]() };
      });
      const next = await (await lines).iterator.next();
      return next.done ? undefined : next.value;
    },
    [Symbol.dispose]() {
      lines?.then(({ rl }) => rl.close());
    },
  };
}
