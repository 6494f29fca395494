/**
 * The program's use of the history: saving each exchange without ever
 * costing an answer, finding the conversation to continue, and `--history`
 * and `--show`.
 *
 * @module
 */
import { ConfigError, type Variables } from "../config/connection.ts";
import type { Conversation, Exchange } from "./conversation.ts";
import type { Execution } from "./executions.ts";
import {
  ConversationGoneError,
  HistoryError,
  NameTakenError,
} from "./errors.ts";
import { History } from "./store.ts";
import type { Begun } from "./pending.ts";
import type { ConversationRef } from "../cli/history_options.ts";
import { historyPath } from "../config/paths.ts";

/**
 * Where the history is, decided once for a run: its file, or why there is
 * none to use (history off, no folder variable, no permission to read them).
 */
export interface HistoryPlace {
  path?: string;
  /** Why there is no history to use; `undefined` with no path: it is off. */
  problem?: Error;
  /** The folder is the program's own (GPT4O_HISTORY does not name it). */
  ownFolder: boolean;
}

/**
 * The history's place from the variables: {@linkcode historyPath}, with a
 * variable this run may not read told as such.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { historyPlaceOf } from "./use.ts";
 * assert.deepEqual(historyPlaceOf((name) => ({ GPT4O_HISTORY: "/h.db" })[name]), {
 *   path: "/h.db",
 *   ownFolder: false,
 * });
 * ```
 */
export function historyPlaceOf(read: Variables): HistoryPlace {
  const ownFolder = (() => {
    try {
      return read("GPT4O_HISTORY") === undefined;
    } catch {
      return false;
    }
  })();
  try {
    const path = historyPath(read);
    return path === undefined ? { ownFolder } : { path, ownFolder };
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      return {
        ownFolder,
        problem: new HistoryError(
          "no permission to read GPT4O_HISTORY, XDG_DATA_HOME, HOME or " +
            "APPDATA: run `deno task start`, or add --no-history",
        ),
      };
    }
    if (error instanceof Error) return { ownFolder, problem: error };
    throw error;
  }
}

/**
 * Opens the history, to read only, for an option that needs it
 * (`--continue`, `--conversation`, `--history`, `--show`).
 *
 * @throws {HistoryError} when history is off or the database cannot be used.
 */
export function openHistory(place: HistoryPlace): History {
  if (place.problem) throw place.problem;
  if (place.path === undefined) throw offError();
  return History.open(place.path, { readOnly: true });
}

/**
 * The conversation to follow up: the latest one, or the one with this id
 * or name.
 *
 * @throws {HistoryError} when there is none.
 */
export function conversationToContinue(
  history: History,
  ref: ConversationRef | undefined,
): Conversation {
  const id = typeof ref === "string" ? history.named(ref) : ref;
  const conversation = ref === undefined
    ? history.latest()
    : id === undefined
    ? undefined
    : history.get(id);
  if (conversation) return conversation;
  throw new HistoryError(
    ref === undefined
      ? "there is no conversation to continue yet: ask a question first"
      : typeof ref === "string"
      ? `there is no conversation named "${ref}": --history lists them`
      : `there is no conversation ${ref}: --history lists them`,
  );
}

/**
 * Saves exchanges to the history. Whatever goes wrong there (no folder to
 * keep it in, no permission, a locked, corrupt or full database) is told in
 * one warning line, once, and never changes the exit code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Recorder } from "./use.ts";
 * import { historyPlaceOf } from "./use.ts";
 * const warnings: string[] = [];
 * const recorder = new Recorder(historyPlaceOf(() => undefined), (line) => warnings.push(line));
 * const id = recorder.save({
 *   system: "Be brief.", prompt: "Hi", model: "gpt-4o", endpoint: "api.openai.com/v1",
 *   answer: "Hello!", outcome: "answered", started: new Date(), finished: new Date(),
 * });
 * assert.equal(id, undefined);
 * assert.deepEqual(warnings, [
 *   "history not saved: cannot tell where to keep the history: HOME is not set " +
 *   "(set GPT4O_HISTORY to a file, or GPT4O_HISTORY=off)",
 * ]);
 * ```
 */
export class Recorder {
  #warned = false;
  /** The id of the exchange saved last, once a save went through. */
  lastExchange: number | undefined;

  constructor(
    readonly place: HistoryPlace,
    readonly warn: (line: string) => void,
  ) {}

  /**
   * Adds `exchange` to conversation `conversationId`, or to a new one, and
   * returns the conversation's id; `undefined` when history is off or failed.
   */
  save(exchange: Exchange, conversationId?: number): number | undefined {
    return this.#use((history, path) => {
      try {
        return history.save(exchange, conversationId);
      } catch (error) {
        if (!(error instanceof ConversationGoneError)) throw error;
        return this.#saveAnew(history, path, exchange, conversationId!);
      } finally {
        this.lastExchange = history.lastExchange;
      }
    });
  }

  /**
   * Saves `exchange` before its answer is in (see `pending.ts`), to
   * conversation `conversationId` or a new one; `undefined` when history is
   * off or failed.
   */
  begin(exchange: Exchange, conversationId?: number): Begun | undefined {
    return this.#use((history) => history.begin(exchange, conversationId));
  }

  /**
   * Completes what {@linkcode begin} saved, and returns the conversation's
   * id: a new one when it was deleted meanwhile.
   */
  finish(begun: Begun, exchange: Exchange): number | undefined {
    return this.#use((history, path) => {
      try {
        history.finish(begun, exchange);
        return begun.conversationId;
      } catch (error) {
        if (!(error instanceof ConversationGoneError)) throw error;
        return this.#saveAnew(history, path, exchange, begun.conversationId);
      }
    });
  }

  /** Runs `work` on the history, opened for it; what goes wrong is one warning. */
  #use<T>(work: (history: History, path: string) => T): T | undefined {
    try {
      const { path, problem, ownFolder } = this.place;
      if (problem) throw problem;
      if (path === undefined) return undefined;
      using history = History.open(path, { ownFolder });
      return work(history, path);
    } catch (error) {
      if (!this.#warned) this.warn(`history not saved: ${reasonOf(error)}`);
      this.#warned = true;
      return undefined;
    }
  }

  /** Saves `exchange` as a new conversation, since `gone` is no longer there. */
  #saveAnew(
    history: History,
    path: string,
    exchange: Exchange,
    gone: number,
  ): number {
    const id = history.save(exchange);
    this.warn(
      `conversation ${gone} is no longer in the history at ${path} (was ` +
        "the file removed?): this turn and the next are saved as " +
        `conversation ${id}`,
    );
    return id;
  }

  /**
   * Keeps a decision about the command exchange `exchangeId` proposed
   * (`-e`); whatever goes wrong is the one warning, as for a save.
   */
  execution(exchangeId: number, execution: Execution): void {
    this.#use((history) => history.saveExecution(exchangeId, execution));
  }

  /**
   * Names conversation `id`; whatever goes wrong (the name taken meanwhile,
   * the database) is one warning line, and the conversation stays saved.
   * Returns whether it is named.
   */
  name(id: number, name: string): boolean {
    if (this.place.problem || this.place.path === undefined) return false;
    try {
      renameConversation(this.place, id, name);
      return true;
    } catch (error) {
      this.warn(
        error instanceof NameTakenError
          ? `conversation ${id} is saved, but not named "${name}": ` +
            `conversation ${error.id} has that name (--title names it anew)`
          : `conversation ${id} is saved, but not named: ${reasonOf(error)}`,
      );
      return false;
    }
  }
}

/**
 * Names conversation `id` in the history at `place`.
 *
 * @throws {HistoryError} when history is off or cannot be written, the
 * conversation is gone, or another one has the name.
 */
export function renameConversation(
  place: HistoryPlace,
  id: number,
  name: string,
): void {
  if (place.problem) throw place.problem;
  if (place.path === undefined) throw offError();
  using history = History.open(place.path, { ownFolder: place.ownFolder });
  history.rename(id, name);
}

/** History is off. */
function offError(): HistoryError {
  return new HistoryError(
    "history is off (GPT4O_HISTORY=off): unset GPT4O_HISTORY to keep and use it",
  );
}

/**
 * Checks, before anything is sent, that `name` can be given to the
 * conversation `id` (or to a new one): that history is kept, and that no
 * other conversation has the name.
 *
 * @throws {HistoryError} when it cannot.
 */
export function checkName(
  place: HistoryPlace,
  name: string,
  id: number | undefined,
): void {
  if (place.path === undefined && !place.problem) {
    throw new HistoryError(
      "--title names a conversation in the history, which is off " +
        "(GPT4O_HISTORY=off): unset GPT4O_HISTORY to keep one",
    );
  }
  using history = openHistory(place);
  const other = history.named(name);
  if (other !== undefined && other !== id) {
    throw new NameTakenError(name, other);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof HistoryError || error instanceof ConfigError
    ? error.message
    : `unexpected error: ${String(error).replace(/\s+/g, " ")}`;
}
