/**
 * What a database client's command does that cannot be undone: the SQL it
 * sends (in `-c`, `-e`, a positional argument or a here-doc), and the
 * clients' own commands that drop or empty a database.
 *
 * @module
 */
import { Options, type Rule } from "./words.ts";

/**
 * What SQL text does that cannot be undone: a database, a schema or a table
 * dropped, a table emptied, every row deleted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqlDangers } from "./databases.ts";
 * assert.deepEqual(sqlDangers("drop table users;"), ["drops a table (DROP TABLE)"]);
 * assert.deepEqual(sqlDangers("SELECT 1 FROM t WHERE a = 'drop table'"), []);
 * ```
 */
export function sqlDangers(text: string): string[] {
  // String literals and comments say nothing the server does.
  const sql = text.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, "");
  const found = [];
  if (/\bdrop\s+(database|schema)\b/i.test(sql)) {
    found.push("drops a database (DROP DATABASE)");
  }
  if (/\bdrop\s+table\b/i.test(sql)) found.push("drops a table (DROP TABLE)");
  if (/\btruncate\b/i.test(sql)) found.push("empties a table (TRUNCATE)");
  if (/\bdelete\s+from\s+[\w."`[\]]+\s*(;|$)/im.test(sql)) {
    found.push("deletes every row (DELETE FROM without WHERE)");
  }
  return found;
}

/** A database client: the SQL of `options` (by name), of `positional`, and of stdin. */
function sqlClient(
  spec: { takes: string; longTakes: readonly string[] },
  options: readonly string[],
  positional?: number,
): Rule {
  return (words, _name, stdin) => {
    const parsed = new Options(words, spec);
    const texts = options.map((option) => parsed.value(option));
    if (positional !== undefined) texts.push(parsed.operands[positional]);
    texts.push(stdin);
    return texts.flatMap((text) => text === undefined ? [] : sqlDangers(text));
  };
}

const PSQL = {
  takes: "cdfhpUvoPTLFRS",
  longTakes: ["command", "dbname", "host", "port", "username", "file"],
};
const MYSQL = {
  takes: "eDhPuS",
  longTakes: ["execute", "database", "host", "port", "user", "socket"],
};

/** The database clients' rules, by the program's name. */
export const DATABASES: Readonly<Record<string, Rule>> = {
  psql: sqlClient(PSQL, ["-c", "--command"]),
  mysql: sqlClient(MYSQL, ["-e", "--execute"]),
  mariadb: sqlClient(MYSQL, ["-e", "--execute"]),
  sqlite3: sqlClient({ takes: "", longTakes: ["cmd"] }, ["-cmd", "--cmd"], 1),
  sqlite: sqlClient({ takes: "", longTakes: ["cmd"] }, ["-cmd", "--cmd"], 1),
  duckdb: sqlClient({ takes: "c", longTakes: [] }, ["-c"], 1),
  "clickhouse-client": sqlClient(
    { takes: "qh", longTakes: ["query", "host"] },
    [
      "-q",
      "--query",
    ],
  ),
  dropdb: () => "drops a database (dropdb)",
  mysqladmin: (words) =>
    words.includes("drop") ? "drops a database (mysqladmin drop)" : undefined,
  "redis-cli": (words, _name, stdin) => {
    const all = [...words, ...(stdin ?? "").split(/\s+/)].map((word) =>
      word.toLowerCase()
    );
    const flush = all.find((word) => word === "flushall" || word === "flushdb");
    return flush ? `empties a Redis database (redis-cli ${flush})` : undefined;
  },
  mongosh: (words) =>
    words.some((word) => /\.drop(Database)?\(/.test(word))
      ? "drops a database (dropDatabase)"
      : undefined,
};
