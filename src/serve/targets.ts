/**
 * Where a request to `--serve` goes, decided as a run decides it
 * (`src/config/plan.ts`): its `model` is anything `-m` takes (a model,
 * `provider:model`, an alias, a fallback list `a,b`) or `role:NAME` (the
 * role's model, system message and options), none the run's own; and the
 * body sent upstream is the client's, its sampling options checked and
 * named as the target's server takes them (the rules of `-o`), over the
 * server's (the config file's, the role's, `-o`'s).
 *
 * @module
 */
import type { Options } from "../cli/options.ts";
import { ConfigError } from "../config/connection.ts";
import {
  type Settings,
  type Start,
  startOf,
  type Target,
  targetsOf,
} from "../config/plan.ts";
import type { Conversation } from "../history/conversation.ts";
import {
  checkOptions,
  mergeOptions,
  OPTION_NAMES,
  requestFields,
  type SamplingOptions,
} from "../config/sampling.ts";
import { apiOf } from "../run/turns.ts";
import type { Secrets } from "../io/redact.ts";
import { badRequest, ServeError } from "./replies.ts";
import { maskedOutgoing } from "./mask.ts";

/** Where one request goes, and what the server adds to it. */
export interface Plan {
  /** The targets in fallback order. */
  targets: Target[];
  /** `role:NAME`'s system message, sent before a client's own messages. */
  system?: string;
  /** How the run would begin this request: its model, system message and sampling options. */
  start: Start;
}

/** The prefix of a `model` that names a role. */
export const ROLE_PREFIX = "role:";

/**
 * The plan of a request whose `model` is `model` (`undefined`, or `""`,
 * for the run's own: `-m`, `GPT4O_MODEL`, the config's, gpt-4o), to start
 * a conversation or follow up `resumed`.
 *
 * @throws {ServeError} 404 `model_not_found` for a role the config file
 * does not have; 400 for a model text that names no target that can be
 * used (no key, no model), or a provider asked through the Responses API.
 */
export function planOf(
  model: unknown,
  options: Options,
  settings: Settings,
  note: (line: string) => void = () => {},
  resumed?: Conversation,
): Plan {
  if (model !== undefined && model !== null && typeof model !== "string") {
    throw badRequest("model must be a text, such as gpt-4o", "invalid_model");
  }
  const role = model?.startsWith(ROLE_PREFIX)
    ? model.slice(ROLE_PREFIX.length)
    : undefined;
  let start;
  try {
    // The role's model and system message, else the run's: -m, GPT4O_MODEL…
    start = startOf(
      role === undefined
        ? { ...options, model: model || options.model }
        : { ...options, model: undefined, role },
      settings,
      resumed,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ServeError(
      404,
      `${
        error.message.replace(": --roles lists them", "")
      }: GET /v1/models lists the models and roles`,
      "invalid_request_error",
      "model_not_found",
    );
  }
  let targets;
  try {
    targets = targetsOf(start.model, settings, note);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw badRequest(error.message, "model_not_available");
  }
  const responses = targets.find((target) => target.api === "responses");
  if (responses) {
    throw badRequest(
      `${responses.shown} is asked through the Responses API (api = ` +
        '"responses"), which --serve does not relay yet: ask a provider of ' +
        "chat completions",
      "model_not_available",
    );
  }
  const system = role === undefined ? undefined : start.role?.system;
  return { targets, ...(system === undefined ? {} : { system }), start };
}

/** A client's chat-completions request, checked once for all its targets. */
export interface Asked {
  messages: unknown[];
  stream: boolean;
  /** Its sampling options, checked. */
  sampling: SamplingOptions;
  /** Its other fields (`tools`, `tool_choice`, `response_format`, …), passed on as they are. */
  fields: Record<string, unknown>;
}

/**
 * The chat-completions request in `body`: `messages`, `stream`, the
 * sampling options (`max_completion_tokens` is `max_tokens` by another
 * name; a `null` one is not set), and the rest.
 *
 * @throws {ServeError} 400 for messages that are no list of messages, a
 * `stream` that is not true or false, or an option of a value the API
 * does not take.
 */
export function askedOf(body: Record<string, unknown>): Asked {
  const { model: _, messages, stream = false, ...rest } = body;
  if (
    !Array.isArray(messages) || messages.length === 0 ||
    !messages.every((each) => typeof each === "object" && each !== null)
  ) {
    throw badRequest(
      "messages must be a list of messages, such as " +
        '[{"role": "user", "content": "Hi"}]',
      "invalid_messages",
    );
  }
  if (typeof stream !== "boolean") {
    throw badRequest("stream must be true or false", "invalid_value");
  }
  const known: Record<string, unknown> = {};
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(rest)) {
    const option = name === "max_completion_tokens" ? "max_tokens" : name;
    if (!(OPTION_NAMES as readonly string[]).includes(option)) {
      fields[name] = value;
    } else if (value !== null) known[option] = value;
  }
  let sampling;
  try {
    ({ options: sampling } = checkOptions(known, "request"));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw badRequest(error.message.replace(/^request\./, ""), "invalid_value");
  }
  return { messages, stream, sampling, fields };
}

/**
 * The body sent to `target`: the client's fields, the sampling options
 * (the server's under the client's) as its server names them, the role's
 * system message first, and every text of the messages with the run's
 * secrets masked (files' data as it is). The model is the SDK's to add.
 */
export function upstreamBody(
  asked: Asked,
  plan: Plan,
  target: Target,
  secrets: Secrets,
): Record<string, unknown> {
  return {
    ...asked.fields,
    ...requestFields(
      mergeOptions(plan.start.sampling, asked.sampling),
      apiOf(target),
    ),
    messages: [
      ...(plan.system === undefined
        ? []
        : [{ role: "system", content: secrets.redact(plan.system) }]),
      ...maskedOutgoing(asked.messages, secrets),
    ],
  };
}
