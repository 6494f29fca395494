/**
 * What every route of `--serve` is given: the run's settings, decided once,
 * and the server's own state (its slots, the signal of its stopping); and
 * the signal of one request's life.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import type { Options } from "../cli/options.ts";
import type { Settings } from "../config/plan.ts";
import type { Secrets } from "../io/redact.ts";
import type { Slots } from "./guard.ts";
import { ClientGone } from "./replies.ts";

/** The server as its routes see it. */
export interface Serving {
  io: Io;
  options: Options;
  settings: Settings;
  secrets: Secrets;
  /** The upstream requests that may be under way at once. */
  slots: Slots;
  /** The largest request body read, in bytes. */
  limit: number;
  /** Aborted, with an `InterruptedError`, when the server stops. */
  closing: AbortSignal;
  /** Tells the server's owner a line on stderr. */
  log(line: string): void;
}

/**
 * A controller aborted when the client of `request` goes away (with a
 * {@linkcode ClientGone}) or the server stops (with `closing`'s reason);
 * disposing of it stops listening.
 */
export function lifeOf(
  request: Request,
  closing: AbortSignal,
): AbortController & Disposable {
  const controller = new AbortController();
  const gone = () => controller.abort(new ClientGone());
  const stopping = () => controller.abort(closing.reason);
  request.signal.addEventListener("abort", gone, { once: true });
  closing.addEventListener("abort", stopping, { once: true });
  if (closing.aborted) stopping();
  return Object.assign(controller, {
    [Symbol.dispose]() {
      request.signal.removeEventListener("abort", gone);
      closing.removeEventListener("abort", stopping);
    },
  });
}

/**
 * A body of server-sent events made by `events` as the client reads them;
 * `cancel` runs first when the client goes away, then `events` is ended.
 */
export function eventBody(
  events: AsyncGenerator<string>,
  cancel: () => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await events.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      cancel();
      await events.return(undefined);
    },
  });
}

/**
 * A body of server-sent events that `run` writes with `send` (which waits
 * while the client reads behind: at most `ahead` events wait for it); when
 * the client goes away, `cancel` runs and later sends do nothing. The body
 * ends when `run` does (and breaks off if it throws).
 */
export function pushedBody(
  run: (send: (text: string) => Promise<void>) => Promise<void>,
  cancel: () => void,
  ahead = 16,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let closed = false;
  let wake = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = async (text: string) => {
        if (closed) return;
        controller.enqueue(encoder.encode(text));
        while (!closed && (controller.desiredSize ?? 1) <= 0) {
          await new Promise<void>((resolve) => wake = resolve);
        }
      };
      const end = (error?: unknown) => {
        if (closed) return;
        closed = true;
        if (error === undefined) controller.close();
        else controller.error(error); // a fault of run's own: the body breaks
      };
      run(send).then(() => end(), end);
    },
    pull: () => wake(),
    cancel() {
      closed = true;
      wake();
      cancel();
    },
  }, { highWaterMark: ahead });
}
