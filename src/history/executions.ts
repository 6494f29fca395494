/**
 * What became of the commands `-e` proposed, kept in the history's
 * `executions` table beside the exchange that proposed each: every decision
 * in order (run, aborted, edited, described, copied, or printed without a
 * terminal), the command as it stood then, masked as everything saved is,
 * its shell, what the danger check found, and a run's exit code.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** What the user decided about a proposed command. */
export const DECISIONS = [
  "executed",
  "aborted",
  "modified",
  "described",
  "copied",
  "printed",
] as const;

/** One of {@linkcode DECISIONS}. */
export type Decision = typeof DECISIONS[number];

/** One decision about a proposed command. */
export interface Execution {
  /** The command as it stood: a modification's is the command as edited. */
  command: string;
  /** The shell's name (`bash`, `pwsh`). */
  shell: string;
  /** The danger check's reasons, none when it found nothing. */
  danger: string[];
  decision: Decision;
  /** The command's exit code, once it ran: 128 + N when signal N ended it. */
  exitCode?: number;
  at: Date;
}

/** The table, as migration 6 creates it. */
export const EXECUTIONS = `CREATE TABLE executions (
    id INTEGER PRIMARY KEY,
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    command TEXT NOT NULL,
    shell TEXT NOT NULL,
    danger TEXT NOT NULL,
    decision TEXT NOT NULL,
    exit_code INTEGER,
    at TEXT NOT NULL
  );
  CREATE INDEX executions_by_exchange ON executions (exchange_id, id);`;

/**
 * Adds a decision about the command exchange `exchangeId` proposed; nothing
 * when that exchange is no longer saved (deleted meanwhile).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * import { addExecution, EXECUTIONS, executionsOf } from "./executions.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec("CREATE TABLE exchanges (id INTEGER PRIMARY KEY, conversation_id INTEGER)");
 * db.exec("INSERT INTO exchanges VALUES (1, 7)");
 * db.exec(EXECUTIONS);
 * const at = new Date("2026-05-01T12:00:00Z");
 * addExecution(db, 1, { command: "ls -la", shell: "bash", danger: [], decision: "executed", exitCode: 0, at });
 * assert.deepEqual(executionsOf(db, 7).get(1), [
 *   { command: "ls -la", shell: "bash", danger: [], decision: "executed", exitCode: 0, at },
 * ]);
 * ```
 */
export function addExecution(
  db: DatabaseSync,
  exchangeId: number,
  execution: Execution,
): void {
  db.prepare(
    `INSERT INTO executions (exchange_id, command, shell, danger, decision,
      exit_code, at)
    SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS
      (SELECT 1 FROM exchanges WHERE id = ?)`,
  ).run(
    exchangeId,
    execution.command,
    execution.shell,
    JSON.stringify(execution.danger),
    execution.decision,
    execution.exitCode ?? null,
    execution.at.toISOString(),
    exchangeId,
  );
}

/**
 * The decisions about the commands conversation `conversationId` proposed,
 * by exchange, each in order; one that no save writes is a sentence saying
 * what is wrong with it.
 */
export function executionsOf(
  db: DatabaseSync,
  conversationId: number,
): Map<number, (Execution | string)[]> {
  const rows = db.prepare(
    `SELECT e.exchange_id, CAST(e.command AS BLOB) AS command, e.shell,
      e.danger, e.decision, e.exit_code, e.at
    FROM executions e JOIN exchanges x ON x.id = e.exchange_id
    WHERE x.conversation_id = ? ORDER BY e.exchange_id, e.id`,
  ).all(conversationId) as unknown as ExecutionRow[];
  const found = new Map<number, (Execution | string)[]>();
  for (const row of rows) {
    const list = found.get(row.exchange_id) ?? [];
    list.push(checked(row));
    found.set(row.exchange_id, list);
  }
  return found;
}

interface ExecutionRow {
  exchange_id: number;
  command: Uint8Array | null;
  shell: string;
  danger: string;
  decision: string;
  exit_code: number | null;
  at: string;
}

/** A row as an {@linkcode Execution}, or what in it no save writes. */
function checked(row: ExecutionRow): Execution | string {
  if (!DECISIONS.includes(row.decision as Decision)) {
    return `a command decided in an unknown way (${
      JSON.stringify(row.decision)
    })`;
  }
  let danger: unknown;
  try {
    danger = JSON.parse(row.danger);
  } catch {
    danger = undefined;
  }
  if (
    !Array.isArray(danger) || !danger.every((each) => typeof each === "string")
  ) {
    return "a command whose danger is not a list of reasons";
  }
  const at = new Date(row.at);
  if (
    Number.isNaN(at.getTime()) ||
    (row.exit_code !== null && !Number.isSafeInteger(row.exit_code))
  ) {
    return "a command with a time or an exit code no run gives";
  }
  return {
    command: row.command === null ? "" : new TextDecoder().decode(row.command),
    shell: row.shell,
    danger,
    decision: row.decision as Decision,
    ...(row.exit_code === null ? {} : { exitCode: row.exit_code }),
    at,
  };
}
