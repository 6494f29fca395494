/**
 * The conversation history: every exchange saved in a SQLite database
 * (Deno's built-in `node:sqlite`), read back to continue a conversation, list
 * them or show one. No key, URL credential or header value is ever stored:
 * an {@linkcode Exchange} has no field for one.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { cut, flatten } from "../text/line.ts";
import {
  type Conversation,
  type ConversationSummary,
  type Exchange,
  OUTCOMES,
} from "./conversation.ts";
import {
  ConversationGoneError,
  HistoryError,
  historyError,
  NameTakenError,
} from "./errors.ts";
import { matchQuery, searchHistory, type SearchHit } from "./search.ts";
import { forget, type Forgotten, unusedSince } from "./forget.ts";
import { usageSums } from "./usage.ts";
import { checkVersion, migrate, SCHEMA_VERSION } from "./migrations.ts";
import { type AttachmentRow, type ExchangeRow, toExchange } from "./rows.ts";
import {
  remember,
  type Remembered,
  remembered,
  type RememberedApi,
} from "./api_memory.ts";
import { checkedBytes, checkedFile, DamagedHistoryError } from "./checked.ts";
import { exists, preparePrivately } from "./private_file.ts";
import {
  type Begun,
  END_COLUMNS,
  endValues,
  finishExchange,
  latestExchange,
} from "./pending.ts";
import { addExecution, type Execution, executionsOf } from "./executions.ts";

/** How long a save or an open waits for another process's lock, in ms. */
export const BUSY_TIMEOUT_MS = 5000;

/** Options of {@linkcode History.open}. */
export interface OpenOptions {
  /** How long to wait for another process's lock, in ms. */
  timeout?: number;
  /**
   * Only read: nothing is created or changed (`--history`, `--show`, the
   * conversation `-c` follows up), so a read-only history still reads. A
   * missing file reads as an empty history.
   */
  readOnly?: boolean;
  /**
   * The folder is the program's own (not one `GPT4O_HISTORY` names): one that
   * others may read or write is made `0700`.
   */
  ownFolder?: boolean;
}

/** How much of an attachment one row of `attachment_chunks` holds. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * The history database. Open it with {@linkcode History.open}; every method
 * throws {@linkcode HistoryError} when the database fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { History } from "./store.ts";
 * using history = History.open(":memory:");
 * const id = history.save({
 *   system: "Be brief.", prompt: "hi", model: "gpt-4o", endpoint: "api.openai.com/v1",
 *   answer: "Hello!", outcome: "answered", started: new Date(), finished: new Date(),
 * });
 * assert.equal(history.latest()?.id, id);
 * assert.equal(history.list()[0].title, "hi");
 * ```
 */
export class History implements Disposable {
  readonly #db: DatabaseSync;
  readonly #timeout: number;
  readonly #statements = new Map<string, StatementSync>();
  #lastExchange: number | undefined;

  private constructor(
    readonly path: string,
    db: DatabaseSync,
    timeout: number,
  ) {
    this.#db = db;
    this.#timeout = timeout;
  }

  /**
   * Opens the database, creating it (folder `0700`, file `0600`) and its
   * schema when needed; `:memory:` opens one that lives in memory only.
   *
   * @throws {HistoryError} when the file cannot be opened, is not a
   * database, has a newer schema than this code knows, or stays locked
   * longer than `timeout`.
   */
  static open(path: string, options: OpenOptions = {}): History {
    const timeout = options.timeout ?? BUSY_TIMEOUT_MS;
    const { readOnly = false, ownFolder = false } = options;
    let db: DatabaseSync | undefined;
    try {
      if (readOnly && path !== ":memory:" && !exists(path)) {
        return History.open(":memory:", { timeout }); // nothing saved yet
      }
      if (path !== ":memory:" && !readOnly) preparePrivately(path, ownFolder);
      // The busy timeout is set on opening, before the first statement.
      db = new DatabaseSync(path, { timeout, readOnly });
      // What the file is, first: only the program's own history is changed.
      const version = checkVersion(db, path);
      if (readOnly) {
        if (version !== SCHEMA_VERSION) {
          throw new HistoryError(
            `the history at ${path} has schema version ${version}: open it ` +
              "once with write access (any question does) to bring it up to date",
          );
        }
      } else {
        // One file and no other: a rollback journal lives only while a save
        // does (a reader, even one that may not write, leaves nothing behind),
        // and each save is on disk when it returns.
        db.exec("PRAGMA journal_mode = DELETE");
        db.exec("PRAGMA synchronous = FULL");
        migrate(db, path);
      }
      return new History(path, db, timeout);
    } catch (error) {
      if (db?.isOpen) db.close();
      throw historyError("open", path, error, timeout);
    }
  }

  /** The conversation updated last, if any. */
  latest(): Conversation | undefined {
    const row = this.#read(() =>
      this.#db.prepare(
        "SELECT id FROM conversations ORDER BY updated DESC, id DESC LIMIT 1",
      ).get()
    );
    return row === undefined ? undefined : this.get(row.id as number);
  }

  /**
   * The conversation with this id, if any.
   *
   * @throws {DamagedHistoryError} when what is stored is not what a save
   * writes (an attachment's size or bytes, a turn's JSON, its outcome).
   */
  get(id: number): Conversation | undefined {
    const rows = this.#read(() =>
      this.#db.prepare(
        // Read as bytes: SQLite's text stops at a NUL, which an answer may hold.
        `SELECT CAST(system AS BLOB) AS system, CAST(prompt AS BLOB) AS prompt,
          model, endpoint, CAST(answer AS BLOB) AS answer, outcome,
          CAST(error AS BLOB) AS error, prompt_tokens, completion_tokens,
          total_tokens, reasoning_tokens, cached_tokens, cost, cost_source,
          price_input, price_cached, price_output, started, finished, options,
          CAST(tool_messages AS BLOB) AS tool_messages, id
        FROM exchanges WHERE conversation_id = ? ORDER BY id`,
      ).all(id)
    ) as unknown as ExchangeRow[];
    const about = this.#read(() =>
      this.#db.prepare(
        "SELECT title, name, created, updated FROM conversations WHERE id = ?",
      ).get(id)
    );
    if (rows.length === 0 || about === undefined) return undefined;
    const attachmentRows = this.#read(() =>
      this.#db.prepare(
        `SELECT e.exchange_id, e.name, a.kind, a.size, e.sha256, e.url
        FROM exchange_attachments e JOIN exchanges x ON x.id = e.exchange_id
        LEFT JOIN attachments a ON a.sha256 = e.sha256
        WHERE x.conversation_id = ? ORDER BY e.exchange_id, e.position`,
      ).all(id)
    ) as unknown as AttachmentRow[];
    const damaged = (what: string) =>
      new DamagedHistoryError(this.path, id, what);
    // Each file read once, however many turns sent it; each checked before
    // a byte of it is read.
    const files = new Map<string, Uint8Array>();
    for (const { sha256, kind, size, url } of attachmentRows) {
      if (url !== null || files.has(sha256 ?? "")) continue;
      if (sha256 === null || size === null) {
        throw damaged("an attachment with no file saved");
      }
      const file = checkedFile(kind, size);
      if (typeof file === "string") throw damaged(file);
      const bytes = this.#read(() => this.#file(sha256, file.size));
      const wrong = checkedBytes(bytes, file.size, sha256);
      if (wrong) throw damaged(wrong);
      files.set(sha256, bytes);
    }
    const attached = Map.groupBy(attachmentRows, (row) => row.exchange_id);
    const executions = this.#read(() => executionsOf(this.#db, id));
    const turns = rows.map((row) => {
      const turn = toExchange(row, attached.get(row.id) ?? [], files);
      if (typeof turn === "string") throw damaged(turn);
      const decided = executions.get(row.id);
      if (decided) {
        turn.executions = decided.map((each) => {
          if (typeof each === "string") throw damaged(each);
          return each;
        });
      }
      return turn;
    });
    const last = turns[turns.length - 1];
    return {
      id,
      title: (about.name ?? about.title) as string,
      ...(about.name === null ? {} : { name: about.name as string }),
      created: about.created as string,
      updated: about.updated as string,
      model: last.model,
      system: last.system,
      turns,
    };
  }

  /**
   * An attachment's bytes, put together from its chunks: at most `size`,
   * so a chunk too many is not read into memory.
   */
  #file(sha256: string, size: number): Uint8Array {
    const bytes = new Uint8Array(size);
    const chunks = this.#db.prepare(
      `SELECT bytes FROM attachment_chunks WHERE sha256 = ? ORDER BY position`,
    );
    let at = 0;
    for (const row of chunks.iterate(sha256)) {
      const chunk = row.bytes as Uint8Array;
      if (!(chunk instanceof Uint8Array) || at + chunk.length > size) {
        return bytes.subarray(0, 0); // not what a save writes
      }
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes.subarray(0, at);
  }

  /** The latest `limit` conversations, newest first by their last update. */
  list(limit = 20): ConversationSummary[] {
    return this.#summaries(
      `SELECT id, created, updated, model, turns, title, name
      FROM conversations ORDER BY updated DESC, id DESC LIMIT ?`,
      limit,
    );
  }

  /** The summaries of the conversations `ids`, in that order; one gone is left out. */
  summaries(ids: readonly number[]): ConversationSummary[] {
    const found = new Map(
      this.#summaries(
        `SELECT id, created, updated, model, turns, title, name
        FROM conversations WHERE id IN (SELECT value FROM json_each(?))`,
        JSON.stringify(ids),
      ).map((summary) => [summary.id, summary]),
    );
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  #summaries(sql: string, parameter: number | string): ConversationSummary[] {
    const rows = this.#read(() => this.#db.prepare(sql).all(parameter));
    return rows.map((row) => ({
      id: row.id as number,
      created: row.created as string,
      updated: row.updated as string,
      model: row.model as string,
      turns: row.turns as number,
      title: (row.name ?? row.title) as string,
      ...(row.name === null ? {} : { name: row.name as string }),
    }));
  }

  /**
   * The conversations that hold the words of `text` (see
   * {@linkcode matchQuery}), at most `limit`, best first; none when it has
   * no words.
   */
  search(text: string, limit = 20, scan?: number): SearchHit[] {
    const query = matchQuery(text);
    return query === undefined
      ? []
      : this.#read(() => searchHistory(this.#db, query, limit, scan));
  }

  /**
   * Deletes these conversations for good, with their turns and the
   * attachments no other conversation uses (see {@linkcode forget}).
   */
  forget(ids: readonly number[]): Forgotten {
    try {
      return forget(this.#db, ids);
    } catch (error) {
      throw historyError("delete from", this.path, error, this.#timeout);
    }
  }

  /** The conversations last used before `before`, oldest first: ids and titles. */
  unusedSince(before: Date): { id: number; title: string }[] {
    return this.#read(() => unusedSince(this.#db, before.toISOString()));
  }

  /** Tokens and cost per model and endpoint since `since` (ISO 8601), and in total. */
  usage(since?: string): ReturnType<typeof usageSums> {
    return this.#read(() => usageSums(this.#db, since));
  }

  /** Every conversation's id, oldest first. */
  ids(): number[] {
    return this.#read(() =>
      this.#db.prepare("SELECT id FROM conversations ORDER BY id").all()
    ).map((row) => row.id as number);
  }

  /** The id of the conversation named `name`, if any. */
  named(name: string): number | undefined {
    const row = this.#read(() =>
      this.#db.prepare("SELECT id FROM conversations WHERE name = ?").get(name)
    );
    return row?.id as number | undefined;
  }

  /**
   * Names conversation `id` (its title becomes `name`).
   *
   * @throws {NameTakenError} when another conversation has that name.
   */
  rename(id: number, name: string): void {
    this.#write("save to", () => {
      const other = this.named(name);
      if (other !== undefined && other !== id) {
        throw new NameTakenError(name, other);
      }
      const { changes } = this.#db.prepare(
        "UPDATE conversations SET name = ?, title = ? WHERE id = ?",
      ).run(name, name, id);
      if (changes === 0) throw new ConversationGoneError(this.path, id);
    });
  }

  /** What earlier runs found of the API for `model` at `endpoint` (see api_memory.ts). */
  rememberedApi(endpoint: string, model: string, now = new Date()): Remembered {
    return this.#read(() => remembered(this.#db, endpoint, model, now));
  }

  /** Keeps the API a run found for `model` (or, `""`, every model) at `endpoint`. */
  rememberApi(
    endpoint: string,
    model: string,
    api: RememberedApi,
    now = new Date(),
  ): void {
    this.#write("save to", () => remember(this.#db, endpoint, model, api, now));
  }

  /**
   * Adds an exchange to conversation `conversationId`, or to a new one,
   * in one transaction; returns the conversation's id.
   */
  save(exchange: Exchange, conversationId?: number): number {
    return this.#write("save to", () => this.#insert(exchange, conversationId));
  }

  /** The id of the exchange this handle saved last, if it saved one. */
  get lastExchange(): number | undefined {
    return this.#lastExchange;
  }

  /** Keeps a decision about the command exchange `exchangeId` proposed (`-e`). */
  saveExecution(exchangeId: number, execution: Execution): void {
    this.#write("save to", () => addExecution(this.#db, exchangeId, execution));
  }

  /**
   * Adds an exchange whose answer is not in yet (see pending.ts), as
   * {@linkcode save} does; returns its id beside its conversation's, for
   * {@linkcode finish}.
   */
  begin(exchange: Exchange, conversationId?: number): Begun {
    return this.#write("save to", () => {
      const id = this.#insert(exchange, conversationId);
      return { conversationId: id, exchangeId: latestExchange(this.#db, id) };
    });
  }

  /**
   * Completes an exchange {@linkcode begin} saved: its answer, outcome,
   * usage, the model that answered, its end.
   *
   * @throws {ConversationGoneError} when it was deleted meanwhile.
   */
  finish(begun: Begun, exchange: Exchange): void {
    this.#write("save to", () => {
      if (!finishExchange(this.#db, begun.exchangeId, exchange)) {
        throw new ConversationGoneError(this.path, begun.conversationId);
      }
    });
  }

  /**
   * Adds imported conversations, all in one transaction, each under a new
   * id; a name another conversation has is left out. Returns their ids and
   * the names left out.
   */
  import(
    conversations: readonly {
      title: string;
      name?: string;
      turns: Exchange[];
    }[],
  ): { ids: number[]; unnamed: { id: number; name: string; other: number }[] } {
    return this.#write("import into", () => {
      const ids: number[] = [];
      const unnamed: { id: number; name: string; other: number }[] = [];
      for (const { title, name, turns } of conversations) {
        let id: number | undefined;
        for (const turn of turns) id = this.#insert(turn, id);
        if (id === undefined) continue;
        ids.push(id);
        const other = name === undefined ? undefined : this.named(name);
        this.#statement(
          "UPDATE conversations SET title = ?, name = ? WHERE id = ?",
        ).run(
          cut(flatten(name ?? title), TITLE_LIMIT),
          other === undefined ? name ?? null : null,
          id,
        );
        if (name !== undefined && other !== undefined) {
          unnamed.push({ id, name, other });
        }
      }
      return { ids, unnamed };
    });
  }

  /** A statement of `sql`, prepared once for this database. */
  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Adds an exchange, within the caller's transaction. */
  #insert(exchange: Exchange, conversationId?: number): number {
    if (!OUTCOMES.includes(exchange.outcome)) {
      throw new Error(`unknown outcome "${exchange.outcome}"`);
    }
    const started = exchange.started.toISOString();
    const finished = exchange.finished.toISOString();
    let id = conversationId;
    if (id === undefined) {
      id = this.#statement(
        `INSERT INTO conversations (created, updated, model, turns, title)
        VALUES (?, ?, ?, 1, ?)`,
      ).run(started, finished, exchange.model, titleOf(exchange.prompt))
        .lastInsertRowid as number;
    } else {
      const { changes } = this.#statement(
        `UPDATE conversations SET updated = max(updated, ?), model = ?,
          turns = turns + 1 WHERE id = ?`,
      ).run(finished, exchange.model, id);
      if (changes === 0) throw new ConversationGoneError(this.path, id);
    }
    const options = exchange.options && Object.keys(exchange.options).length
      ? JSON.stringify(exchange.options)
      : null;
    const { lastInsertRowid: exchangeId } = this.#statement(
      `INSERT INTO exchanges (conversation_id, system, prompt, started,
        options, ${END_COLUMNS})
      VALUES (${Array(5 + END_COLUMNS.length).fill("?")})`,
    ).run(
      id,
      exchange.system,
      exchange.prompt,
      started,
      options,
      ...endValues(exchange),
    );
    this.#lastExchange = Number(exchangeId);
    for (const [position, each] of (exchange.attachments ?? []).entries()) {
      const { bytes, sha256 } = each;
      if (bytes && sha256) {
        const { changes } = this.#statement(
          `INSERT INTO attachments (sha256, kind, size) VALUES (?, ?, ?)
          ON CONFLICT (sha256) DO NOTHING`,
        ).run(sha256, each.kind, bytes.length);
        const chunk = this.#statement(
          `INSERT INTO attachment_chunks (sha256, position, bytes)
          VALUES (?, ?, ?)`,
        );
        for (let at = 0; changes && at < bytes.length; at += CHUNK_BYTES) {
          chunk.run(
            sha256,
            at / CHUNK_BYTES,
            bytes.subarray(at, at + CHUNK_BYTES),
          );
        }
      }
      this.#statement(
        `INSERT INTO exchange_attachments (exchange_id, position, name,
          sha256, url) VALUES (?, ?, ?, ?, ?)`,
      ).run(
        exchangeId,
        position,
        each.name,
        each.sha256 ?? null,
        each.url ?? null,
      );
    }
    return id;
  }

  /** Closes the database; closing twice does nothing. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Closes the database. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Runs `change` in one transaction; a failure is one sentence to `action` the history. */
  #write<T>(action: string, change: () => T): T {
    const db = this.#db;
    try {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = change();
        db.exec("COMMIT");
        return result;
      } finally {
        if (db.isOpen && db.isTransaction) db.exec("ROLLBACK");
      }
    } catch (error) {
      throw historyError(action, this.path, error, this.#timeout);
    }
  }

  #read<T>(query: () => T): T {
    try {
      return query();
    } catch (error) {
      throw historyError("read", this.path, error, this.#timeout);
    }
  }
}

/** The longest title saved, in characters: a 10 MB one-line prompt is no title. */
export const TITLE_LIMIT = 200;

/** The first line of a prompt with text, on one line, at most {@linkcode TITLE_LIMIT} characters. */
function titleOf(prompt: string): string {
  const line = prompt.slice(0, 4 * TITLE_LIMIT).split("\n")
    .find((line) => line.trim() !== "") ?? "";
  return cut(flatten(line), TITLE_LIMIT);
}
