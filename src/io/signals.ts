/**
 * The signals that stop the program like Ctrl-C: the request is aborted, the
 * printed text kept, and the exit code is the shell's 128 + the signal's
 * number.
 *
 * @module
 */

/** Each stopping signal and the exit code it gives. */
export const STOP_SIGNALS = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
} as const;

/** A signal that stops the program. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Calls `handler` with the signal's name when the process gets SIGINT,
 * SIGTERM or SIGHUP (only SIGINT on Windows), until disposed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onStopSignal } from "./signals.ts";
 * const seen: string[] = [];
 * {
 *   using _ = onStopSignal((signal) => seen.push(signal));
 * } // disposed: the signals end the program as usual again
 * assert.deepEqual(seen, []);
 * ```
 */
export function onStopSignal(
  handler: (signal: StopSignal) => void,
): Disposable {
  const signals: StopSignal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM", "SIGHUP"];
  const listeners = signals.map((signal) => {
    const listener = () => handler(signal);
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return {
    [Symbol.dispose]() {
      for (const [signal, listener] of listeners) {
        Deno.removeSignalListener(signal, listener);
      }
    },
  };
}
