/**
 * The history's rows as the program reads them back: an exchange's row and
 * its attachments' rows turned into an {@linkcode Exchange}, or a sentence
 * saying what in them no save writes.
 *
 * @module
 */
import type { Attachment, AttachmentKind } from "../files/attachments.ts";
import { type Exchange, type Outcome, OUTCOMES } from "./conversation.ts";
import { checkedOptions, checkedToolMessages } from "./checked.ts";

export const USAGE_KEYS = [
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "reasoning_tokens",
  "cached_tokens",
] as const;

export interface ExchangeRow {
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
  reasoning_tokens: number | null;
  cached_tokens: number | null;
  cost: number | null;
  cost_source: string | null;
  price_input: number | null;
  price_cached: number | null;
  price_output: number | null;
  started: string;
  finished: string;
  options: string | null;
  tool_messages: Uint8Array | null;
  id: number;
}

export interface AttachmentRow {
  exchange_id: number;
  name: string;
  kind: string | null;
  size: number | null;
  sha256: string | null;
  url: string | null;
}

/** A text column read as bytes (an empty text reads as no bytes at all). */
export function textOf(bytes: Uint8Array | null): string {
  return bytes === null ? "" : new TextDecoder().decode(bytes);
}

export function toExchange(
  row: ExchangeRow,
  attached: AttachmentRow[],
  files: Map<string, Uint8Array>,
): Exchange | string {
  if (!OUTCOMES.includes(row.outcome as Outcome)) {
    return `a turn of an unknown outcome (${JSON.stringify(row.outcome)})`;
  }
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
  for (const key of USAGE_KEYS) {
    if (row[key] !== null) usage[key] = row[key];
  }
  if (Object.keys(usage).length > 0) exchange.usage = usage;
  if (row.cost !== null) {
    if (row.cost_source === "server") {
      exchange.cost = { usd: row.cost, source: "server" };
    } else if (
      row.cost_source === "prices" && row.price_input !== null &&
      row.price_output !== null
    ) {
      exchange.cost = {
        usd: row.cost,
        source: "prices",
        price: {
          input: row.price_input,
          output: row.price_output,
          ...(row.price_cached === null
            ? {}
            : { cached_input: row.price_cached }),
        },
      };
    } else {
      return `a cost of an unknown source (${JSON.stringify(row.cost_source)})`;
    }
  }
  if (row.options !== null) {
    const options = checkedOptions(row.options);
    if (typeof options === "string") return options;
    exchange.options = options;
  }
  if (row.tool_messages !== null) {
    const messages = checkedToolMessages(textOf(row.tool_messages));
    if (typeof messages === "string") return messages;
    exchange.toolMessages = messages;
  }
  if (attached.length > 0) {
    exchange.attachments = attached.map((each): Attachment =>
      each.url !== null ? { name: each.name, kind: "url", url: each.url } : {
        name: each.name,
        kind: each.kind as AttachmentKind,
        bytes: files.get(each.sha256!)!,
        sha256: each.sha256!,
      }
    );
  }
  return exchange;
}
