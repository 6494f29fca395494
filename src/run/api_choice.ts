/**
 * Which API each target is asked through: `--api`, the provider's `api`,
 * and what earlier runs found (kept in the history, see
 * `src/history/api_memory.ts`), and what a run finds when the API asked
 * says the other one may answer.
 *
 * | `--api`     | asks through                                                                  | the other, once, when                                  |
 * | ----------- | ----------------------------------------------------------------------------- | ------------------------------------------------------ |
 * | `chat`      | chat completions                                                              | never                                                  |
 * | `responses` | Responses, unless the server was found to have none                           | chat completions: the server has no Responses API      |
 * | `auto`      | Responses for a provider with `api = "responses"` or a model found served only there; else chat | the other: the model is only served by Responses, or the server has none |
 *
 * @module
 */
import type { Options } from "../cli/options.ts";
import type { Target } from "../config/plan.ts";
import type { Api } from "../exchange/request.ts";
import { endpointOf } from "../history/conversation.ts";
import type { Remembered } from "../history/api_memory.ts";
import { History } from "../history/store.ts";
import type { HistoryPlace } from "../history/use.ts";

/** How a target is asked. */
export interface ApiChoice {
  api: Api;
  /** The other API may answer instead (see `Request.switchApi`). */
  switchApi: boolean;
  /** A line to tell first: why it is not the API asked for. */
  told?: string;
}

/**
 * The API of each target, decided and learnt: what is found is kept for
 * the run, and in the history when the run saves.
 */
export class ApiChoices {
  /** What this run found, by endpoint (a server's) or endpoint and model. */
  readonly #found = new Map<string, Remembered>();

  constructor(
    readonly mode: Options["api"],
    readonly place: HistoryPlace,
    /** Whether what is found is saved (not with `--no-history`). */
    readonly save: boolean,
    /** Masks what goes into the history. */
    readonly redact: (text: string) => string = (text) => text,
  ) {}

  /** How `target` is asked, by the table in this module's comment. */
  choose(target: Target): ApiChoice {
    if (
      this.mode === "chat" || (this.mode === "auto" && target.api === "chat")
    ) {
      return { api: "chat", switchApi: false };
    }
    const found = this.#remembered(target);
    if (this.mode === "responses" || target.api === "responses") {
      return found.server === "chat"
        ? {
          api: "chat",
          switchApi: false,
          told: `${target.shown}: ${shownURL(target)} has no Responses API ` +
            "(as an earlier run found): asking through chat completions",
        }
        : { api: "responses", switchApi: true };
    }
    return {
      api: found.model === "responses" && found.server !== "chat"
        ? "responses"
        : "chat",
      switchApi: true,
    };
  }

  /**
   * Keeps what asking `target` through the other API found: `responses`,
   * the model is served only there; `chat`, its server has no Responses
   * API. Returns the line to tell, if any.
   */
  found(target: Target, api: Api): string | undefined {
    const model = api === "responses" ? target.model : "";
    const endpoint = this.#endpoint(target);
    // As the history does: what contradicts it is no longer so.
    for (const key of this.#found.keys()) {
      if (key.startsWith(`${endpoint}\n`)) this.#found.delete(key);
    }
    this.#found.set(
      `${endpoint}\n${model}`,
      api === "responses" ? { model: "responses" } : { server: "chat" },
    );
    if (this.save && this.place.path !== undefined && !this.place.problem) {
      try {
        using history = History.open(this.place.path, {
          ownFolder: this.place.ownFolder,
        });
        history.rememberApi(this.#endpoint(target), model, api);
      } catch {
        // Not kept: the next run finds it again.
      }
    }
    return api === "chat"
      ? `${target.shown}: ${shownURL(target)} has no Responses API: ` +
        "asking through chat completions"
      : undefined;
  }

  #remembered(target: Target): Remembered {
    const endpoint = this.#endpoint(target);
    const known = this.#found.get(`${endpoint}\n`) ??
      this.#found.get(`${endpoint}\n${target.model}`);
    if (known) return known;
    if (this.place.path === undefined || this.place.problem) return {};
    try {
      using history = History.open(this.place.path, { readOnly: true });
      return history.rememberedApi(endpoint, target.model);
    } catch {
      return {}; // an older or damaged history: nothing is known
    }
  }

  #endpoint(target: Target): string {
    return this.redact(shownURL(target));
  }
}

/** A target's base URL without credentials or query. */
function shownURL(target: Target): string {
  const { baseURL } = target.connection;
  return URL.canParse(baseURL)
    ? `${new URL(baseURL).protocol}//${endpointOf(baseURL)}`
    : baseURL;
}
