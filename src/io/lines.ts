/**
 * The user's lines for `--chat`, read with the runtime's `node:readline`: at
 * a terminal with a prompt, line editing, the arrow keys and bracketed paste
 * (several pasted lines stay one message); from a pipe one line after
 * another.
 *
 * @module
 */
import type { Interface } from "node:readline";

/** Reads what the user types, or the lines piped to stdin. */
export interface LineReader extends Disposable {
  /** Whether a person is typing at a terminal (then prompts are shown). */
  readonly interactive: boolean;
  /**
   * Shows `prompt` and resolves with the next line; `undefined` at the end of
   * input (Ctrl-D). Ctrl-C clears the line, unless `onInterrupt` is given:
   * then it is called, and the read resolves with `undefined`. An answer to
   * a question (`answer`: a tool call's consent) is no input: the Up arrow
   * does not recall it and it is not kept for the next session.
   */
  read(prompt: string, options?: ReadOptions): Promise<string | undefined>;
  /** Shows `text` after `prompt` as if it had been typed (at a terminal only). */
  echo?(prompt: string, text: string): Promise<void>;
  /**
   * Shows `prompt` and resolves with the next key pressed, at a terminal in
   * raw mode (no Enter needed): a character, or an escape sequence whole
   * (an arrow key); Enter is `"\r"`, Ctrl-C `"\x03"`, Ctrl-D `"\x04"`. Keys
   * typed before the prompt shows do not answer it; of a burst (a paste),
   * the first key answers and the rest are dropped. `undefined` at the end
   * of input.
   */
  key?(prompt: string): Promise<string | undefined>;
  /**
   * Lends the terminal to a program that runs in it: its usual mode back,
   * and nothing read from it until the next `read` or `key`. An answer to a
   * question (a key, or a line read with `answer`) already stops the
   * reading, so that what is typed next reaches the program.
   */
  release?(): void;
}

/** How one line is read. */
export interface ReadOptions {
  onInterrupt?: () => void;
  /** The line answers a question: it is not kept as an input. */
  answer?: boolean;
  /** Text the line begins with, to edit (at a terminal only). */
  prefill?: string;
}

/** What the chat's line reader keeps from one session to the next. */
export interface LinesOptions {
  /** Earlier inputs, newest first, for the Up arrow: read when the terminal is. */
  history?: () => string[];
  /** Each line as it is entered, to keep it. */
  onLine?(line: string): void;
}

/**
 * `node:readline` and `node:process`, loaded on first use: only `--chat`
 * needs them, and loading them costs every run a few milliseconds.
 */
async function node() {
  const [{ createInterface }, { default: process }, { PassThrough }] =
    await Promise
      .all([
        import("node:readline"),
        import("node:process"),
        import("node:stream"),
      ]);
  return { createInterface, process, PassThrough };
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
 * Holds what the user types until the chat asks for the next message, and
 * hands readline one line at a time: lines typed ahead in one burst, or while
 * an answer streamed, each reach their own prompt, in order, and none is lost.
 * Text goes in already decoded ({@linkcode PasteDecoder}), so every line
 * break in it is an Enter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineGate } from "./lines.ts";
 * const gate = new LineGate();
 * gate.add("quick A\rquick B\rhal");
 * assert.equal(gate.take(), "quick A\r");
 * assert.equal(gate.take(), "quick B\r");
 * assert.equal(gate.take(), "hal");
 * assert.equal(gate.take(), "");
 * ```
 */
export class LineGate {
  #held = "";

  /** Keeps typed text for later. */
  add(text: string): void {
    this.#held += text;
  }

  /** Drops what is held: it was typed before a question that it must not answer. */
  clear(): void {
    this.#held = "";
  }

  /**
   * The first key of what is held (a character, or an escape sequence
   * whole), or `""` when nothing is; everything held is dropped with it.
   */
  key(): string {
    const key = this.#held.match(KEY)?.[0] ?? "";
    this.#held = "";
    return key;
  }

  /** Whether a whole line (ended by Enter) is waiting. */
  get hasLine(): boolean {
    return /[\r\n]/.test(this.#held);
  }

  /**
   * The text up to and including the next Enter (`\r\n` counts as one), or
   * all of it when there is none; removed from what is held.
   */
  take(): string {
    const end = this.#held.search(/\r\n|\r|\n/);
    const cut = end < 0
      ? this.#held.length
      : end + (this.#held.startsWith("\r\n", end) ? 2 : 1);
    const text = this.#held.slice(0, cut);
    this.#held = this.#held.slice(cut);
    return text;
  }
}

/**
 * One key at the start of what a terminal sends: an escape sequence (CSI,
 * SS3, or Alt with a key), or one character.
 */
// deno-lint-ignore no-control-regex
const KEY = /^(?:\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?|.)/su;

/** Bracketed paste on and off (xterm's mode 2004). */
const PASTE_ON = "\x1b[?2004h";
const PASTE_OFF = "\x1b[?2004l";

/**
 * How long a question waits, before it shows, for keys already typed to
 * arrive (the program may have been busy), so that they are dropped too.
 */
export const SETTLE_MS = 50;

/** The terminal as {@linkcode terminalLines} uses it: Deno's stdin and the process's output, unless a test gives its own. */
export interface TerminalDevice {
  readable: ReadableStream<Uint8Array>;
  setRaw(raw: boolean, options?: { cbreak: boolean }): void;
  output: NodeJS.WritableStream;
}

/** How {@linkcode terminalLines} reads the terminal. */
export interface TerminalOptions {
  /** Where the prompt and the typed text show: stderr when stdout is redirected. */
  output: "stdout" | "stderr";
  /** Earlier inputs, newest first, for the Up arrow. */
  history?: () => string[];
  /** Each line as it is entered, to keep it for the next session. */
  onLine?(line: string): void;
  /** Waits {@linkcode SETTLE_MS} before a question shows (a test gives its own clock). */
  settle?: () => Promise<void>;
  /** The terminal (a test gives its own). */
  device?: TerminalDevice;
}

/**
 * Reads lines typed at the terminal, with one readline interface for the
 * whole chat. At the prompt the terminal is in raw mode with bracketed paste
 * on: readline edits the line, the arrows recall earlier inputs, Ctrl-C clears
 * the line and Ctrl-D on an empty line ends the input. While an answer streams
 * bracketed paste is off and the terminal echoes nothing (cbreak mode: Ctrl-C
 * still sends SIGINT and stops the answer); what is typed then waits for the
 * next prompt. A question (`answer`, or a `key`) is different: what was typed
 * before it shows does not answer it, and is dropped, with the keys that
 * arrive while it waits {@linkcode SETTLE_MS} to show; once it is answered,
 * nothing more is read until the next question or prompt, so that a program
 * started in the terminal (`release`) gets what is typed. Disposing of the
 * reader ends the input and leaves the terminal as it was found.
 */
export function terminalLines(options: TerminalOptions): LineReader {
  let session: Promise<Session> | undefined;
  let closed = false;
  return {
    interactive: true,
    async read(prompt, each) {
      if (closed) return undefined;
      session ??= startSession(options);
      return await (await session).read(prompt, each);
    },
    async echo(prompt, text) {
      session ??= startSession(options);
      (await session).write(`${prompt}${text}\n`);
    },
    async key(prompt) {
      if (closed) return undefined;
      session ??= startSession(options);
      return await (await session).key(prompt);
    },
    release() {
      session?.then((it) => it.release());
    },
    [Symbol.dispose]() {
      closed = true;
      session?.then((it) => it.close());
    },
  };
}

interface Session {
  read(prompt: string, options?: ReadOptions): Promise<string | undefined>;
  key(prompt: string): Promise<string | undefined>;
  write(text: string): void;
  release(): void;
  close(): void;
}

async function startSession(options: TerminalOptions): Promise<Session> {
  const { createInterface, process, PassThrough } = await node();
  const device = options.device ?? {
    readable: Deno.stdin.readable,
    setRaw: (raw: boolean, mode?: { cbreak: boolean }) =>
      Deno.stdin.setRaw(raw, mode),
    output: options.output === "stderr" ? process.stderr : process.stdout,
  };
  const out = device.output;
  const settle = options.settle ??
    (() => new Promise<void>((resolve) => setTimeout(resolve, SETTLE_MS)));
  const input = new PassThrough();
  const gate = new LineGate();
  const paste = new PasteDecoder();
  const utf8 = new TextDecoder(); // a character may span two reads
  const rl = createInterface({
    input,
    output: out,
    terminal: true,
    history: (options.history?.() ?? []).map((line) =>
      line.replaceAll("\n", PASTED_NEWLINE)
    ),
    historySize: 1000,
    removeHistoryDuplicates: true,
  });
  let open = false; // the prompt is up: readline may take the next line
  let ended = false;
  let waiting: ((line: string | undefined) => void) | undefined;
  let interrupted: (() => void) | undefined; // this read ends on Ctrl-C
  let inputs: string[] | undefined; // the Up arrow's, while a question is asked
  let keyed: ((key: string | undefined) => void) | undefined; // a key is awaited
  // A question was answered: nothing is read until the next one, or the
  // next prompt (a program may be given the terminal meanwhile).
  let held = false;
  let resume: (() => void) | undefined;
  const reads = () => {
    held = false;
    resume?.();
    resume = undefined;
  };
  const pump = () => {
    if (keyed) {
      const key = gate.key();
      if (key === "") return;
      const answer = keyed;
      keyed = undefined;
      held = true;
      answer(key);
      return;
    }
    while (open && !ended) {
      const text = gate.take();
      if (text === "") return;
      if (/[\r\n]$/.test(text)) {
        open = false; // one line a prompt
        if (inputs) held = true; // a question's answer
      }
      input.write(text);
    }
  };
  const answering = () => {
    open = false;
    out.write(PASTE_OFF);
    // No echo while the answer streams; Ctrl-C still sends SIGINT.
    device.setRaw(true, { cbreak: true });
  };
  const finish = (line: string | undefined) => {
    const resolve = waiting;
    waiting = undefined;
    interrupted = undefined;
    inputs = undefined;
    resolve?.(line);
  };
  // readline's own list of inputs, newest first, which the Up arrow walks.
  const recalled = (rl as unknown as { history: string[] }).history;
  rl.on("line", (line) => {
    answering();
    const text = line.replaceAll(PASTED_NEWLINE, "\n");
    if (inputs) recalled.splice(0, recalled.length, ...inputs);
    else if (text.trim() !== "") options.onLine?.(text);
    finish(text);
  });
  rl.on("close", () => {
    ended = true;
    if (waiting) out.write("\n");
    finish(undefined);
    keyed?.(undefined);
    keyed = undefined;
  });
  rl.on("SIGINT", () => {
    const interrupt = interrupted;
    if (interrupt) {
      // A question that Ctrl-C answers: the line ends, and so does the read.
      out.write("^C\n");
      answering();
      interrupt();
      finish(undefined);
      return;
    }
    // Clears the line, as a shell does, and shows the prompt again.
    rl.write(null, { ctrl: true, name: "e" });
    rl.write(null, { ctrl: true, name: "u" });
    out.write("^C\n");
    rl.prompt();
  });
  // Reads only while something may take what is typed: a read of the
  // terminal that waits when nothing does would take the first keys typed
  // to a program started in it.
  const reading = (async () => {
    const reader = device.readable.getReader();
    while (!ended) {
      if (held) {
        await new Promise<void>((resolve) => resume = resolve);
        continue;
      }
      const { value, done } = await reader.read();
      if (done) break;
      gate.add(paste.decode(utf8.decode(value, { stream: true })));
      pump();
    }
  })().catch(() => {}).finally(() => {
    input.end(); // the terminal went away: readline closes
  });
  // Keys typed before a question shows do not answer it: what is held goes,
  // and so does what arrives while keys already typed come in (the
  // terminal echoes nothing meanwhile).
  const drained = async () => {
    gate.clear();
    reads();
    await settle();
    gate.clear();
  };
  answering();
  return {
    async read(prompt, { onInterrupt, answer = false, prefill } = {}) {
      if (ended) return undefined;
      reads();
      if (answer) {
        await drained();
        if (ended) return undefined;
      }
      return await new Promise((resolve) => {
        waiting = resolve;
        interrupted = onInterrupt;
        inputs = answer ? [...recalled] : undefined;
        device.setRaw(true);
        out.write(PASTE_ON);
        rl.setPrompt(prompt);
        rl.prompt();
        // As if typed: a line break in it stays in the line, as a paste's.
        if (prefill) rl.write(prefill.replace(/\r\n|\r|\n/g, PASTED_NEWLINE));
        open = true;
        pump();
      });
    },
    async key(prompt) {
      if (ended) return undefined;
      await drained();
      if (ended) return undefined;
      return await new Promise((resolve) => {
        keyed = resolve;
        device.setRaw(true);
        out.write(prompt);
        pump();
      });
    },
    write: (text) => void out.write(text),
    release() {
      held = true;
      out.write(PASTE_OFF);
      try {
        device.setRaw(false);
      } catch {
        // stdin is no longer a terminal
      }
    },
    close() {
      ended = true;
      open = false;
      resume?.();
      rl.close();
      out.write(PASTE_OFF);
      try {
        device.setRaw(false);
      } catch {
        // stdin is no longer a terminal
      }
      void reading;
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
