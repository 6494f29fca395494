/**
 * The run's secrets masked in what `--serve` passes on: every text of an
 * answer's JSON and of each stream chunk (a key split across deltas
 * included), and the text of the messages a client sends on.
 *
 * @module
 */
import { RUN, type Secrets } from "../io/redact.ts";

/** A data URL's head: what follows is a file's bytes, sent as they are. */
const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+;base64,/;

/**
 * Masks the texts of JSON values, each as what follows the same field of
 * the values before it (see {@linkcode Secrets.continued}): a choice's
 * `delta.content` goes on from its last delta, whatever chunk it came in.
 * Array items with an `index` (choices, tool calls) are known by it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Secrets } from "../io/redact.ts";
 * import { ChunkMask } from "./mask.ts";
 * const secrets = new Secrets();
 * secrets.add("sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
 * const mask = new ChunkMask(secrets);
 * const delta = (content: string) => ({ choices: [{ index: 0, delta: { content } }] });
 * assert.deepEqual(mask.mask(delta("Key: sk-proj-AB")), delta("Key: sk-proj-AB"));
 * assert.deepEqual(mask.mask(delta("CDEFGHIJ.")), delta("[redacted]."));
 * ```
 */
export class ChunkMask {
  readonly #tails = new Map<string, string>();

  constructor(readonly secrets: Secrets) {}

  /** `value` with every text in it masked. */
  mask<T>(value: T): T {
    return this.#walk(value, "") as T;
  }

  /** `value` masked; the same value (not a copy) where nothing in it changed. */
  #walk(value: unknown, path: string): unknown {
    if (typeof value === "string") {
      const before = this.#tails.get(path) ?? "";
      this.#tails.set(path, (before + value).slice(-(RUN - 1)));
      return this.secrets.continued(before, value);
    }
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (const [i, item] of value.entries()) {
        const masked = this.#walk(item, `${path}[${keyOf(item, i)}]`);
        if (masked !== item) (copy ??= [...value])[i] = masked;
      }
      return copy ?? value;
    }
    if (typeof value === "object" && value !== null) {
      let copy: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(value)) {
        const masked = this.#walk(item, `${path}.${key}`);
        if (masked !== item) (copy ??= { ...value })[key] = masked;
      }
      return copy ?? value;
    }
    return value;
  }
}

/** How an array item is known from one chunk to the next: its `index`, else its place. */
function keyOf(item: unknown, place: number): string {
  const index = (item as { index?: unknown } | null)?.index;
  return typeof index === "number" ? `#${index}` : String(place);
}

/**
 * `value` (what a client sends on: its messages) with every text masked,
 * but a data URL's bytes, which go as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Secrets } from "../io/redact.ts";
 * import { maskedOutgoing } from "./mask.ts";
 * const secrets = new Secrets();
 * secrets.add("sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
 * assert.deepEqual(
 *   maskedOutgoing([{ role: "user", content: "Is sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ a key?" }], secrets),
 *   [{ role: "user", content: "Is [redacted] a key?" }],
 * );
 * ```
 */
export function maskedOutgoing<T>(value: T, secrets: Secrets): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === "string") {
      return DATA_URL.test(item) ? item : secrets.redact(item);
    }
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === "object" && item !== null) {
      return Object.fromEntries(
        Object.entries(item).map(([key, each]) => [key, walk(each)]),
      );
    }
    return item;
  };
  return walk(value) as T;
}
