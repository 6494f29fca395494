/**
 * `POST /v1/chat/completions`: OpenAI's request passed on to the targets
 * its `model` names and their answer passed back in OpenAI's shapes, whole
 * or streamed chunk by chunk (each one the upstream sent, read as JSON and
 * framed anew, the run's secrets masked), ending in `[DONE]`; not saved to
 * the history. The keys stay in the server: nothing of the client's
 * headers goes upstream.
 *
 * @module
 */
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { AnswerError, CutOffError } from "../exchange/answer.ts";
import { InterruptedError } from "../errors.ts";
import type { Target } from "../config/plan.ts";
import { readJSON } from "./guard.ts";
import { ChunkMask } from "./mask.ts";
import {
  ClientGone,
  event,
  eventStream,
  failureOf,
  json,
  ServeError,
} from "./replies.ts";
import { eventBody, lifeOf, type Serving } from "./serving.ts";
import { askedOf, planOf, upstreamBody } from "./targets.ts";
import {
  type Chunks,
  complete,
  stream,
  type Taken,
  UpstreamFailure,
} from "./upstream.ts";

/** The path this module answers. */
export const COMPLETIONS_PATH = "/v1/chat/completions";

/**
 * Answers a chat-completions request.
 *
 * @throws {ServeError} for a request that cannot be sent (its body, its
 * model), no slot free, or an upstream failure before anything was sent.
 */
export async function relay(
  request: Request,
  serving: Serving,
): Promise<Response> {
  const body = await readJSON(request, serving.limit);
  const asked = askedOf(body);
  const plan = planOf(
    body.model,
    serving.options,
    serving.settings,
    serving.log,
  );
  const slot = serving.slots.take();
  const life = lifeOf(request, serving.closing);
  const sending = {
    io: serving.io,
    timeoutSeconds: serving.options.timeoutSeconds,
    signal: life.signal,
    note: serving.log,
  };
  const bodyOf = (target: Target) =>
    upstreamBody(asked, plan, target, serving.secrets);
  const mask = new ChunkMask(serving.secrets);
  const ended = () => {
    slot[Symbol.dispose]();
    life[Symbol.dispose]();
  };
  if (!asked.stream) {
    try {
      using taken = await complete(plan.targets, bodyOf, sending);
      if (typeof taken.answer !== "object" || taken.answer === null) {
        throw new UpstreamFailure(
          taken.target,
          new AnswerError(
            "the server answered with text, not JSON: check that its base " +
              "URL is an OpenAI-compatible API (it usually ends in /v1)",
          ),
        );
      }
      return json(mask.mask(taken.answer));
    } catch (error) {
      throw told(error, serving);
    } finally {
      ended();
    }
  }
  let taken;
  try {
    taken = await stream(plan.targets, bodyOf, sending);
  } catch (error) {
    ended();
    throw told(error, serving);
  }
  return eventStream(eventBody(
    events(taken, mask, serving, ended),
    () => life.abort(new ClientGone()),
  ));
}

/**
 * The events of a stream: each chunk as it came, masked, then `[DONE]`;
 * a failure on the way (a stream that ends before a finish reason
 * included) is OpenAI's error event, and ends it.
 */
async function* events(
  taken: Taken<Chunks>,
  mask: ChunkMask,
  serving: Serving,
  ended: () => void,
): AsyncGenerator<string> {
  const { abort, answer } = taken;
  try {
    let finished = false;
    for (let next = answer.first; !next.done; next = await answer.rest.next()) {
      const chunk: ChatCompletionChunk = next.value;
      if (chunk.choices?.some((choice) => choice.finish_reason)) {
        finished = true;
      }
      yield event(mask.mask(chunk));
    }
    abort.signal.throwIfAborted(); // the SDK ends a stream quietly on abort
    if (!finished) throw new CutOffError();
    yield event("[DONE]");
  } catch (error) {
    const reason = abort.signal.reason ?? error;
    if (reason instanceof ClientGone) return;
    const failure = upstreamFailure(
      new UpstreamFailure(taken.target, reason),
      serving,
    );
    yield event(failure.body);
  } finally {
    taken[Symbol.dispose]();
    ended();
  }
}

/**
 * `error` as the client is told it: an upstream failure as its status
 * means, its words masked and told on stderr too; the server stopping as a
 * 503; any other as it is.
 */
export function told(error: unknown, serving: Serving): unknown {
  if (error instanceof InterruptedError) return failureOf(error);
  return error instanceof UpstreamFailure
    ? upstreamFailure(error, serving)
    : error;
}

/**
 * An upstream failure as the client is told it, and as the server's owner
 * is told it on stderr.
 */
export function upstreamFailure(
  error: UpstreamFailure,
  serving: Serving,
): ServeError {
  const failure = failureOf(error.cause, error.target);
  const message = serving.secrets.redact(failure.message);
  // The server's own stopping is no upstream failure to tell.
  if (!(error.cause instanceof InterruptedError)) {
    serving.log(`${error.target.shown}: ${message}`);
  }
  return new ServeError(
    failure.status,
    message,
    failure.type,
    failure.code,
    failure.headers,
  );
}
