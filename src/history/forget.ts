/**
 * Deleting conversations for good: their turns, the attachments no other
 * conversation uses, and their words in the search indexes, with SQLite's
 * `secure_delete` (what is deleted is overwritten with zeros, not only
 * unlinked), so that the text is gone from the file; the freed pages are
 * given back to the file system in a history made with incremental
 * vacuuming (every history this version creates). An older one keeps them
 * for later saves: `VACUUM` would need an attached database, which Deno
 * allows only a program with every permission.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** What {@linkcode forget} deleted. */
export interface Forgotten {
  conversations: number;
  turns: number;
  /** Attachments that no conversation left uses any more. */
  attachments: number;
}

/**
 * Deletes the conversations with these ids, in one transaction, then gives
 * the freed pages back to the file system where the history allows it.
 */
export function forget(db: DatabaseSync, ids: readonly number[]): Forgotten {
  const list = JSON.stringify(ids);
  db.exec("PRAGMA secure_delete = ON");
  db.exec("BEGIN IMMEDIATE");
  let forgotten: Forgotten;
  try {
    const inList = "IN (SELECT value FROM json_each(?))";
    db.prepare(
      `DELETE FROM executions WHERE exchange_id IN
        (SELECT id FROM exchanges WHERE conversation_id ${inList})`,
    ).run(list);
    db.prepare(
      `DELETE FROM exchange_attachments WHERE exchange_id IN
        (SELECT id FROM exchanges WHERE conversation_id ${inList})`,
    ).run(list);
    const turns = db.prepare(
      `DELETE FROM exchanges WHERE conversation_id ${inList}`,
    ).run(list).changes as number;
    const conversations = db.prepare(
      `DELETE FROM conversations WHERE id ${inList}`,
    ).run(list).changes as number;
    const unused = `SELECT sha256 FROM attachments WHERE sha256 NOT IN
      (SELECT sha256 FROM exchange_attachments WHERE sha256 IS NOT NULL)`;
    db.exec(`DELETE FROM attachment_chunks WHERE sha256 IN (${unused})`);
    const attachments = db.prepare(
      `DELETE FROM attachments WHERE sha256 IN (${unused})`,
    ).run().changes as number;
    db.exec("COMMIT");
    forgotten = { conversations, turns, attachments };
  } finally {
    if (db.isTransaction) db.exec("ROLLBACK");
  }
  const { auto_vacuum } = db.prepare("PRAGMA auto_vacuum").get() as {
    auto_vacuum: number;
  };
  // The pragma frees one page a step: it runs to its end only when read.
  if (auto_vacuum === INCREMENTAL) {
    db.prepare("PRAGMA incremental_vacuum").all();
  }
  return forgotten;
}

/** `PRAGMA auto_vacuum`'s value for incremental vacuuming. */
export const INCREMENTAL = 2;

/** The conversations last updated before `before` (ISO 8601), oldest first: their ids and titles. */
export function unusedSince(
  db: DatabaseSync,
  before: string,
): { id: number; title: string }[] {
  return db.prepare(
    `SELECT id, coalesce(name, title) AS title FROM conversations
    WHERE updated < ? ORDER BY updated, id`,
  ).all(before).map((row) => ({
    id: row.id as number,
    title: row.title as string,
  }));
}
