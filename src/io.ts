/**
 * The program's view of the outside world, so that tests can run the whole
 * program in-process: arguments, environment, files, stdin, stdout, stderr,
 * the network and Ctrl-C all come through one {@linkcode Io} object.
 *
 * @module
 */

/** A sink for text. `write` is synchronous so that output order is exact. */
export interface Output {
  write(text: string): void;
}

/** Everything the program touches outside itself. */
export interface Io {
  /** Command-line arguments, without the program name. */
  args: string[];
  /** Reads one environment variable. */
  env(name: string): string | undefined;
  /** Reads a text file, or returns `undefined` when it does not exist. */
  readTextFile(path: string): Promise<string | undefined>;
  /** The text piped to stdin, or `undefined` when stdin is a terminal. */
  stdin(): Promise<string | undefined>;
  stdout: Output;
  stderr: Output;
  /** The `fetch` the OpenAI client sends its requests through. */
  fetch: typeof globalThis.fetch;
  /**
   * Calls `handler` when the user presses Ctrl-C, until disposed; outside
   * that span Ctrl-C ends the program as usual.
   */
  onInterrupt(handler: () => void): Disposable;
}

/**
 * Writes every byte of `text` to a file synchronously, looping over partial
 * writes: no promise per write, and nothing left in a buffer at exit. When
 * the reader goes away (`| head`), later writes are dropped quietly, as a
 * command-line tool does on a broken pipe.
 *
 * @example
 * ```ts
 * import { fileOutput } from "./io.ts";
 * fileOutput(Deno.stdout).write("Hello\n");
 * ```
 */
export function fileOutput(file: { writeSync(p: Uint8Array): number }): Output {
  const encoder = new TextEncoder();
  let closed = false;
  return {
    write(text) {
      let bytes = encoder.encode(text);
      try {
        while (!closed && bytes.length > 0) {
          bytes = bytes.subarray(file.writeSync(bytes));
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
        closed = true;
      }
    },
  };
}

/** The real world: Deno's process, files, terminal and network. */
export function denoIo(): Io {
  return {
    args: Deno.args,
    env: (name) => Deno.env.get(name),
    async readTextFile(path) {
      try {
        return await Deno.readTextFile(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      }
    },
    async stdin() {
      if (Deno.stdin.isTerminal()) return undefined;
      return await new Response(Deno.stdin.readable).text();
    },
    stdout: fileOutput(Deno.stdout),
    stderr: fileOutput(Deno.stderr),
    fetch: globalThis.fetch,
    onInterrupt(handler) {
      Deno.addSignalListener("SIGINT", handler);
      return {
        [Symbol.dispose]: () => Deno.removeSignalListener("SIGINT", handler),
      };
    },
  };
}

/**
 * Gathers many small writes into one per turn of the event loop: a stream's
 * deltas reach the output as soon as the program waits for the network, at
 * the cost of one write per network read instead of one per delta.
 *
 * @example
 * ```ts
 * import { BufferedOutput, fileOutput } from "./io.ts";
 * using out = new BufferedOutput(fileOutput(Deno.stdout));
 * out.write("Hel");
 * out.write("lo");
 * out.endLine(); // writes "Hello\n" now; disposing flushes anything left
 * ```
 */
export class BufferedOutput implements Output, Disposable {
  #pending: string[] = [];
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastChar = "\n";

  /** Flushes at once when `limit` characters are waiting. */
  constructor(readonly output: Output, readonly limit = 64 * 1024) {}

  write(text: string): void {
    if (text === "") return;
    this.#pending.push(text);
    this.#size += text.length;
    this.#lastChar = text[text.length - 1];
    if (this.#size >= this.limit) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), 0);
  }

  /** Writes what is waiting. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#size === 0) return;
    const text = this.#pending.join("");
    this.#pending = [];
    this.#size = 0;
    this.output.write(text);
  }

  /** Ends the line if text was written without a newline, then flushes. */
  endLine(): void {
    if (this.#lastChar !== "\n") this.write("\n");
    this.flush();
  }

  [Symbol.dispose](): void {
    this.flush();
  }
}
