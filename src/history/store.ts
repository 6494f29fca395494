/**
 * The conversation history: every exchange saved in a SQLite database
 * (Deno's built-in `node:sqlite`), read back to continue a conversation, list
 * them or show one. No key, URL credential or header value is ever stored:
 * an {@linkcode Exchange} has no field for one.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { posix, win32 } from "node:path";
import { cut, flatten } from "../text/line.ts";
import type {
  Attachment,
  AttachmentKind,
  ContentPart,
} from "../files/attachments.ts";
import { partsOf } from "../files/parts.ts";
import type { SamplingOptions } from "../config/sampling.ts";

/** How long a save or an open waits for another process's lock, in ms. */
export const BUSY_TIMEOUT_MS = 5000;

/** The schema version this code writes, kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 3;

/** The history cannot be used; one sentence naming the database and the problem. */
export class HistoryError extends Error {
  override name = "HistoryError";
}

/**
 * The conversation a save was to add to is not in the database: the file was
 * removed or replaced since the conversation began.
 */
export class ConversationGoneError extends HistoryError {
  override name = "ConversationGoneError";
  constructor(path: string, readonly id: number) {
    super(`there is no conversation ${id} in the history at ${path}`);
  }
}

/** How an exchange ended. */
export type Outcome =
  | "answered"
  | "cut off"
  | "filtered"
  | "refused"
  | "interrupted"
  | "failed";

const OUTCOMES: readonly Outcome[] = [
  "answered",
  "cut off",
  "filtered",
  "refused",
  "interrupted",
  "failed",
];

/** One prompt and its answer, as saved. */
export interface Exchange {
  system: string;
  prompt: string;
  model: string;
  /** Where it was sent: host and path only, no credentials or query, e.g. "api.openai.com/v1". */
  endpoint: string;
  /** The answer text, as far as it got (also for cut off / interrupted). */
  answer: string;
  outcome: Outcome;
  /** The one-line error message for failed/refused/interrupted, else undefined. */
  error?: string;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
  } | null;
  started: Date;
  finished: Date;
  /** What was sent with the prompt (`-a`), in order; saved once each by content. */
  attachments?: Attachment[];
  /** The request's sampling options (`-o`), as sent. */
  options?: SamplingOptions;
  /**
   * The tool rounds between the prompt and the answer (`-T`): each
   * assistant message that called tools, then a `tool` message per call.
   */
  toolMessages?: ToolMessage[];
}

/** One line of `--history`. */
export interface ConversationSummary {
  id: number;
  /** When its latest exchange finished, ISO 8601. */
  updated: string;
  /** The latest exchange's model. */
  model: string;
  turns: number;
  /** The first line of the first prompt. */
  title: string;
}

/** A conversation with every exchange, oldest first. */
export interface Conversation {
  id: number;
  /** The latest exchange's model. */
  model: string;
  /** The latest exchange's system message. */
  system: string;
  turns: Exchange[];
}

/** A call of a tool, as an assistant message holds it. */
export interface ToolCallPart {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** A message of a tool round: the model's calls, or one call's result. */
export type ToolMessage =
  | { role: "assistant"; content: string | null; tool_calls: ToolCallPart[] }
  | { role: "tool"; tool_call_id: string; content: string };

/** A message in the OpenAI chat-completions format. */
export type Message =
  | { role: "system" | "assistant"; content: string }
  | { role: "user"; content: string | ContentPart[] }
  | ToolMessage;

/** A message's text: its content, or the text of its parts. */
export function textOfMessage(message: Message): string {
  return typeof message.content === "string"
    ? message.content
    : message.content === null
    ? ""
    : message.content.map((part) => part.type === "text" ? part.text : "")
      .join("");
}

/**
 * What {@linkcode Exchange.endpoint} keeps of a base URL: its host and path,
 * without scheme, credentials, query or fragment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endpointOf } from "./store.ts";
 * assert.equal(endpointOf("https://user:pw@example.com:8443/v1/?key=k#x"), "example.com:8443/v1");
 * ```
 */
export function endpointOf(baseURL: string): string {
  const url = new URL(baseURL);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * The messages to send before a new prompt that continues `conversation`:
 * the system message (`system`, else the conversation's), then each turn's
 * prompt (with its attachments, as content parts: their data as `base64`
 * gives it, see {@linkcode partsOf}), its tool rounds and its answer in
 * order. A turn without
 * answer text sends neither.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messagesOf } from "./store.ts";
 * const turn = {
 *   system: "Be brief.", prompt: "hi", model: "gpt-4o", endpoint: "api.openai.com/v1",
 *   answer: "Hello!", outcome: "answered" as const, started: new Date(), finished: new Date(),
 * };
 * assert.deepEqual(messagesOf({ id: 1, model: "gpt-4o", system: "Be brief.", turns: [turn] }), [
 *   { role: "system", content: "Be brief." },
 *   { role: "user", content: "hi" },
 *   { role: "assistant", content: "Hello!" },
 * ]);
 * ```
 */
export function messagesOf(
  conversation: Conversation,
  system?: string,
  base64?: (attachment: Attachment) => string,
): Message[] {
  const messages: Message[] = [{
    role: "system",
    content: system ?? conversation.system,
  }];
  for (const turn of conversation.turns) {
    if (turn.answer === "") continue;
    messages.push(
      {
        role: "user",
        content: turn.attachments?.length
          ? partsOf(turn.prompt, turn.attachments, base64)
          : turn.prompt,
      },
      ...turn.toolMessages ?? [],
      { role: "assistant", content: turn.answer },
    );
  }
  return messages;
}

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

/** Schema migrations: entry `n` takes `user_version` n to n + 1. */
const MIGRATIONS = [
  `CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    model TEXT NOT NULL,
    turns INTEGER NOT NULL,
    title TEXT NOT NULL
  );
  CREATE INDEX conversations_by_update ON conversations (updated);
  CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    system TEXT NOT NULL,
    prompt TEXT NOT NULL,
    model TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    answer TEXT NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    total_tokens INTEGER,
    started TEXT NOT NULL,
    finished TEXT NOT NULL
  );
  CREATE INDEX exchanges_by_conversation ON exchanges (conversation_id, id);`,
  // Attachments, each file once by its content, in chunks (a 20 MB image is
  // never copied whole into a statement); the options of each exchange.
  `CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL
  );
  CREATE TABLE attachment_chunks (
    sha256 TEXT NOT NULL REFERENCES attachments (sha256),
    position INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (sha256, position)
  );
  CREATE TABLE exchange_attachments (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT REFERENCES attachments (sha256),
    url TEXT,
    PRIMARY KEY (exchange_id, position)
  );
  ALTER TABLE exchanges ADD COLUMN options TEXT;`,
  // The tool rounds of each exchange, as the messages sent back (JSON).
  `ALTER TABLE exchanges ADD COLUMN tool_messages TEXT;`,
];

interface ExchangeRow {
  system: Uint8Array | null;
  prompt: Uint8Array | null;
  model: string;
  endpoint: string;
  answer: Uint8Array | null;
  outcome: string;
  error: Uint8Array | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  started: string;
  finished: string;
  options: string | null;
  tool_messages: Uint8Array | null;
  id: number;
}

interface AttachmentRow {
  exchange_id: number;
  name: string;
  kind: string | null;
  size: number | null;
  sha256: string | null;
  url: string | null;
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
      if (version === 0 && db.prepare("SELECT 1 FROM sqlite_schema").get()) {
        throw new HistoryError(
          `the history at ${path} is a database of another program (it has ` +
            "tables but no schema version): set GPT4O_HISTORY to another file",
        );
      }
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

  /** The conversation with this id, if any. */
  get(id: number): Conversation | undefined {
    const rows = this.#read(() =>
      this.#db.prepare(
        // Read as bytes: SQLite's text stops at a NUL, which an answer may hold.
        `SELECT CAST(system AS BLOB) AS system, CAST(prompt AS BLOB) AS prompt,
          model, endpoint, CAST(answer AS BLOB) AS answer, outcome,
          CAST(error AS BLOB) AS error, prompt_tokens, completion_tokens,
          total_tokens, started, finished, options,
          CAST(tool_messages AS BLOB) AS tool_messages, id
        FROM exchanges WHERE conversation_id = ? ORDER BY id`,
      ).all(id)
    ) as unknown as ExchangeRow[];
    if (rows.length === 0) return undefined;
    const attachmentRows = this.#read(() =>
      this.#db.prepare(
        `SELECT e.exchange_id, e.name, a.kind, a.size, e.sha256, e.url
        FROM exchange_attachments e
        JOIN exchanges x ON x.id = e.exchange_id
        LEFT JOIN attachments a ON a.sha256 = e.sha256
        WHERE x.conversation_id = ? ORDER BY e.exchange_id, e.position`,
      ).all(id)
    ) as unknown as AttachmentRow[];
    // Each file read once, however many turns sent it.
    const files = new Map<string, Uint8Array>();
    for (const { sha256, size } of attachmentRows) {
      if (sha256 && size !== null && !files.has(sha256)) {
        files.set(sha256, this.#file(sha256, size));
      }
    }
    const attached = Map.groupBy(attachmentRows, (row) => row.exchange_id);
    const turns = rows.map((row) =>
      toExchange(row, attached.get(row.id) ?? [], files)
    );
    const last = turns[turns.length - 1];
    return { id, model: last.model, system: last.system, turns };
  }

  /** An attachment's bytes, put together from its chunks. */
  #file(sha256: string, size: number): Uint8Array {
    const bytes = new Uint8Array(size);
    const chunks = this.#db.prepare(
      `SELECT bytes FROM attachment_chunks WHERE sha256 = ? ORDER BY position`,
    );
    let at = 0;
    for (const row of this.#read(() => chunks.iterate(sha256))) {
      const chunk = row.bytes as Uint8Array;
      bytes.set(chunk.subarray(0, size - at), at);
      at += chunk.length;
    }
    return bytes;
  }

  /** The latest `limit` conversations, newest first by their last update. */
  list(limit = 20): ConversationSummary[] {
    const rows = this.#read(() =>
      this.#db.prepare(
        `SELECT id, updated, model, turns, title FROM conversations
        ORDER BY updated DESC, id DESC LIMIT ?`,
      ).all(limit)
    );
    return rows.map((row) => ({
      id: row.id as number,
      updated: row.updated as string,
      model: row.model as string,
      turns: row.turns as number,
      title: row.title as string,
    }));
  }

  /**
   * Adds an exchange to conversation `conversationId`, or to a new one,
   * in one transaction; returns the conversation's id.
   */
  save(exchange: Exchange, conversationId?: number): number {
    const db = this.#db;
    try {
      if (!OUTCOMES.includes(exchange.outcome)) {
        throw new Error(`unknown outcome "${exchange.outcome}"`);
      }
      const started = exchange.started.toISOString();
      const finished = exchange.finished.toISOString();
      db.exec("BEGIN IMMEDIATE");
      try {
        let id = conversationId;
        if (id === undefined) {
          id = db.prepare(
            `INSERT INTO conversations (created, updated, model, turns, title)
            VALUES (?, ?, ?, 1, ?)`,
          ).run(started, finished, exchange.model, titleOf(exchange.prompt))
            .lastInsertRowid as number;
        } else {
          const { changes } = db.prepare(
            `UPDATE conversations SET updated = max(updated, ?), model = ?,
              turns = turns + 1 WHERE id = ?`,
          ).run(finished, exchange.model, id);
          if (changes === 0) throw new ConversationGoneError(this.path, id);
        }
        const usage = exchange.usage ?? {};
        const options = exchange.options && Object.keys(exchange.options).length
          ? JSON.stringify(exchange.options)
          : null;
        const { lastInsertRowid: exchangeId } = db.prepare(
          `INSERT INTO exchanges (conversation_id, system, prompt, model,
            endpoint, answer, outcome, error, prompt_tokens,
            completion_tokens, total_tokens, started, finished, options,
            tool_messages)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          id,
          exchange.system,
          exchange.prompt,
          exchange.model,
          exchange.endpoint,
          exchange.answer,
          exchange.outcome,
          exchange.error ?? null,
          usage.prompt_tokens ?? null,
          usage.completion_tokens ?? null,
          usage.total_tokens ?? null,
          started,
          finished,
          options,
          exchange.toolMessages?.length
            ? JSON.stringify(exchange.toolMessages)
            : null,
        );
        for (const [position, each] of (exchange.attachments ?? []).entries()) {
          const { bytes, sha256 } = each;
          if (bytes && sha256) {
            const { changes } = db.prepare(
              `INSERT INTO attachments (sha256, kind, size) VALUES (?, ?, ?)
              ON CONFLICT (sha256) DO NOTHING`,
            ).run(sha256, each.kind, bytes.length);
            const chunk = db.prepare(
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
          db.prepare(
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
        db.exec("COMMIT");
        return id;
      } finally {
        if (db.isOpen && db.isTransaction) db.exec("ROLLBACK");
      }
    } catch (error) {
      throw historyError("save to", this.path, error, this.#timeout);
    }
  }

  /** Closes the database; closing twice does nothing. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Closes the database. */
  [Symbol.dispose](): void {
    this.close();
  }

  #read<T>(query: () => T): T {
    try {
      return query();
    } catch (error) {
      throw historyError("read", this.path, error, this.#timeout);
    }
  }
}

/** Creates the folder (`0700`) and an empty file (`0600`) unless they exist. */
function preparePrivately(path: string, ownFolder: boolean): void {
  const paths = Deno.build.os === "windows" ? win32 : posix;
  const dir = paths.dirname(path);
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ownFolder) makePrivate(dir, 0o700);
  // A symbolic link: the file it names is the history, created private too.
  let file = path;
  try {
    if (Deno.lstatSync(path).isSymlink) {
      file = paths.resolve(dir, Deno.readLinkSync(path));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  try {
    Deno.openSync(file, { createNew: true, write: true, mode: 0o600 }).close();
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  makePrivate(file, 0o600);
  // Opened for writing once: a read-only file or file system says so here,
  // before SQLite falls back to reading it.
  Deno.openSync(file, { read: true, write: true }).close();
}

/** Takes away what others may do with `path`: its mode becomes `mode`. */
function makePrivate(path: string, mode: number): void {
  if (Deno.build.os === "windows") return;
  const current = Deno.statSync(path).mode;
  if (current !== null && (current & 0o077) !== 0) Deno.chmodSync(path, mode);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Brings the schema to {@linkcode SCHEMA_VERSION} in one transaction. */
function migrate(db: DatabaseSync, path: string): void {
  if (checkVersion(db, path) === SCHEMA_VERSION) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    // Another process may have migrated it while this one waited.
    let version = checkVersion(db, path);
    while (version < SCHEMA_VERSION) {
      db.exec(MIGRATIONS[version]);
      db.exec(`PRAGMA user_version = ${++version}`);
    }
    db.exec("COMMIT");
  } finally {
    if (db.isTransaction) db.exec("ROLLBACK");
  }
}

function checkVersion(db: DatabaseSync, path: string): number {
  const { user_version } = db.prepare("PRAGMA user_version").get() as {
    user_version: number;
  };
  if (user_version > SCHEMA_VERSION) {
    throw new HistoryError(
      `the history at ${path} has schema version ${user_version}, newer than ` +
        `this program knows (${SCHEMA_VERSION}): update the program, or set ` +
        "GPT4O_HISTORY to another file",
    );
  }
  return user_version;
}

/** A text column read as bytes (an empty text reads as no bytes at all). */
function textOf(bytes: Uint8Array | null): string {
  return bytes === null ? "" : new TextDecoder().decode(bytes);
}

function toExchange(
  row: ExchangeRow,
  attached: AttachmentRow[],
  files: Map<string, Uint8Array>,
): Exchange {
  const exchange: Exchange = {
    system: textOf(row.system),
    prompt: textOf(row.prompt),
    model: row.model,
    endpoint: row.endpoint,
    answer: textOf(row.answer),
    outcome: row.outcome as Outcome,
    started: new Date(row.started),
    finished: new Date(row.finished),
  };
  if (row.error !== null) exchange.error = textOf(row.error);
  const usage: NonNullable<Exchange["usage"]> = {};
  for (
    const key of ["prompt_tokens", "completion_tokens", "total_tokens"] as const
  ) {
    if (row[key] !== null) usage[key] = row[key];
  }
  if (Object.keys(usage).length > 0) exchange.usage = usage;
  if (row.options !== null) exchange.options = JSON.parse(row.options);
  if (row.tool_messages !== null) {
    exchange.toolMessages = JSON.parse(textOf(row.tool_messages));
  }
  if (attached.length > 0) {
    exchange.attachments = attached.map((each): Attachment =>
      each.url !== null ? { name: each.name, kind: "url", url: each.url } : {
        name: each.name,
        kind: each.kind as AttachmentKind,
        bytes: files.get(each.sha256!) ?? new Uint8Array(),
        sha256: each.sha256!,
      }
    );
  }
  return exchange;
}

/** The longest title saved, in characters: a 10 MB one-line prompt is no title. */
export const TITLE_LIMIT = 200;

/** The first line of a prompt with text, on one line, at most {@linkcode TITLE_LIMIT} characters. */
function titleOf(prompt: string): string {
  const line = prompt.slice(0, 4 * TITLE_LIMIT).split("\n")
    .find((line) => line.trim() !== "") ?? "";
  return cut(flatten(line), TITLE_LIMIT);
}

/** What SQLite's messages mean, and what to do. */
const SQLITE_REASONS: [RegExp, (timeout: number) => string][] = [
  [
    /^database (table )?is locked/,
    (ms) => `another process kept it locked for more than ${ms} ms (try again)`,
  ],
  [
    /^(file is not a database|database disk image is malformed)/,
    () =>
      "it is not a SQLite database, or it is damaged (move it away, or set " +
      "GPT4O_HISTORY to another file)",
  ],
  [
    /^unable to open database file/,
    () => "SQLite cannot open it: set GPT4O_HISTORY to another file",
  ],
  [/^database or disk is full/, () => "the disk is full"],
  [
    /^attempt to write a readonly database/,
    () => "it is read-only (check its permissions)",
  ],
];

/**
 * Why a run may not use the history at `path`, and what to do: the gpt4o
 * command and the tasks grant the folder the environment names when they
 * start, which a comma in its path or a `.env` setting can keep them from.
 */
function notPermitted(path: string): string {
  const folder = (Deno.build.os === "windows" ? win32 : posix).dirname(path);
  if (folder.includes(",")) {
    return "its folder's path holds a comma, which Deno's permission flags " +
      "cannot name: set GPT4O_HISTORY to a file in a folder without one";
  }
  return "this run may not write its folder: set GPT4O_HISTORY in the " +
    "environment, not in .env (gpt4o and deno task start grant the folder it " +
    `names), or give deno run --allow-read=${folder} --allow-write=${folder}`;
}

/** One sentence naming the database and what went wrong. */
function historyError(
  action: string,
  path: string,
  error: unknown,
  timeout: number,
): HistoryError {
  if (error instanceof HistoryError) return error;
  let reason: string;
  if (error instanceof Deno.errors.NotCapable) {
    reason = notPermitted(path);
  } else if (error instanceof Deno.errors.PermissionDenied) {
    reason =
      "permission denied (check the permissions of the file and its folder)";
  } else {
    const message = flatten(
      (error instanceof Error ? error.message : String(error)).split("\n")[0],
    );
    const known = SQLITE_REASONS.find(([pattern]) => pattern.test(message));
    // The system's own words, as in "read-only file system (os error 30)".
    const system = /^(.+?) \(os error \d+\)/.exec(message)?.[1].toLowerCase();
    reason = known ? known[1](timeout) : system ?? message;
  }
  return new HistoryError(
    `cannot ${action} the history at ${path}: ${reason}`,
    {
      cause: error,
    },
  );
}
