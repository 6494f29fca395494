/**
 * A quiet sign of life while the program waits for the first token: a dim
 * spinner on a terminal's stderr, drawn after a short wait (a fast answer
 * shows none) and erased when the answer begins, so it leaves no trace in
 * the terminal or its scrollback.
 *
 * @module
 */
import { type Output, style } from "../io/io.ts";

/** The spinner's frames, one column wide each. */
export const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** How long the program waits before the spinner shows, and between frames, in ms. */
export const DELAY_MS = 150;
export const FRAME_MS = 80;

/** Runs `tick` once after `ms`; what it returns cancels it. */
export type Timer = (ms: number, tick: () => void) => () => void;

const realTimer: Timer = (ms, tick) => {
  const id = setTimeout(tick, ms);
  // A spinner never keeps the program alive.
  Deno.unrefTimer(id);
  return () => clearTimeout(id);
};

/**
 * A spinner on `out` from {@linkcode DELAY_MS} after it is made until
 * {@linkcode Activity.stop} (or disposal), which erases it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Activity } from "./activity.ts";
 * let shown = "";
 * const ticks: (() => void)[] = [];
 * const out = { write: (text: string) => void (shown += text) };
 * const activity = new Activity(out, {
 *   color: false,
 *   timer: (_ms, tick) => (ticks.push(tick), () => {}),
 * });
 * ticks.shift()!();
 * assert.equal(shown, "\r⠋");
 * activity.stop();
 * assert.equal(shown, "\r⠋\r\x1b[2K");
 * ```
 */
export class Activity implements Disposable {
  readonly #out: Output;
  readonly #color: boolean;
  readonly #timer: Timer;
  #cancel: (() => void) | undefined;
  #frame = 0;
  #shown = false;

  constructor(
    out: Output,
    { color, timer = realTimer }: { color: boolean; timer?: Timer },
  ) {
    this.#out = out;
    this.#color = color;
    this.#timer = timer;
    this.#cancel = timer(DELAY_MS, this.#tick);
  }

  readonly #tick = () => {
    const frame = FRAMES[this.#frame++ % FRAMES.length];
    try {
      style(
        this.#out,
        this.#color ? `\r\x1b[2m${frame}\x1b[22m` : `\r${frame}`,
      );
    } catch {
      this.#cancel = undefined; // stderr is unusable: the answer will say so
      return;
    }
    this.#shown = true;
    this.#cancel = this.#timer(FRAME_MS, this.#tick);
  };

  /** Stops the spinner and erases it; stopping twice does nothing. */
  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    if (!this.#shown) return;
    this.#shown = false;
    style(this.#out, "\r\x1b[2K");
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}
