/**
 * The program's view of the outside world, so that tests can run the whole
 * program in-process: arguments, environment, files, stdin, stdout, stderr,
 * the network and Ctrl-C all come through one {@linkcode Io} object.
 *
 * @module
 */
import {
  type LineReader,
  type LinesOptions,
  pipedLines,
  terminalLines,
} from "./lines.ts";
import { onStopSignal, type StopSignal } from "./signals.ts";

/** A sink for text. `write` is synchronous so that output order is exact. */
export interface Output {
  write(text: string): void;
  /**
   * Writes the program's own escape sequence (a color, dim), in order with
   * the text; a terminal's output lets it through where it filters text.
   * Without it, `write` takes the sequence.
   */
  style?(code: string): void;
  /**
   * Runs `writes` (calls of `write` and `style`), sending what they write
   * to the file in one write at the end: a rendered line's many styles cost
   * one system call. Outputs that wrap another pass it on.
   */
  batch?(writes: () => void): void;
}

/** Runs `writes` as one batch of `output`'s, or as they come when it has none. */
export function batch(output: Output, writes: () => void): void {
  if (output.batch) output.batch(writes);
  else writes();
}

/** Writes an escape sequence of the program's own to `output`. */
export function style(output: Output, code: string): void {
  if (output.style) output.style(code);
  else output.write(code);
}

/** Everything the program touches outside itself. */
export interface Io {
  /** Command-line arguments, without the program name. */
  args: string[];
  /** Reads one environment variable. */
  env(name: string): string | undefined;
  /**
   * Reads a regular text file of at most `limit` bytes, or returns
   * `undefined` when it does not exist; throws when it is something else (a
   * folder, a FIFO, a device) or larger, without reading it.
   */
  readTextFile(
    path: string,
    options?: { limit?: number },
  ): Promise<string | undefined>;
  /** A file's permission bits; `null` where the system keeps none (Windows). */
  fileMode(path: string): number | null;
  /**
   * What is piped to stdin (text, or an image), read to its end once (a
   * later call gets the same bytes), or `undefined` when stdin is a terminal.
   */
  stdin(): Promise<Uint8Array | undefined>;
  stdout: Output;
  stderr: Output;
  /** Whether stdout is a terminal: server text is shown safe there. */
  stdoutIsTerminal: boolean;
  /** Whether stderr is a terminal: reasoning is shown there by default. */
  stderrIsTerminal: boolean;
  /** Whether to leave out colors (`NO_COLOR` is set). */
  noColor: boolean;
  /** The terminal's width in columns now (80 when stdout is no terminal). */
  columns(): number;
  /** The terminal's height in rows now (24 when stdout is no terminal). */
  rows?(): number;
  /** The user's lines for `--chat`: typed at the terminal, or piped to stdin. */
  lines(options?: LinesOptions): LineReader;
  /** The `fetch` the OpenAI client sends its requests through. */
  fetch: typeof globalThis.fetch;
  /** Opens a sign-in page in the browser (`src/tools/browser.ts` unless given). */
  openBrowser?(url: string): Promise<void>;
  /** The operating system (`Deno.build.os`, unless a test gives another). */
  os?: typeof Deno.build.os;
  /** The programs `-e` starts in the terminal; none may be started without it. */
  programs?: Programs;
  /**
   * Calls `handler` when the user presses Ctrl-C or the process gets SIGTERM
   * or SIGHUP, until disposed; outside that span they end the program as
   * usual.
   */
  onInterrupt(handler: (signal: StopSignal) => void): Disposable;
}

/** Starting a program that shares the terminal: the shell `-e` runs a command in. */
export interface Programs {
  /** Whether this run may start `program` (Deno's `--allow-run`). */
  mayRun(program: string): boolean;
  /**
   * Runs `program` with `args` in the terminal (stdin, stdout and stderr
   * shared) and resolves with its exit code: 128 + N when signal N ended
   * it. `windowsRawArguments` passes the arguments to Windows as they are.
   *
   * @throws {Error} when it cannot start (not found, not allowed).
   */
  run(
    program: string,
    args: string[],
    options?: { windowsRawArguments?: boolean },
  ): Promise<number>;
}

/**
 * A write to stdout or stderr failed. When the reader went away (`| head`)
 * it is no failure of the program: it stops quietly.
 */
export class OutputError extends Error {
  override name = "OutputError";
  constructor(readonly target: string, override readonly cause: unknown) {
    super(
      `could not write to ${target}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
  }

  /** Whether the reader closed the pipe, rather than the write failing. */
  get readerGone(): boolean {
    return this.cause instanceof Deno.errors.BrokenPipe;
  }
}

/**
 * Writes every byte of `text` to a file synchronously, looping over partial
 * writes: no promise per write, and nothing left in a buffer at exit. A
 * failed write throws an {@linkcode OutputError}: a broken pipe (the reader
 * went away), a full disk, a closed descriptor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileOutput, OutputError } from "./io.ts";
 * const full = fileOutput({
 *   writeSync: () => {
 *     throw new Error("No space left on device (os error 28)");
 *   },
 * }, "stdout");
 * assert.throws(() => full.write("Hello\n"), OutputError);
 * ```
 */
export function fileOutput(
  file: { writeSync(p: Uint8Array): number },
  target = "stdout",
): Output {
  const encoder = new TextEncoder();
  const send = (text: string) => {
    let bytes = encoder.encode(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
    } catch (error) {
      throw new OutputError(target, error);
    }
  };
  let gathered: string[] | undefined;
  return {
    write(text) {
      if (gathered) gathered.push(text);
      else send(text);
    },
    batch(writes) {
      if (gathered) return writes(); // already in one
      gathered = [];
      try {
        writes();
      } finally {
        const text = gathered.join("");
        gathered = undefined;
        if (text) send(text);
      }
    },
  };
}

/**
 * Reads a regular file of at most `limit` bytes as UTF-8, checked before it is
 * opened (a FIFO would block the open) and again once open; `undefined` when
 * it does not exist.
 */
export async function readTextFile(
  path: string,
  { limit = Infinity }: { limit?: number } = {},
): Promise<string | undefined> {
  let info;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  checkRegular(info, limit);
  using file = await Deno.open(path);
  checkRegular(await file.stat(), limit);
  const bytes = new Uint8Array(Math.min(info.size, limit) + 1);
  let length = 0;
  for (
    let n;
    length < bytes.length && (n = await file.read(bytes.subarray(length)));
  ) {
    length += n;
  }
  if (length > limit) throw new Error(`it is larger than ${sizeOf(limit)}`);
  return new TextDecoder().decode(bytes.subarray(0, length));
}

function checkRegular(info: Deno.FileInfo, limit: number): void {
  if (info.isDirectory) throw new Error("is a directory");
  if (!info.isFile) throw new Error("it is not a regular file");
  if (info.size > limit) throw new Error(`it is larger than ${sizeOf(limit)}`);
}

function sizeOf(bytes: number): string {
  return bytes % (1024 * 1024) === 0
    ? `${bytes / 1024 / 1024} MiB`
    : `${bytes} bytes`;
}

/** The real world: Deno's process, files, terminal and network. */
export function denoIo(): Io {
  let piped: Promise<Uint8Array | undefined> | undefined;
  // Asked each time (an ioctl, well under a microsecond): a redraw of what is
  // in progress right after a resize must know it.
  const size = () => {
    try {
      const { columns, rows } = Deno.consoleSize();
      return { columns: columns || 80, rows: rows || 24 };
    } catch {
      return { columns: 80, rows: 24 };
    }
  };
  return {
    args: Deno.args,
    // A variable the run was not given reads as unset rather than being
    // asked for one at a time (src/launch/prompts.ts asks plain `deno run
    // main.ts` for what it needs, up front); one refused throws.
    env: (name) => {
      if (
        Deno.permissions.querySync({ name: "env", variable: name }).state ===
          "prompt"
      ) return undefined;
      return Deno.env.get(name);
    },
    readTextFile,
    fileMode: (path) => Deno.statSync(path).mode,
    stdin: () =>
      piped ??= Deno.stdin.isTerminal()
        ? Promise.resolve(undefined)
        : new Response(Deno.stdin.readable).bytes(),
    stdout: fileOutput(Deno.stdout, "stdout"),
    stderr: fileOutput(Deno.stderr, "stderr"),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    stderrIsTerminal: Deno.stderr.isTerminal(),
    noColor: Deno.noColor,
    columns: () => size().columns,
    rows: () => size().rows,
    lines: (options) =>
      Deno.stdin.isTerminal()
        ? terminalLines({
          // Redirected, stdout gets the answers alone.
          output: Deno.stdout.isTerminal() ? "stdout" : "stderr",
          ...options,
        })
        : pipedLines(),
    fetch: globalThis.fetch,
    onInterrupt: onStopSignal,
    os: Deno.build.os,
    programs: {
      mayRun: (program) =>
        Deno.permissions.querySync({ name: "run", command: program }).state ===
          "granted",
      run: async (program, args, options) => {
        const child = new Deno.Command(program, {
          args,
          stdin: "inherit",
          stdout: "inherit",
          stderr: "inherit",
          ...(options?.windowsRawArguments
            ? { windowsRawArguments: true }
            : {}),
        }).spawn();
        // Deno gives a signal's end as 128 + N already.
        return (await child.status).code;
      },
    },
  };
}

/**
 * Gathers many small writes into few. A write after a quiet spell (1 ms
 * since the last) leaves as soon as the code that made it is done (a
 * microtask), so that a delta reaches the screen at once; writes that come
 * sooner gather until the next turn of the event loop (a timer, which
 * Deno's event loop runs about 2 ms later), so that a fast stream costs one
 * write per network read rather than one per delta.
 *
 * A write that fails is never thrown from the background: it goes to `onError`
 * (the program aborts its request), and later writes are dropped. A failure
 * in a flush the caller makes (`flush`, `endLine`, a write past the limit)
 * is thrown to the caller.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedOutput } from "./io.ts";
 * const writes: string[] = [];
 * using out = new BufferedOutput({ write: (text) => void writes.push(text) });
 * out.write("Hel");
 * out.write("lo");
 * out.endLine();
 * assert.deepEqual(writes, ["Hello\n"]);
 * ```
 */
export class BufferedOutput implements Output, Disposable {
  /** Text, and the program's own escape sequences as `{ style }`, in order. */
  #pending: (string | { style: string })[] = [];
  #size = 0;
  /** The flush to come: a timer's id, or a microtask's token. */
  #scheduled: ReturnType<typeof setTimeout> | object | undefined;
  #flushed = -Infinity;
  #lastChar = "\n";
  #failed = false;

  /**
   * Flushes at once when `limit` characters are waiting; a write that fails
   * in the background goes to `onError`.
   */
  constructor(
    readonly output: Output,
    readonly limit = 64 * 1024,
    readonly onError: (error: unknown) => void = () => {},
    readonly clock: () => number = () => performance.now(),
  ) {}

  write(text: string): void {
    if (text === "" || this.#failed) return;
    this.#pending.push(text);
    this.#lastChar = text[text.length - 1];
    this.#grow(text.length);
  }

  style(code: string): void {
    if (this.#failed) return;
    this.#pending.push({ style: code });
    this.#grow(code.length);
  }

  #grow(size: number): void {
    this.#size += size;
    if (this.#size >= this.limit) return this.flush();
    if (this.#scheduled !== undefined) return;
    const later = () => {
      try {
        this.flush();
      } catch (error) {
        this.onError(error);
      }
    };
    if (this.clock() - this.#flushed >= 1) {
      const token = {};
      this.#scheduled = token;
      queueMicrotask(() => {
        if (this.#scheduled === token) later();
      });
    } else this.#scheduled = setTimeout(later, 0);
  }

  /** Writes what is waiting, text and styles in order; throws when the write fails. */
  flush(): void {
    if (typeof this.#scheduled === "number") clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#size === 0) return;
    this.#flushed = this.clock();
    const pending = this.#pending;
    this.#pending = [];
    this.#size = 0;
    try {
      batch(this.output, () => {
        let text = "";
        for (const each of pending) {
          if (typeof each === "string") {
            text += each;
            continue;
          }
          if (text) this.output.write(text);
          text = "";
          style(this.output, each.style);
        }
        if (text) this.output.write(text);
      });
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  /** Ends the line if text was written without a newline, then flushes. */
  endLine(): void {
    if (this.#lastChar !== "\n") this.write("\n");
    this.flush();
  }

  /** Flushes what is waiting; a failure is dropped, as nothing can report it. */
  [Symbol.dispose](): void {
    try {
      this.flush();
    } catch {
      // already failed: the program reported it, or is ending
    }
  }
}
