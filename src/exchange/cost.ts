/**
 * What an exchange used and cost: the server's token counts (reasoning and
 * cached tokens from their details), and its cost in USD, as the server
 * reported it (OpenRouter's `usage.cost`) or from the config file's prices
 * for the model (`[prices."gpt-4o"]`, USD per million tokens), kept with the
 * price so that a later change does not rewrite the past.
 *
 * @module
 */
import type { Cost, Price, Usage } from "../history/conversation.ts";

type Value = Record<string, unknown>;

const isObject = (value: unknown): value is Value =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A count of tokens: a whole number, 0 or more. */
const tokens = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0
    ? value
    : undefined;

/**
 * The token counts of a completion's `usage`, as the history keeps them;
 * `undefined` when it reports none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageOf } from "./cost.ts";
 * assert.deepEqual(
 *   usageOf({
 *     prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
 *     prompt_tokens_details: { cached_tokens: 1024 },
 *     completion_tokens_details: { reasoning_tokens: 256 },
 *   }),
 *   {
 *     prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
 *     reasoning_tokens: 256, cached_tokens: 1024,
 *   },
 * );
 * assert.equal(usageOf(null), undefined);
 * ```
 */
export function usageOf(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  const details = (key: string, field: string) => {
    const value = usage[key];
    return isObject(value) ? tokens(value[field]) : undefined;
  };
  const counted: Usage = {};
  const set = (key: keyof Usage, value: number | undefined) => {
    if (value !== undefined) counted[key] = value;
  };
  set("prompt_tokens", tokens(usage.prompt_tokens));
  set("completion_tokens", tokens(usage.completion_tokens));
  set("total_tokens", tokens(usage.total_tokens));
  set(
    "reasoning_tokens",
    details("completion_tokens_details", "reasoning_tokens"),
  );
  set("cached_tokens", details("prompt_tokens_details", "cached_tokens"));
  return Object.keys(counted).length ? counted : undefined;
}

/**
 * The price of a model: the config's `[prices]` entry for it as `-m` takes
 * it (`openrouter:openai/gpt-4o`), else as it is sent (`openai/gpt-4o`).
 */
export function priceOf(
  prices: Readonly<Record<string, Price>>,
  target: { spec: string; model: string },
): Price | undefined {
  return Object.hasOwn(prices, target.spec)
    ? prices[target.spec]
    : Object.hasOwn(prices, target.model)
    ? prices[target.model]
    : undefined;
}

/**
 * What an exchange cost: the server's own figure (`usage.cost`, in USD)
 * when it gives one, else the tokens at `price` (cached prompt tokens at
 * its `cached_input`, when it has one); `undefined` when neither is known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { costOf } from "./cost.ts";
 * const price = { input: 2.5, output: 10 };
 * assert.deepEqual(
 *   costOf({ prompt_tokens: 1000, completion_tokens: 500 }, price),
 *   { usd: 0.0075, source: "prices", price },
 * );
 * assert.deepEqual(costOf({ cost: 0.0012 }, price), { usd: 0.0012, source: "server" });
 * assert.equal(costOf({ prompt_tokens: 10 }, undefined), undefined);
 * ```
 */
export function costOf(
  usage: unknown,
  price: Price | undefined,
): Cost | undefined {
  if (!isObject(usage)) return undefined;
  const reported = usage.cost;
  if (
    typeof reported === "number" && Number.isFinite(reported) && reported >= 0
  ) {
    return { usd: reported, source: "server" };
  }
  const counted = usageOf(usage);
  if (
    price === undefined || counted?.prompt_tokens === undefined ||
    counted.completion_tokens === undefined
  ) return undefined;
  const cached = Math.min(counted.cached_tokens ?? 0, counted.prompt_tokens);
  const usd = ((counted.prompt_tokens - cached) * price.input +
    cached * (price.cached_input ?? price.input) +
    counted.completion_tokens * price.output) / 1e6;
  return { usd: Math.round(usd * 1e10) / 1e10, source: "prices", price };
}

/**
 * An amount in USD as `-v` and `--usage` print it: at least two decimals,
 * and four significant digits below a cent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dollars } from "./cost.ts";
 * assert.deepEqual([dollars(12.5), dollars(0.0075), dollars(0.000012346), dollars(0)], [
 *   "$12.50", "$0.0075", "$0.00001235", "$0.00",
 * ]);
 * ```
 */
export function dollars(usd: number): string {
  if (usd === 0 || usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${
    Number(usd.toPrecision(4)).toFixed(
      Math.max(2, 3 - Math.floor(Math.log10(usd))),
    ).replace(/0+$/, "")
  }`;
}
