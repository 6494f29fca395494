/**
 * The history's usage: tokens and cost summed per model and provider, and
 * in total (`--usage`), from what each exchange kept, at the price it had
 * then.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** What a model used at one provider, or in total. */
export interface UsageSum {
  /** The model as `-m` takes it, provider and all (`openrouter:openai/gpt-4o`). */
  model: string;
  /** Where its requests went: host and path. */
  endpoint: string;
  exchanges: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  /** The known costs, summed, in USD. */
  cost: number;
  /** Exchanges whose cost is not known (no report, no price). */
  unpriced: number;
}

/**
 * The usage of the exchanges that finished at or after `since` (ISO 8601;
 * all of them without it), per model and endpoint, most expensive first,
 * and the total.
 */
export function usageSums(
  db: DatabaseSync,
  since?: string,
): { rows: UsageSum[]; total: Omit<UsageSum, "model" | "endpoint"> } {
  const rows = db.prepare(
    `SELECT model, endpoint, count(*) AS exchanges,
      coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
      coalesce(sum(completion_tokens), 0) AS completion_tokens,
      coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens,
      coalesce(sum(cached_tokens), 0) AS cached_tokens,
      coalesce(sum(cost), 0) AS cost,
      count(*) - count(cost) AS unpriced
    FROM exchanges WHERE finished >= ?
    GROUP BY model, endpoint
    ORDER BY cost DESC, exchanges DESC, model, endpoint`,
  ).all(since ?? "").map((row) => ({
    model: row.model as string,
    endpoint: row.endpoint as string,
    exchanges: row.exchanges as number,
    prompt_tokens: row.prompt_tokens as number,
    completion_tokens: row.completion_tokens as number,
    reasoning_tokens: row.reasoning_tokens as number,
    cached_tokens: row.cached_tokens as number,
    cost: row.cost as number,
    unpriced: row.unpriced as number,
  }));
  const total = {
    exchanges: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    reasoning_tokens: 0,
    cached_tokens: 0,
    cost: 0,
    unpriced: 0,
  };
  for (const row of rows) {
    for (const key of Object.keys(total) as (keyof typeof total)[]) {
      total[key] += row[key];
    }
  }
  total.cost = Math.round(total.cost * 1e10) / 1e10;
  return { rows, total };
}
