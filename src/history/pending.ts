/**
 * An exchange saved before its answer is in, and completed once it is:
 * `--serve`'s `/api/chat` names its conversation before the answer streams.
 * It is saved first as an interrupted turn with no answer, so that a
 * program that dies meanwhile leaves the prompt in the history (and a
 * follow-up sends no empty answer), then updated in place.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Exchange } from "./conversation.ts";

/** An exchange begun: its conversation's id and its own. */
export interface Begun {
  conversationId: number;
  exchangeId: number;
}

/** The id of conversation `conversationId`'s latest exchange. */
export function latestExchange(
  db: DatabaseSync,
  conversationId: number,
): number {
  return db.prepare(
    "SELECT max(id) AS id FROM exchanges WHERE conversation_id = ?",
  ).get(conversationId)?.id as number;
}

/**
 * The columns of an exchange that tell how it ended, in the order
 * {@linkcode endValues} gives them: a save inserts them, and
 * {@linkcode finishExchange} updates them.
 */
export const END_COLUMNS = [
  "model",
  "endpoint",
  "answer",
  "outcome",
  "error",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "reasoning_tokens",
  "cached_tokens",
  "cost",
  "cost_source",
  "price_input",
  "price_cached",
  "price_output",
  "finished",
  "tool_messages",
] as const;

/** The values of {@linkcode END_COLUMNS} for `exchange`. */
export function endValues(exchange: Exchange): SQLInputValue[] {
  const usage = exchange.usage ?? {};
  const cost = exchange.cost;
  const price = cost?.source === "prices" ? cost.price : undefined;
  return [
    exchange.model,
    exchange.endpoint,
    exchange.answer,
    exchange.outcome,
    exchange.error ?? null,
    usage.prompt_tokens ?? null,
    usage.completion_tokens ?? null,
    usage.total_tokens ?? null,
    usage.reasoning_tokens ?? null,
    usage.cached_tokens ?? null,
    cost?.usd ?? null,
    cost?.source ?? null,
    price?.input ?? null,
    price?.cached_input ?? null,
    price?.output ?? null,
    exchange.finished.toISOString(),
    exchange.toolMessages?.length
      ? JSON.stringify(exchange.toolMessages)
      : null,
  ];
}

/**
 * Completes exchange `exchangeId` with what `exchange` says of its end: the
 * model that answered and where, the answer, outcome and error, usage and
 * cost, when it finished, its tool rounds; its conversation is updated as a
 * save updates it. The answer's words go into the search index (the
 * index's row is made anew: it has no trigger for an update). `false` when
 * the exchange is no longer there. To be run inside a transaction.
 */
export function finishExchange(
  db: DatabaseSync,
  exchangeId: number,
  exchange: Exchange,
): boolean {
  const finished = exchange.finished.toISOString();
  db.prepare(
    `INSERT INTO exchanges_text (exchanges_text, rowid, prompt, answer)
    SELECT 'delete', id, prompt, answer FROM exchanges WHERE id = ?`,
  ).run(exchangeId);
  const { changes } = db.prepare(
    `UPDATE exchanges SET ${END_COLUMNS.map((name) => `${name} = ?`)}
    WHERE id = ?`,
  ).run(...endValues(exchange), exchangeId);
  if (changes === 0) return false;
  db.prepare(
    `INSERT INTO exchanges_text (rowid, prompt, answer)
    SELECT id, prompt, answer FROM exchanges WHERE id = ?`,
  ).run(exchangeId);
  // The conversation's model is its latest exchange's: a follow-up from
  // elsewhere may have come meanwhile.
  db.prepare(
    `UPDATE conversations SET updated = max(updated, ?1),
      model = CASE WHEN (SELECT max(id) FROM exchanges
        WHERE conversation_id = conversations.id) = ?2 THEN ?3 ELSE model END
    WHERE id = (SELECT conversation_id FROM exchanges WHERE id = ?2)`,
  ).run(finished, exchangeId, exchange.model);
  return true;
}
