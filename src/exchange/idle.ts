/**
 * A watchdog for `--timeout`: it gives up when no data arrives for a while,
 * whether the server is slow to answer or stalls in the middle of a stream.
 * The SDK's own `timeout` stops counting once response headers arrive.
 *
 * @module
 */

/** The longest delay `setTimeout` takes (about 24.8 days); longer ones fire at once. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** The reason a request was aborted by {@linkcode IdleTimeout}. */
export class IdleTimeoutError extends Error {
  override name = "IdleTimeoutError";
  constructor(readonly seconds: number) {
    super(`no data arrived from the server for ${seconds} s`);
  }
}

/**
 * Aborts a controller with an {@linkcode IdleTimeoutError} when a fetch
 * wrapped by {@linkcode IdleTimeout.wrap} sees no response and no body bytes
 * for the given number of seconds. The countdown stops while nobody waits on
 * the server: after a body ends or is cancelled, after a fetch fails, and once
 * disposed. Bounds beyond `setTimeout`'s limit are clamped to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdleTimeout } from "./idle.ts";
 * const controller = new AbortController();
 * using idle = new IdleTimeout(30, controller);
 * const fetch = idle.wrap(() => Promise.resolve(new Response("data")));
 * // Pass `fetch` to the client and `controller.signal` to the request.
 * assert.equal(await (await fetch("http://127.0.0.1/")).text(), "data");
 * assert.equal(controller.signal.aborted, false);
 * ```
 */
export class IdleTimeout implements Disposable {
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #ms: number;
  readonly #controller: AbortController;

  constructor(readonly seconds: number, controller: AbortController) {
    this.#ms = Math.min(seconds * 1000, MAX_DELAY_MS);
    this.#controller = controller;
  }

  /** Starts the countdown again. */
  restart(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#controller.abort(new IdleTimeoutError(this.seconds)),
      this.#ms,
    );
  }

  /** Stops the countdown. */
  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
  }

  /**
   * Returns a fetch whose request and every body chunk restart the
   * countdown. With `body: false` the body is left as it came (reading it
   * then costs no stream of JavaScript's) and the countdown goes on from a
   * successful response until disposed: a whole answer must arrive within
   * the bound.
   */
  wrap(
    fetch: typeof globalThis.fetch,
    { body: watchBody = true }: { body?: boolean } = {},
  ): typeof globalThis.fetch {
    return async (input, init) => {
      this.restart();
      let response;
      try {
        response = await fetch(input, init);
      } catch (error) {
        clearTimeout(this.#timer); // the SDK may wait, then retry
        throw error;
      }
      this.restart();
      if (response.body === null) return response;
      if (!watchBody) {
        // An error's body is read at once, and the SDK may then wait to
        // retry: that wait is not the server's silence.
        if (!response.ok) clearTimeout(this.#timer);
        return response;
      }
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, controller) => {
            this.restart();
            controller.enqueue(chunk);
          },
          flush: () => clearTimeout(this.#timer),
          // The SDK cancels an error response's body before it waits to
          // retry: that wait is the program's choice, not the server's silence.
          cancel: () => clearTimeout(this.#timer),
        }),
      );
      const { status, statusText, headers } = response;
      return new Response(body, { status, statusText, headers });
    };
  }
}
