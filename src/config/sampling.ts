/**
 * The request's sampling options: temperature, top_p, max_tokens, seed,
 * stop, the penalties and reasoning_effort. They come from `-o NAME=VALUE`
 * (and `--temperature`, `--max-tokens`), as text to parse, and from the
 * config file's `options` tables, already typed by TOML:
 *
 * ```toml
 * options = { temperature = 0.2, stop = ["END"] }
 *
 * [roles.lawyer]
 * options = { temperature = 0, max_tokens = 800 }
 * ```
 *
 * Each is checked against the range the API accepts, so that a typo fails
 * here, in one sentence, rather than as the server's 400.
 *
 * @module
 */
import { ConfigError } from "./connection.ts";
import { UsageError } from "../cli/usage_error.ts";
import { nearest } from "../text/spelling.ts";

/** The sampling options of a request; an absent one is not sent. */
export interface SamplingOptions {
  /** 0 to 2. */
  temperature?: number;
  /** 0 to 1. */
  top_p?: number;
  /** A whole number of at least 1. */
  max_tokens?: number;
  /** A whole number (a safe integer). */
  seed?: number;
  /** 1 to 4 texts, none empty. */
  stop?: string[];
  /** -2 to 2. */
  presence_penalty?: number;
  /** -2 to 2. */
  frequency_penalty?: number;
  reasoning_effort?: ReasoningEffort;
}

/** The values `reasoning_effort` takes. */
export const REASONING_EFFORTS = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
] as const;

/** How hard a reasoning model thinks. */
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** The most stop sequences the API takes. */
export const MAX_STOP_SEQUENCES = 4;

/** What one option accepts. */
type Rule =
  | { kind: "number"; min: number; max: number }
  | { kind: "integer"; min: number; max: number; says: string }
  | { kind: "choice"; values: readonly string[] }
  | { kind: "stop" };

const RULES: { [name in keyof SamplingOptions]-?: Rule } = {
  temperature: { kind: "number", min: 0, max: 2 },
  top_p: { kind: "number", min: 0, max: 1 },
  max_tokens: {
    kind: "integer",
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    says: "a whole number of at least 1",
  },
  seed: {
    kind: "integer",
    min: Number.MIN_SAFE_INTEGER,
    max: Number.MAX_SAFE_INTEGER,
    says: "a whole number between -2^53 and 2^53",
  },
  stop: { kind: "stop" },
  presence_penalty: { kind: "number", min: -2, max: 2 },
  frequency_penalty: { kind: "number", min: -2, max: 2 },
  reasoning_effort: { kind: "choice", values: REASONING_EFFORTS },
};

/**
 * The options' names, in the order they are listed and sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OPTION_NAMES } from "./sampling.ts";
 * assert.equal(OPTION_NAMES[0], "temperature");
 * ```
 */
export const OPTION_NAMES: readonly (keyof SamplingOptions)[] = Object.freeze(
  Object.keys(RULES) as (keyof SamplingOptions)[],
);

/** What a value of `rule` is, for "takes …" and "must be …". */
function describeRule(rule: Rule): string {
  switch (rule.kind) {
    case "number":
      return `a number from ${rule.min} to ${rule.max}`;
    case "integer":
      return rule.says;
    case "choice":
      return `one of ${rule.values.join(", ")}`;
    case "stop":
      return "a non-empty text";
  }
}

/** Whether `name` is an option's name. */
function isOptionName(name: string): name is keyof SamplingOptions {
  return Object.hasOwn(RULES, name);
}

/** A number written in decimal (no hex, no spaces), or `undefined`. */
function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** Whether `value` is what a numeric or choice `rule` accepts. */
function fits(rule: Rule, value: unknown): boolean {
  switch (rule.kind) {
    case "number":
      return typeof value === "number" && value >= rule.min &&
        value <= rule.max;
    case "integer":
      return Number.isSafeInteger(value) && (value as number) >= rule.min &&
        (value as number) <= rule.max;
    case "choice":
      return typeof value === "string" && rule.values.includes(value);
    case "stop":
      return typeof value === "string" && value !== "";
  }
}

/**
 * One option's value from its text, as `-o NAME=VALUE` or a flag of its own
 * (`--temperature`) gives it; `flag` names it in the message. A stop
 * sequence comes back as a list of one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOption } from "./sampling.ts";
 * assert.equal(parseOption("max_tokens", "100", "--max-tokens"), 100);
 * assert.throws(() => parseOption("temperature", "3", "--temperature"), {
 *   message: '--temperature takes a number from 0 to 2, not "3"',
 * });
 * ```
 *
 * @throws {UsageError} for a value the option does not take.
 */
export function parseOption<K extends keyof SamplingOptions>(
  name: K,
  text: string,
  flag = `-o ${name}`,
): NonNullable<SamplingOptions[K]> {
  const rule = RULES[name];
  const value = rule.kind === "number" || rule.kind === "integer"
    ? parseNumber(text)
    : text;
  if (!fits(rule, value)) {
    throw new UsageError(
      `${flag} takes ${describeRule(rule)}, not ${JSON.stringify(text)}`,
    );
  }
  return (rule.kind === "stop" ? [value] : value) as NonNullable<
    SamplingOptions[K]
  >;
}

/**
 * The options of the `-o` values, in order: `temperature=0.2`, `stop=END`.
 * An option given twice keeps the later value, except `stop`, whose values
 * add up (to at most 4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptionFlags } from "./sampling.ts";
 * assert.deepEqual(
 *   parseOptionFlags(["temperature=1", "stop=END", "temperature=0.2", "stop=###"]),
 *   { temperature: 0.2, stop: ["END", "###"] },
 * );
 * assert.throws(() => parseOptionFlags(["temprature=1"]), {
 *   message: '-o: unknown option "temprature" (did you mean temperature?); ' +
 *     "the options are temperature, top_p, max_tokens, seed, stop, " +
 *     "presence_penalty, frequency_penalty, reasoning_effort",
 * });
 * ```
 *
 * @throws {UsageError} for a value without `=`, an unknown name, a value the
 * option does not take, or more than 4 stop sequences.
 */
export function parseOptionFlags(flags: readonly string[]): SamplingOptions {
  const options: Record<string, unknown> = {};
  let stop: string[] = [];
  for (const flag of flags) {
    const equals = flag.indexOf("=");
    if (equals < 1) {
      throw new UsageError(`-o takes NAME=VALUE, not ${JSON.stringify(flag)}`);
    }
    const name = flag.slice(0, equals);
    if (!isOptionName(name)) throw unknownOption(name);
    const text = flag.slice(equals + 1);
    if (name !== "stop") {
      options[name] = parseOption(name, text);
      continue;
    }
    stop = [...stop, ...parseOption("stop", text)];
    if (stop.length > MAX_STOP_SEQUENCES) {
      throw new UsageError(
        `-o stop takes up to ${MAX_STOP_SEQUENCES} stop sequences`,
      );
    }
    options.stop = stop;
  }
  return options as SamplingOptions;
}

/** The error for `-o NAME=…` of a name that is no option's. */
function unknownOption(name: string): UsageError {
  const near = nearest(name, OPTION_NAMES);
  return new UsageError(
    `-o: unknown option ${JSON.stringify(name)}` +
      (near ? ` (did you mean ${near}?)` : "") +
      `; the options are ${OPTION_NAMES.join(", ")}`,
  );
}

/**
 * Checks a config file's `options` table. `where` names it and its file,
 * `options in /home/ada/.config/gpt4o/config.toml`; a message names the
 * setting within it. A name it does not know (a typo) is named in
 * `warnings` and left out, as the config file's other unknown settings are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptions } from "./sampling.ts";
 * assert.deepEqual(
 *   checkOptions({ temperature: 0.2, stop: "END", topp: 1 }, "options in /c.toml"),
 *   {
 *     options: { temperature: 0.2, stop: ["END"] },
 *     warnings: [
 *       "unknown setting options.topp in /c.toml, ignored (did you mean top_p?)",
 *     ],
 *   },
 * );
 * assert.throws(() => checkOptions({ temperature: 3 }, "options in /c.toml"), {
 *   message: "options.temperature in /c.toml must be a number from 0 to 2, not 3",
 * });
 * ```
 *
 * @throws {ConfigError} for a value of the wrong type or out of range, or
 * `options` that is not a table.
 */
export function checkOptions(
  value: unknown,
  where: string,
): { options: SamplingOptions; warnings: string[] } {
  if (value === undefined) return { options: {}, warnings: [] };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be a table, not ${shown(value)}`);
  }
  const options: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [name, item] of Object.entries(value)) {
    const at = settingAt(where, name);
    if (isOptionName(name)) {
      options[name] = checkOption(name, item, at);
      continue;
    }
    const near = nearest(name, OPTION_NAMES);
    warnings.push(
      `unknown setting ${at}, ignored` +
        (near ? ` (did you mean ${near}?)` : ""),
    );
  }
  return { options: options as SamplingOptions, warnings };
}

/** `where`'s setting with `.name` after it: `roles.r.options.seed in …`. */
function settingAt(where: string, name: string): string {
  const space = where.indexOf(" ");
  return space === -1
    ? `${where}.${name}`
    : `${where.slice(0, space)}.${name}${where.slice(space)}`;
}

/** One typed option's value, checked; `at` names it in the message. */
function checkOption(
  name: keyof SamplingOptions,
  value: unknown,
  at: string,
): unknown {
  const rule = RULES[name];
  if (rule.kind === "stop") return checkStop(value, at);
  const number = typeof value === "bigint" ? Number(value) : value;
  if (!fits(rule, number)) {
    throw new ConfigError(
      `${at} must be ${describeRule(rule)}, not ${shown(value)}`,
    );
  }
  return number;
}

/** `stop` of the config file: one text or a list of 1 to 4 of them. */
function checkStop(value: unknown, at: string): string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list)) {
    throw new ConfigError(
      `${at} must be a non-empty text or a list of 1 to ` +
        `${MAX_STOP_SEQUENCES} of them, not ${shown(value)}`,
    );
  }
  if (list.length === 0 || list.length > MAX_STOP_SEQUENCES) {
    throw new ConfigError(
      `${at} must be a list of 1 to ${MAX_STOP_SEQUENCES} stop sequences, ` +
        `not a list of ${list.length}`,
    );
  }
  const wrong = list.find((item) => typeof item !== "string" || item === "");
  if (wrong !== undefined) {
    throw new ConfigError(
      `${at} must hold non-empty texts only, not ${shown(wrong)}`,
    );
  }
  return [...list];
}

/** A TOML value as a message shows it: a scalar as written, else its kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date";
  if (typeof value === "object" && value !== null) return "a table";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/**
 * The options of several layers, a later one's over an earlier one's, option
 * by option: the config file's, the role's, the saved conversation's, the
 * command line's. A layer may be `undefined`; so may its options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeOptions } from "./sampling.ts";
 * assert.deepEqual(
 *   mergeOptions({ temperature: 1, seed: 7 }, undefined, { temperature: 0 }),
 *   { temperature: 0, seed: 7 },
 * );
 * ```
 */
export function mergeOptions(
  ...layers: (SamplingOptions | undefined)[]
): SamplingOptions {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const name of OPTION_NAMES) {
      const value = layer?.[name];
      if (value === undefined) continue;
      merged[name] = Array.isArray(value) ? [...value] : value;
    }
  }
  return merged as SamplingOptions;
}

/**
 * The fields the options add to a chat.completions request's body: each
 * under its own name, except `max_tokens`, which OpenAI's API takes as
 * `max_completion_tokens` (the SDK marks `max_tokens` deprecated) and
 * OpenAI-compatible servers as `max_tokens`. An absent option is left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestFields } from "./sampling.ts";
 * assert.deepEqual(requestFields({ max_tokens: 100, seed: 1 }, "openai"), {
 *   max_completion_tokens: 100,
 *   seed: 1,
 * });
 * assert.deepEqual(requestFields({ max_tokens: 100 }, "compatible"), {
 *   max_tokens: 100,
 * });
 * ```
 */
export function requestFields(
  options: SamplingOptions,
  api: "openai" | "compatible",
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    const field = name === "max_tokens" && api === "openai"
      ? "max_completion_tokens"
      : name;
    fields[field] = Array.isArray(value) ? [...value] : value;
  }
  return fields;
}

/**
 * The options on one line, `NAME=VALUE` each, for `--show` and `-v`; empty
 * when there are none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeOptions } from "./sampling.ts";
 * assert.equal(
 *   describeOptions({ stop: ["END"], temperature: 0.2, max_tokens: 100 }),
 *   'temperature=0.2 max_tokens=100 stop=["END"]',
 * );
 * assert.equal(describeOptions({}), "");
 * ```
 */
export function describeOptions(options: SamplingOptions): string {
  return OPTION_NAMES
    .filter((name) => options[name] !== undefined)
    .map((name) => {
      const value = options[name];
      return `${name}=${Array.isArray(value) ? JSON.stringify(value) : value}`;
    })
    .join(" ");
}
