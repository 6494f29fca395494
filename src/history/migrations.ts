/**
 * The history's schema, versioned by `PRAGMA user_version`: each migration
 * takes one version to the next, all of them in one transaction; a file of a
 * newer version is refused rather than changed.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { HistoryError } from "./errors.ts";
import { API_CHOICES } from "./api_memory.ts";
import { EXECUTIONS } from "./executions.ts";

/** The schema version this code writes, kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 6;

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
  // Names, usage and cost, and search. A conversation's name is the title
  // the user gave it, unique; each exchange keeps its reasoning and cached
  // tokens, its cost in USD and where that came from (the server's report,
  // or the config's prices, kept as they were then). The text of prompts,
  // answers and titles is indexed by FTS5 tables that read it from the
  // tables themselves (nothing is stored twice), kept up by triggers; their
  // secure-delete leaves no trace of a deleted row in the index.
  `ALTER TABLE conversations ADD COLUMN name TEXT;
  CREATE UNIQUE INDEX conversations_by_name ON conversations (name)
    WHERE name IS NOT NULL;
  ALTER TABLE exchanges ADD COLUMN reasoning_tokens INTEGER;
  ALTER TABLE exchanges ADD COLUMN cached_tokens INTEGER;
  ALTER TABLE exchanges ADD COLUMN cost REAL;
  ALTER TABLE exchanges ADD COLUMN cost_source TEXT;
  ALTER TABLE exchanges ADD COLUMN price_input REAL;
  ALTER TABLE exchanges ADD COLUMN price_cached REAL;
  ALTER TABLE exchanges ADD COLUMN price_output REAL;
  CREATE INDEX exchanges_by_finish ON exchanges (finished);
  CREATE VIRTUAL TABLE exchanges_text USING fts5 (prompt, answer,
    content = 'exchanges', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2');
  CREATE VIRTUAL TABLE titles_text USING fts5 (title,
    content = 'conversations', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2');
  INSERT INTO exchanges_text (exchanges_text, rank) VALUES ('secure-delete', 1);
  INSERT INTO titles_text (titles_text, rank) VALUES ('secure-delete', 1);
  INSERT INTO exchanges_text (exchanges_text) VALUES ('rebuild');
  INSERT INTO titles_text (titles_text) VALUES ('rebuild');
  CREATE TRIGGER exchanges_text_insert AFTER INSERT ON exchanges BEGIN
    INSERT INTO exchanges_text (rowid, prompt, answer)
      VALUES (new.id, new.prompt, new.answer);
  END;
  CREATE TRIGGER exchanges_text_delete AFTER DELETE ON exchanges BEGIN
    INSERT INTO exchanges_text (exchanges_text, rowid, prompt, answer)
      VALUES ('delete', old.id, old.prompt, old.answer);
  END;
  CREATE TRIGGER titles_text_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO titles_text (rowid, title) VALUES (new.id, new.title);
  END;
  CREATE TRIGGER titles_text_update AFTER UPDATE OF title ON conversations
  BEGIN
    INSERT INTO titles_text (titles_text, rowid, title)
      VALUES ('delete', old.id, old.title);
    INSERT INTO titles_text (rowid, title) VALUES (new.id, new.title);
  END;
  CREATE TRIGGER titles_text_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO titles_text (titles_text, rowid, title)
      VALUES ('delete', old.id, old.title);
  END;`,
  // Which API a server and a model are asked through, as runs found out
  // (see api_memory.ts).
  API_CHOICES,
  // What became of each command -e proposed (see executions.ts).
  EXECUTIONS,
];

/** Brings the schema to {@linkcode SCHEMA_VERSION} in one transaction. */
export function migrate(db: DatabaseSync, path: string): void {
  const found = checkVersion(db, path);
  if (found === SCHEMA_VERSION) return;
  // A new file gives the pages a deletion frees back to the file system
  // (see forget.ts): chosen before its first table, outside a transaction.
  if (found === 0) db.exec("PRAGMA auto_vacuum = INCREMENTAL");
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

/**
 * The schema version of the file, checked: one statement reads the version
 * and whether the file has tables, so a schema another process commits in
 * between cannot make a new history look like another program's database.
 *
 * @throws {HistoryError} for a newer schema, or tables without a version.
 */
export function checkVersion(db: DatabaseSync, path: string): number {
  const { version, tables } = db.prepare(
    `SELECT (SELECT user_version FROM pragma_user_version) AS version,
      EXISTS (SELECT 1 FROM sqlite_schema) AS tables`,
  ).get() as { version: number; tables: number };
  if (version > SCHEMA_VERSION) {
    throw new HistoryError(
      `the history at ${path} has schema version ${version}, newer than ` +
        `this program knows (${SCHEMA_VERSION}): update the program, or set ` +
        "GPT4O_HISTORY to another file",
    );
  }
  if (version === 0 && tables) {
    throw new HistoryError(
      `the history at ${path} is a database of another program (it has ` +
        "tables but no schema version): set GPT4O_HISTORY to another file",
    );
  }
  return version;
}
