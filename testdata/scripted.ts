/**
 * The `scripted` scenario of `testdata/server.ts`: an upstream whose
 * streamed answers the test writes. Each request takes the next answer of
 * {@linkcode Script.answers} (its pieces streamed at once), or, when there
 * is none, waits for the test to take it with {@linkcode Script.next} and
 * stream it piece by piece: a slow answer the test controls, which records
 * a client that goes away.
 *
 * @module
 */
import { chunk, sse } from "./fixtures.ts";

/** A request's JSON body, as the upstream received it. */
export type UpstreamBody = Record<string, unknown> & {
  messages?: unknown[];
  model?: string;
};

/** One streamed answer that the test writes. */
export interface Streamed {
  /** The request it answers. */
  body: UpstreamBody;
  /** Streams a chunk whose delta is `text`. */
  send(text: string): void;
  /** Ends the answer: a finish chunk, then `data: [DONE]`. */
  finish(): void;
  /** Ends it with a chunk carrying `error` (as some providers do), and `[DONE]`. */
  fail(message: string): void;
  /** Resolves when the client went away from the stream. */
  cancelled: Promise<void>;
  /** Whether it did. */
  wasCancelled(): boolean;
}

/** The answers of the `scripted` scenario. */
export class Script {
  /** Answers streamed at once, first first: each its pieces. */
  readonly answers: string[][] = [];
  readonly #waiting: Streamed[] = [];
  readonly #takers: ((streamed: Streamed) => void)[] = [];
  readonly #open = new Set<() => void>();

  /** The next request that found no answer queued, for the test to stream. */
  next(): Promise<Streamed> {
    const ready = this.#waiting.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** The response to `body`: a queued answer, or one the test streams. */
  respond(body: UpstreamBody): Response {
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let open = true;
    let cancelled = false;
    let markCancelled!: () => void;
    const cancelledPromise = new Promise<void>((resolve) => {
      markCancelled = () => {
        cancelled = true;
        resolve();
      };
    });
    const end = () => {
      this.#open.delete(end);
      if (!open) return;
      open = false;
      controller.close();
    };
    const write = (text: string) => {
      if (open) controller.enqueue(encoder.encode(text));
    };
    const stream = new ReadableStream<Uint8Array>({
      start(started) {
        controller = started;
        write(sse([chunk({ role: "assistant", content: "" })]));
      },
      cancel() {
        open = false;
        markCancelled();
      },
    });
    this.#open.add(end);
    const streamed: Streamed = {
      body,
      send: (text) => write(sse([chunk({ content: text })])),
      finish() {
        write(sse([chunk({}, "stop")]) + "data: [DONE]\n\n");
        end();
      },
      fail(message) {
        write(
          sse([{ ...chunk({ content: "" }), error: { code: 500, message } }]) +
            "data: [DONE]\n\n",
        );
        end();
      },
      cancelled: cancelledPromise,
      wasCancelled: () => cancelled,
    };
    const queued = this.answers.shift();
    if (queued) {
      for (const piece of queued) streamed.send(piece);
      streamed.finish();
    } else {
      const taker = this.#takers.shift();
      if (taker) taker(streamed);
      else this.#waiting.push(streamed);
    }
    return new Response(stream, {
      headers: { "content-type": "text/event-stream" },
    });
  }

  /** Ends every answer still open, as the server stops. */
  close(): void {
    for (const end of [...this.#open]) end();
  }
}
