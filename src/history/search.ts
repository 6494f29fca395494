/**
 * Searching the history: the words a user types turned into an FTS5 query
 * (phrases in quotes, a prefix with `*`, every other word as it is, never
 * FTS5's own syntax), and the conversations whose prompts, answers or titles
 * hold them, best first: a match in a prompt or a title above one in answers
 * alone, then by relevance (BM25, a prompt's words weighing more than an
 * answer's), then newest.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** How the text around a match is marked in a snippet. */
export const MARK = { open: "\u00ab", close: "\u00bb" } as const;

/** One conversation found by {@linkcode searchHistory}. */
export interface SearchHit {
  id: number;
  title: string;
  created: string;
  updated: string;
  /** The text around the best match, the match between {@linkcode MARK}s. */
  snippet: string;
  /** Higher is better: 1 plus relevance when a prompt or the title matched, relevance (below 1) when only answers did. */
  score: number;
}

/**
 * The FTS5 query for what the user typed: each word, or each phrase in
 * double quotes, a string that must appear (all of them); a word ending in
 * `*` matches as a prefix. Nothing the user types is FTS5 syntax (`OR`,
 * `NEAR`, `-`, `:` are words), so no query is an FTS5 error. `undefined`
 * when there are no words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchQuery } from "./search.ts";
 * assert.equal(matchQuery(`"supreme court" cert* OR`), `"supreme court" "cert" * "OR"`);
 * assert.equal(matchQuery(`say "hi`), `"say" "hi"`);
 * assert.equal(matchQuery("  "), undefined);
 * ```
 */
export function matchQuery(text: string): string | undefined {
  const terms: string[] = [];
  for (const [, phrase, word] of text.matchAll(/"([^"]*)"?|([^\s"]+)/g)) {
    const term = phrase ?? word;
    const prefix = phrase === undefined && /\*+$/.test(term);
    const bare = prefix ? term.replace(/\*+$/, "") : term;
    // A string with no letter or digit has no token to look for.
    if (!/[\p{L}\p{N}]/u.test(bare)) continue;
    terms.push(`"${bare.replaceAll('"', '""')}"${prefix ? " *" : ""}`);
  }
  return terms.length ? terms.join(" ") : undefined;
}

/**
 * How many of the newest matching turns, and titles, a search ranks: all of
 * them for any but the commonest words.
 */
export const SCAN = 5000;

/** How many words of context a snippet shows around its match. */
const SNIPPET_TOKENS = 12;

/**
 * The conversations that hold every word of `query` (a {@linkcode matchQuery}
 * string) in their prompts, answers or title, at most `limit`, best first,
 * among the newest {@linkcode SCAN} matching turns and titles.
 */
export function searchHistory(
  db: DatabaseSync,
  query: string,
  limit: number,
  scan = SCAN,
): SearchHit[] {
  // bm25() is lower for a better match. Only the newest SCAN matching turns
  // (and titles) are ranked: FTS5 walks its index newest first and stops,
  // so a word in every other turn costs no more than a rare one. Each
  // conversation keeps its best turn (its title when no turn matched:
  // ranked 1000 worse, to lose to any turn), and a match in a prompt or the
  // title ranks first; the snippets are made for the conversations shown.
  const rows = db.prepare(
    `WITH hits AS MATERIALIZED (
      SELECT rowid AS turn, bm25(exchanges_text, 10.0, 1.0) AS rank
      FROM exchanges_text WHERE exchanges_text MATCH ?1
      ORDER BY rowid DESC LIMIT ?3
    ), prompts AS MATERIALIZED (
      SELECT DISTINCT x.conversation_id AS id
      FROM (SELECT rowid AS turn FROM exchanges_text
        WHERE exchanges_text MATCH '{prompt} : (' || ?1 || ')'
        ORDER BY rowid DESC LIMIT ?3) p
      JOIN exchanges x ON x.id = p.turn
    ), titles AS MATERIALIZED (
      SELECT rowid AS id, bm25(titles_text) AS rank
      FROM titles_text WHERE titles_text MATCH ?1
      ORDER BY rowid DESC LIMIT ?3
    ), found AS (
      SELECT x.conversation_id AS id, h.rank, h.turn
      FROM hits h JOIN exchanges x ON x.id = h.turn
      UNION ALL SELECT id, rank + 1000, NULL FROM titles
    ), best AS MATERIALIZED (
      SELECT id, min(rank) AS rank, turn FROM found GROUP BY id
    )
    SELECT c.id, coalesce(c.name, c.title) AS title, c.created, c.updated,
      best.rank, best.turn,
      (best.id IN (SELECT id FROM prompts) OR best.id IN (SELECT id FROM titles))
        AS first
    FROM best JOIN conversations c ON c.id = best.id
    ORDER BY first DESC, best.rank, c.updated DESC, c.id DESC
    LIMIT ?2`,
  ).all(query, limit, scan);
  // A number is bound as a REAL, which FTS5 does not take as a rowid to look
  // up (it would give the first match instead): hence the CAST.
  const turnSnippet = db.prepare(
    `SELECT snippet(exchanges_text, -1, ?1, ?2, '…', ${SNIPPET_TOKENS})
      AS snippet FROM exchanges_text
    WHERE exchanges_text MATCH ?3 AND rowid = CAST(?4 AS INTEGER)`,
  );
  const titleSnippet = db.prepare(
    `SELECT highlight(titles_text, 0, ?1, ?2) AS snippet FROM titles_text
    WHERE titles_text MATCH ?3 AND rowid = CAST(?4 AS INTEGER)`,
  );
  const snippetOf = (row: Record<string, unknown>) =>
    ((row.turn === null ? titleSnippet : turnSnippet).get(
      MARK.open,
      MARK.close,
      query,
      (row.turn ?? row.id) as number,
    )?.snippet ?? row.title) as string;
  return rows.map((row) => {
    const rank = row.rank as number;
    const relevance = -(rank > 500 ? rank - 1000 : rank);
    const fraction = relevance / (1 + relevance);
    return {
      id: row.id as number,
      title: row.title as string,
      created: row.created as string,
      updated: row.updated as string,
      snippet: snippetOf(row),
      score: Math.round(((row.first ? 1 : 0) + fraction) * 1e6) / 1e6,
    };
  });
}
