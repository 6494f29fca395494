/**
 * Masks secrets (the API key, custom header values, credentials in the base
 * URL) in everything the program prints: the whole secret, and any
 * {@linkcode RUN} consecutive characters of it, as gateways echo key prefixes
 * such as `sk-proj-ABCDEFGH…`.
 *
 * @module
 */
import { batch, type Output, style } from "./io.ts";

/** What a masked secret is printed as. */
export const MASK = "[redacted]";
/** Secrets shorter than this are not masked: no credential is this short. */
export const MIN_SECRET = 8;
/** This many consecutive characters of a secret are masked wherever they appear. */
export const RUN = 12;
/** The most text a masked output holds back while a secret may be arriving. */
const MAX_HELD = 4096;

/**
 * The secrets to mask, and how to mask them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Secrets } from "./redact.ts";
 * const secrets = new Secrets();
 * secrets.add("sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
 * assert.equal(
 *   secrets.redact("key sk-proj-ABCDEFGH… rejected"),
 *   "key [redacted]… rejected",
 * );
 * ```
 */
export class Secrets {
  /** The pieces masked wherever they appear: RUN-character windows, or short secrets whole. */
  #pieces = new Set<string>();
  /** Every proper prefix of a piece: a text ending in one may be a secret arriving. */
  #starts = new Set<string>();
  #longestStart = 0;
  #pattern: RegExp | undefined;

  /**
   * Adds secrets; empty, missing and short values are ignored. A value with a
   * line break (a bad paste) is masked line by line: output ends each line,
   * and a secret never waits for text past one.
   */
  add(...values: (string | null | undefined)[]): void {
    for (const value of values.flatMap((each) => each?.split(/[\r\n]+/))) {
      if (!value || value.length < MIN_SECRET) continue;
      const width = Math.min(RUN, value.length);
      for (let i = 0; i + width <= value.length; i++) {
        const piece = value.slice(i, i + width);
        this.#pieces.add(piece);
        for (let n = 1; n < width; n++) this.#starts.add(piece.slice(0, n));
        this.#longestStart = Math.max(this.#longestStart, width - 1);
      }
    }
    const alternatives = [...this.#pieces]
      .sort((a, b) => b.length - a.length)
      .map((piece) => piece.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&"));
    this.#pattern = alternatives.length
      ? new RegExp(alternatives.join("|"), "g")
      : undefined;
  }

  /** `text` with every run of secret characters replaced by {@linkcode MASK}. */
  redact(text: string): string {
    return mask(text, this.#runs(text));
  }

  /**
   * `text` masked as what follows `before`, text already let out: a run of
   * a secret that began in `before` is masked where it goes on in `text`,
   * so that fewer than {@linkcode RUN} of its characters show in a row
   * however it was split (runs wholly in `before` were its own to mask).
   * Nothing is held back: each piece keeps its place.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Secrets } from "./redact.ts";
   * const secrets = new Secrets();
   * secrets.add("sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
   * assert.equal(secrets.continued("Your key: sk-proj-", "ABCDEFGH, or so"), "[redacted], or so");
   * ```
   */
  continued(before: string, text: string): string {
    const runs = this.#runs(before + text).flatMap(([start, end]) =>
      end > before.length
        ? [[
          Math.max(start - before.length, 0),
          end - before.length,
        ] as [number, number]]
        : []
    );
    return mask(text, runs);
  }

  /**
   * How much of `text` can be printed now: all of it but the tail that could
   * begin a secret, or a run of one that may go on in the next piece.
   */
  releasable(text: string): number {
    return this.#cut(text, this.#runs(text));
  }

  /**
   * `text` parted into what can be printed now, masked, and the tail held
   * back ({@linkcode releasable}), looking for secrets once.
   */
  split(text: string): [masked: string, held: string] {
    const runs = this.#runs(text);
    const cut = this.#cut(text, runs);
    const printed = runs.filter(([, end]) => end <= cut);
    return [mask(text.slice(0, cut), printed), text.slice(cut)];
  }

  #cut(text: string, runs: [number, number][]): number {
    if (this.#pattern === undefined) return text.length;
    let cut = text.length;
    for (let n = Math.min(this.#longestStart, text.length); n > 0; n--) {
      if (this.#starts.has(text.slice(-n))) {
        cut -= n;
        break;
      }
    }
    for (const [start, end] of runs) {
      if (start < cut && (end > cut || end === text.length)) cut = start;
    }
    return text.length - cut > MAX_HELD ? text.length : cut;
  }

  /** The spans of `text` made of secret pieces, merged, in order. */
  #runs(text: string): [number, number][] {
    const runs: [number, number][] = [];
    const pattern = this.#pattern;
    if (pattern === undefined) return runs;
    pattern.lastIndex = 0;
    for (let match; (match = pattern.exec(text)) !== null;) {
      const start = match.index;
      const end = start + match[0].length;
      const last = runs.at(-1);
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else runs.push([start, end]);
      pattern.lastIndex = start + 1; // pieces overlap inside a run
    }
    return runs;
  }
}

/** `text` with each of `runs` (merged, in order) replaced by {@linkcode MASK}. */
function mask(text: string, runs: [number, number][]): string {
  let masked = "";
  let from = 0;
  for (const [start, end] of runs) {
    masked += text.slice(from, start) + MASK;
    from = end;
  }
  return from === 0 ? text : masked + text.slice(from);
}

/**
 * An output that masks `secrets` in what passes through it. Text is written
 * on at once except the tail that could begin a secret, which waits for the
 * next write: a key split across stream deltas is still masked. A write that
 * ends in a newline (as the program's output always does) holds nothing back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskedOutput, Secrets } from "./redact.ts";
 * const secrets = new Secrets();
 * secrets.add("sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
 * const writes: string[] = [];
 * const out = maskedOutput({ write: (text) => void writes.push(text) }, secrets);
 * out.write("Your key is sk-pro");
 * out.write("j-ABCDEFGHIJKLMNOPQRSTUVWXYZ.\n");
 * assert.deepEqual(writes, ["Your key is ", "[redacted].\n"]);
 * ```
 */
export function maskedOutput(output: Output, secrets: Secrets): Output {
  let held = "";
  return {
    write(text) {
      const [masked, rest] = secrets.split(held + text);
      held = rest;
      if (masked) output.write(masked);
    },
    style(code) {
      // The program's own sequence ends the text before it.
      if (held) output.write(secrets.redact(held));
      held = "";
      style(output, code);
    },
    batch: (writes) => batch(output, writes),
  };
}
