/**
 * A tool call's own deadline: the call ends when its time is up or the run
 * is interrupted, whatever the SDK's timer does meanwhile (it may start late,
 * restart on a server's progress, or wait for a result already arriving).
 *
 * @module
 */
import { MAX_DELAY_MS } from "../exchange/idle.ts";

/** Runs `fire` after `ms` milliseconds; returns what cancels it. */
export type Schedule = (ms: number, fire: () => void) => () => void;

/** {@linkcode Schedule} by `setTimeout`, a bound beyond its limit clamped to it. */
export const schedule: Schedule = (ms, fire) => {
  const timer = setTimeout(fire, Math.min(ms, MAX_DELAY_MS));
  return () => clearTimeout(timer);
};

/** The reason a call was stopped at its deadline. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/**
 * `work`'s result, unless `ms` pass first (then a {@linkcode DeadlineError})
 * or `signal` is aborted (then its reason): `work` is given a signal that
 * aborts in either case, and is not waited for once it does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { within } from "./deadline.ts";
 * assert.equal(await within(() => Promise.resolve("done"), 1000), "done");
 * ```
 */
export async function within<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  { signal, after = schedule }: { signal?: AbortSignal; after?: Schedule } = {},
): Promise<T> {
  const deadline = new AbortController();
  const cancel = after(ms, () => deadline.abort(new DeadlineError(ms)));
  const stop = signal
    ? AbortSignal.any([signal, deadline.signal])
    : deadline.signal;
  let onAbort = () => {};
  try {
    return await new Promise<T>((resolve, reject) => {
      onAbort = () => reject(stop.reason);
      if (stop.aborted) return onAbort();
      stop.addEventListener("abort", onAbort, { once: true });
      work(stop).then(resolve, reject);
    });
  } finally {
    cancel();
    stop.removeEventListener("abort", onAbort);
  }
}
