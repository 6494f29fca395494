/**
 * A watchdog for `--timeout`: it gives up when no data arrives for a while,
 * whether the server is slow to answer or stalls in the middle of a stream.
 * The SDK's own `timeout` stops counting once response headers arrive.
 *
 * @module
 */

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
 * for the given number of seconds. Dispose of it to stop the countdown.
 *
 * @example
 * ```ts
 * import { IdleTimeout } from "./idle.ts";
 * const controller = new AbortController();
 * using idle = new IdleTimeout(30, controller);
 * const fetch = idle.wrap(globalThis.fetch);
 * // Pass `fetch` to the client and `controller.signal` to the request.
 * ```
 */
export class IdleTimeout implements Disposable {
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #ms: number;
  readonly #controller: AbortController;

  constructor(readonly seconds: number, controller: AbortController) {
    this.#ms = seconds * 1000;
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

  /** Returns a fetch whose request and every body chunk restart the countdown. */
  wrap(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
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
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, controller) => {
            this.restart();
            controller.enqueue(chunk);
          },
          flush: () => clearTimeout(this.#timer),
        }),
      );
      const { status, statusText, headers } = response;
      return new Response(body, { status, statusText, headers });
    };
  }
}
