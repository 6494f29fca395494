/**
 * The user's lines for `--chat`, read with the runtime's `node:readline`: at
 * a terminal with a prompt, line editing and the arrow keys; from a pipe one
 * line after another.
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
  const [{ createInterface }, { default: process }] = await Promise.all([
    import("node:readline"),
    import("node:process"),
  ]);
  return { createInterface, process };
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
      const { createInterface, process } = await node();
      if (closed) return undefined;
      const rl = current = createInterface({
        input: process.stdin,
        output: process.stdout,
        terminal: true,
        history,
        historySize: 1000,
        removeHistoryDuplicates: true,
      });
      return await new Promise<string | undefined>((resolve) => {
        let answered = false;
        rl.on("line", (line) => {
          answered = true;
          resolve(line);
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
