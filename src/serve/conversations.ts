/**
 * The history over HTTP, for the chat page: `GET /api/conversations` (the
 * latest, or those that hold the words of `q`), `GET /api/conversations/ID`
 * (one, as OpenAI's messages), and `POST /api/chat`: a prompt asked in a new
 * conversation or a saved one, streamed back as chunk events after one that
 * names the conversation, and saved as the terminal saves it, in the same
 * history (`gpt4o --history` lists it, `gpt4o -c ID` follows it up). The
 * history is opened for each request and closed after, as each run of the
 * terminal opens it: concurrent runs queue on its lock and lose nothing.
 *
 * @module
 */
import { type HistoryPlace, openHistory, Recorder } from "../history/use.ts";
import type { History } from "../history/store.ts";
import { HistoryError } from "../history/errors.ts";
import {
  type Conversation,
  endpointOf,
  type Exchange,
  type Message,
  messagesOf,
} from "../history/conversation.ts";
import { DEFAULT_HISTORY_LIMIT } from "../cli/options.ts";
import { InterruptedError } from "../errors.ts";
import type { Start, Target } from "../config/plan.ts";
import { requestFields } from "../config/sampling.ts";
import { InlineData, partsOf } from "../files/parts.ts";
import { answerOf } from "../exchange/answer.ts";
import { printStream, type StreamedCompletion } from "../exchange/stream.ts";
import { outcomeOf } from "../exchange/request.ts";
import { costOf, priceOf, usageOf } from "../exchange/cost.ts";
import { apiOf, maskedMessage } from "../run/turns.ts";
import { readJSON } from "./guard.ts";
import { ChunkMask, maskedOutgoing } from "./mask.ts";
import {
  badRequest,
  ClientGone,
  event,
  eventStream,
  failureOf,
  json,
  ServeError,
} from "./replies.ts";
import { lifeOf, pushedBody, type Serving } from "./serving.ts";
import { planOf } from "./targets.ts";
import { stream, UpstreamFailure } from "./upstream.ts";
import { type ChatAsked, chatAskedOf } from "./chat_request.ts";

/** The paths this module answers. */
export const CONVERSATIONS_PATH = "/api/conversations";
export const CHAT_PATH = "/api/chat";

/** The most conversations a listing gives. */
export const MAX_LIST = 1000;

/**
 * `GET /api/conversations?q=WORDS&limit=N`: the latest `N` (default 20),
 * newest first, or those that hold the words, best first as `--search`
 * ranks them: `{"data": [{"id", "title", "model", "updated", "turns"}…]}`.
 *
 * @throws {ServeError} 400 for a limit that is no number from 1 to
 * {@linkcode MAX_LIST}; 409 when history is off.
 */
export function listConversations(
  request: Request,
  serving: Serving,
): Response {
  const params = new URL(request.url).searchParams;
  const limit = limitOf(params.get("limit"));
  const words = params.get("q")?.trim() ?? "";
  using history = historyOf(serving.settings.history);
  const summaries = reading(() =>
    words
      ? history.summaries(history.search(words, limit).map(({ id }) => id))
      : history.list(limit)
  );
  return json(maskedOutgoing({
    data: summaries.map(({ id, title, model, updated, turns }) => ({
      id,
      title,
      model,
      updated,
      turns,
    })),
  }, serving.secrets));
}

/**
 * `GET /api/conversations/ID`: `{"id", "title", "model", "system",
 * "messages"}`, the messages a follow-up sends (a turn without an answer
 * left out), each `{"role", "content"}`: a user's content a text, or
 * OpenAI's content parts with the files as data URLs.
 *
 * @throws {ServeError} 404 for an id of no conversation.
 */
export function showConversation(id: string, serving: Serving): Response {
  using history = historyOf(serving.settings.history);
  const conversation = /^\d{1,15}$/.test(id)
    ? reading(() => history.get(Number(id)))
    : undefined;
  if (conversation === undefined) throw notFound(id);
  const messages = messagesOf(conversation).slice(1).flatMap((message) =>
    message.role === "user" || message.role === "assistant"
      ? [{ role: message.role, content: message.content }]
      : []
  );
  return json(maskedOutgoing({
    id: conversation.id,
    title: conversation.title,
    model: conversation.model,
    system: conversation.system,
    messages,
  }, serving.secrets));
}

/**
 * `POST /api/chat`: `{"conversation"?, "model"?, "prompt", "attachments"?}`
 * asked, and answered as `text/event-stream`: `event: conversation` with
 * its id, each chunk as OpenAI streams it, then `[DONE]`; or, when it fails
 * on the way, `event: error` with OpenAI's error, and the end. The turn is
 * saved before the answer begins (so the conversation has its id), and
 * completed once it ends, however it ends: a client that goes away stops
 * the upstream request, and what came is saved as interrupted.
 *
 * @throws {ServeError} for a body, a conversation or a model that cannot
 * be asked, no slot free, or a history that cannot be saved to.
 */
export async function chat(
  request: Request,
  serving: Serving,
): Promise<Response> {
  const asked = await chatAskedOf(await readJSON(request, serving.limit));
  const place = serving.settings.history;
  let resumed: Conversation | undefined;
  if (asked.conversation !== undefined) {
    using history = historyOf(place);
    resumed = reading(() => history.get(asked.conversation!));
    if (resumed === undefined) throw notFound(String(asked.conversation));
  } else kept(place);
  const plan = planOf(
    asked.model,
    serving.options,
    serving.settings,
    serving.log,
    resumed,
  );
  const slot = serving.slots.take();
  const warnings: string[] = [];
  const recorder = new Recorder(place, (line) => {
    warnings.push(line);
    serving.log(line);
  });
  const exchange = new ChatExchange(asked, plan.start, resumed, serving);
  const begun = recorder.begin(exchange.saved(plan.targets[0]), resumed?.id);
  if (begun === undefined) {
    slot[Symbol.dispose]();
    throw new ServeError(
      500,
      warnings[0] ?? "history not saved",
      "server_error",
      "history_failed",
    );
  }
  const life = lifeOf(request, serving.closing);
  return eventStream(pushedBody(async (send) => {
    try {
      await send(event({ id: begun.conversationId }, "conversation"));
      const ended = await exchange.run(plan.targets, life.signal, send);
      recorder.finish(begun, ended.saved);
      if (ended.last) await send(ended.last);
    } finally {
      slot[Symbol.dispose]();
      life[Symbol.dispose]();
    }
  }, () => life.abort(new ClientGone())));
}

/** One prompt of the page's chat, on its way, and as it is saved. */
class ChatExchange {
  readonly #inline = new InlineData();
  readonly #started = new Date();
  readonly #messages: Message[];
  readonly #redact: (text: string) => string;

  constructor(
    readonly asked: ChatAsked,
    readonly start: Pick<Start, "system" | "sampling">,
    resumed: Conversation | undefined,
    readonly serving: Serving,
  ) {
    const { prompt, attachments } = asked;
    this.#redact = (text) => serving.secrets.redact(text);
    this.#messages = [
      { role: "system", content: start.system },
      ...(resumed
        ? messagesOf(resumed, undefined, this.#inline.standIn).slice(1)
        : []),
      {
        role: "user",
        content: attachments.length
          ? partsOf(prompt, attachments, this.#inline.standIn)
          : prompt,
      },
    ].map((message) => maskedMessage(message as Message, this.#redact));
  }

  /** The exchange as saved for `target`: before its answer, unless `end` says how it ended. */
  saved(target: Target, end?: Partial<Exchange>): Exchange {
    const redact = this.#redact;
    const { attachments, prompt } = this.asked;
    return {
      system: redact(this.start.system),
      prompt: redact(prompt),
      model: target.spec,
      endpoint: redact(endpointOf(target.connection.baseURL)),
      answer: "",
      outcome: "interrupted",
      started: this.#started,
      finished: this.#started,
      ...(attachments.length ? { attachments } : {}),
      ...(Object.keys(this.start.sampling).length
        ? { options: this.start.sampling }
        : {}),
      ...end,
    };
  }

  /**
   * Asks the targets in turn, sending each chunk of the answer as it comes;
   * returns the exchange to save and the event that ends the stream.
   */
  async run(
    targets: Target[],
    signal: AbortSignal,
    send: (text: string) => Promise<void>,
  ): Promise<{ saved: Exchange; last: string }> {
    const { serving } = this;
    const mask = new ChunkMask(serving.secrets);
    let target = targets[0];
    let text = "";
    let completion: StreamedCompletion | undefined;
    try {
      using taken = await stream(targets, (each) => ({
        ...requestFields(this.start.sampling, apiOf(each)),
        messages: this.#messages,
        stream_options: { include_usage: true },
      }), {
        io: serving.io,
        timeoutSeconds: serving.options.timeoutSeconds,
        signal,
        note: serving.log,
        wrap: (fetch) => this.#inline.wrap(fetch),
      });
      target = taken.target;
      const { first, rest } = taken.answer;
      const relayed = async function* () {
        for (let next = first; !next.done; next = await rest.next()) {
          await send(event(mask.mask(next.value)));
          yield next.value;
        }
      };
      completion = await printStream(
        relayed(),
        { write: (piece) => void (text += piece) },
        { signal: taken.abort.signal },
      );
      answerOf(completion, { streamed: true }); // cut off, refused: a failure
      return {
        saved: this.#ended(target, text, completion, {
          outcome: outcomeOf(completion.choices[0]?.finish_reason),
        }),
        last: event("[DONE]"),
      };
    } catch (error) {
      const reason = error instanceof UpstreamFailure ? error.cause : error;
      if (error instanceof UpstreamFailure) target = error.target;
      if (reason instanceof ClientGone) {
        return {
          saved: this.#ended(target, text, completion, {
            outcome: "interrupted",
            error: "interrupted: the page went away",
          }),
          last: "",
        };
      }
      const failure = failureOf(reason, target);
      const message = this.#redact(failure.message);
      if (!(reason instanceof InterruptedError)) {
        serving.log(`${target.shown}: ${message}`);
      }
      return {
        saved: this.#ended(target, text, completion, {
          outcome: outcomeOf(undefined, reason),
          error: message,
        }),
        last: event(
          { error: { ...failure.body.error, message } },
          "error",
        ),
      };
    }
  }

  #ended(
    target: Target,
    text: string,
    completion: StreamedCompletion | undefined,
    end: Partial<Exchange>,
  ): Exchange {
    const usage = completion?.usage;
    const price = priceOf(this.serving.settings.file?.prices ?? {}, target);
    const cost = costOf(usage, price);
    return this.saved(target, {
      answer: this.#redact(text),
      usage: usageOf(usage) ?? null,
      ...(cost ? { cost } : {}),
      finished: new Date(),
      ...end,
    });
  }
}

/** A listing's `limit`: a whole number from 1 to {@linkcode MAX_LIST}. */
function limitOf(text: string | null): number {
  if (text === null) return DEFAULT_HISTORY_LIMIT;
  const limit = Number(text);
  if (/^\d+$/.test(text) && limit >= 1 && limit <= MAX_LIST) return limit;
  throw badRequest(
    `limit must be a whole number from 1 to ${MAX_LIST}`,
    "invalid_value",
  );
}

/**
 * The history, opened to read.
 *
 * @throws {ServeError} 409 `history_off` when there is none to keep
 * (`GPT4O_HISTORY=off`), 500 when it cannot be opened.
 */
function historyOf(place: HistoryPlace): History {
  kept(place);
  return reading(() => openHistory(place));
}

/**
 * Checks that there is a history to keep conversations in.
 *
 * @throws {ServeError} 409 `history_off` when it is off.
 */
function kept(place: HistoryPlace): void {
  if (place.path === undefined && place.problem === undefined) {
    throw new ServeError(
      409,
      "history is off (GPT4O_HISTORY=off), and the page's conversations " +
        "are kept there: unset GPT4O_HISTORY and start the server again",
      "invalid_request_error",
      "history_off",
    );
  }
}

/** What `read` returns; a failure of the history is a 500 that says it. */
function reading<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    throw new ServeError(500, error.message, "server_error", "history_failed");
  }
}

function notFound(id: string): ServeError {
  return new ServeError(
    404,
    `there is no conversation ${
      JSON.stringify(id.slice(0, 40))
    } in the history: GET /api/conversations lists them`,
    "invalid_request_error",
    "not_found",
  );
}
