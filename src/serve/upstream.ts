/**
 * A request sent on to its targets, as the terminal sends one (the SDK on
 * the target's connection, through `serverFetch` and `--timeout`'s watch):
 * in fallback order while nothing has been sent to the client, the next
 * asked when one cannot answer now (unreachable, rate limiting, failing:
 * the terminal's `fallbackReason`).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionChunk,
} from "openai/resources/chat/completions";
import type { Target } from "../config/plan.ts";
import type { Io } from "../io/io.ts";
import { fallbackReason } from "../errors.ts";
import { serverFetch } from "../exchange/fetch.ts";
import { IdleTimeout } from "../exchange/idle.ts";

/** How a request goes upstream. */
export interface Sending {
  io: Io;
  /** `--timeout`: seconds without data before a target is given up. */
  timeoutSeconds: number;
  /** Aborted when the client goes away or the server stops: its reason is why. */
  signal: AbortSignal;
  /** Tells that a target could not answer and the next is asked. */
  note: (line: string) => void;
  /** Wraps the fetch of each request (the files' data put back in its body). */
  wrap?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
}

/** A request that one target took: its answer, whole or arriving. */
export interface Taken<T> extends Disposable {
  target: Target;
  /** Aborted (with why) when the answer stops early. */
  abort: AbortController;
  answer: T;
}

/** A failure of the last target asked, and which it was. */
export class UpstreamFailure extends Error {
  override name = "UpstreamFailure";
  constructor(readonly target: Target, override readonly cause: unknown) {
    super(String(cause));
  }
}

/** The chunks of a streamed answer: the first already in. */
export interface Chunks {
  first: IteratorResult<ChatCompletionChunk>;
  rest: AsyncIterator<ChatCompletionChunk>;
}

/**
 * The completion of the first target that answers `bodyOf(target)`.
 *
 * @throws {UpstreamFailure} when the last one asked fails; the signal's
 * reason once it is aborted.
 */
export function complete(
  targets: Target[],
  bodyOf: (target: Target) => Record<string, unknown>,
  sending: Sending,
): Promise<Taken<ChatCompletion>> {
  return take(
    targets,
    sending,
    false,
    (client, target, signal) =>
      client.chat.completions.create(
        { ...bodyOf(target), model: target.model, stream: false } as never,
        { signal },
      ) as Promise<ChatCompletion>,
  );
}

/**
 * The chunks of the first target that streams an answer to
 * `bodyOf(target)`: one that fails before its first chunk is passed over
 * as a failing connection is.
 *
 * @throws {UpstreamFailure} when the last one asked fails; the signal's
 * reason once it is aborted.
 */
export function stream(
  targets: Target[],
  bodyOf: (target: Target) => Record<string, unknown>,
  sending: Sending,
): Promise<Taken<Chunks>> {
  return take(targets, sending, true, async (client, target, signal) => {
    const chunks = await client.chat.completions.create(
      { ...bodyOf(target), model: target.model, stream: true } as never,
      { signal },
    ) as unknown as AsyncIterable<ChatCompletionChunk>;
    const rest = chunks[Symbol.asyncIterator]();
    return { first: await rest.next(), rest };
  });
}

/** The fetch of the request being made, for the client it is made with. */
const fetches = new AsyncLocalStorage<typeof globalThis.fetch>();

/** One client for each connection, made once: making one costs more than a request. */
const clients = new Map<string, OpenAI>();

/**
 * The SDK's client for `target`'s connection, as the terminal makes it
 * (see main.ts: every setting given); each request it makes goes through
 * the fetch {@linkcode fetches} holds for it.
 */
function clientOf(target: Target): OpenAI {
  const key = JSON.stringify(target.connection);
  let client = clients.get(key);
  if (client === undefined) {
    client = new OpenAI({
      ...target.connection,
      adminAPIKey: null,
      webhookSecret: null,
      logLevel: "off",
      fetch: (input, init) => {
        const fetch = fetches.getStore();
        if (fetch === undefined) {
          throw new Error("a request made outside take()");
        }
        return fetch(input, init);
      },
    });
    clients.set(key, client);
  }
  return client;
}

/** Asks each target in turn with `ask` until one answers. */
async function take<T>(
  targets: Target[],
  sending: Sending,
  streaming: boolean,
  ask: (client: OpenAI, target: Target, signal: AbortSignal) => Promise<T>,
): Promise<Taken<T>> {
  const { io, signal: outer } = sending;
  for (const [i, target] of targets.entries()) {
    const abort = new AbortController();
    const stop = () => abort.abort(outer.reason);
    outer.addEventListener("abort", stop, { once: true });
    const idle = new IdleTimeout(sending.timeoutSeconds, abort);
    const fallback = i < targets.length - 1;
    // A whole answer is read as it came, within --timeout of its headers.
    const fetch = idle.wrap(
      serverFetch(sending.wrap?.(io.fetch) ?? io.fetch, abort, { fallback }),
      { body: streaming },
    );
    const release = () => {
      idle[Symbol.dispose]();
      outer.removeEventListener("abort", stop);
    };
    try {
      if (outer.aborted) throw outer.reason;
      const answer = await fetches.run(
        fetch,
        () => ask(clientOf(target), target, abort.signal),
      );
      return { target, abort, answer, [Symbol.dispose]: release };
    } catch (error) {
      release();
      if (outer.aborted) throw outer.reason;
      const reason = abort.signal.reason ?? error;
      const why = fallback ? fallbackReason(reason) : undefined;
      if (why === undefined) throw new UpstreamFailure(target, reason);
      sending.note(
        `${target.shown} cannot answer (${why}): asking ${
          targets[i + 1].shown
        }`,
      );
    }
  }
  throw new Error("no target to ask");
}
