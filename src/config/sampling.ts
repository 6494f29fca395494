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
 * here, in one sentence, rather than as the server's 400. An option the
 * program does not know (`top_k`, `min_p`: a local server's own) is passed
 * on as it is, typed (`-o top_k=40` sends the number 40), to any server but
 * OpenAI's own API, which would refuse it; only a near miss of a known name
 * (`temprature`) is refused, saying which it may mean.
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
  /**
   * Options the program does not know, by name, as JSON values: passed on to
   * servers other than OpenAI's own API (see {@linkcode PASSED_ON}).
   */
  extra?: Record<string, unknown>;
}

/** The sampling options the program knows and checks. */
type KnownOptions = Omit<SamplingOptions, "extra">;

/**
 * Options the program does not check that servers are known to take, which
 * are therefore never taken for a near miss of one it knows (`top_k` is one
 * letter from `top_p`); those OpenAI's own API takes too are marked `true`.
 */
export const PASSED_ON: Readonly<Record<string, boolean>> = {
  top_k: false,
  min_p: false,
  top_a: false,
  typical_p: false,
  tfs_z: false,
  repetition_penalty: false,
  repeat_penalty: false,
  repeat_last_n: false,
  mirostat: false,
  mirostat_tau: false,
  mirostat_eta: false,
  num_ctx: false,
  num_predict: false,
  keep_alive: false,
  cache_prompt: false,
  think: false,
  reasoning: false,
  provider: false,
  transforms: false,
  models: false,
  route: false,
  logit_bias: true,
  logprobs: true,
  top_logprobs: true,
  n: true,
  user: true,
  store: true,
  metadata: true,
  service_tier: true,
  verbosity: true,
  parallel_tool_calls: true,
  modalities: true,
  prediction: true,
  web_search_options: true,
  prompt_cache_key: true,
  safety_identifier: true,
};

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

const RULES: { [name in keyof KnownOptions]-?: Rule } = {
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
export const OPTION_NAMES: readonly (keyof KnownOptions)[] = Object.freeze(
  Object.keys(RULES) as (keyof KnownOptions)[],
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
function isOptionName(name: string): name is keyof KnownOptions {
  return Object.hasOwn(RULES, name);
}

/**
 * The known option a name the program does not know is a near miss of, or
 * `undefined` for a name to pass on (one servers are known to take, or far
 * from every known one).
 */
function nearMiss(name: string): string | undefined {
  return Object.hasOwn(PASSED_ON, name)
    ? undefined
    : nearest(name, OPTION_NAMES);
}

/** A name a request field can have: letters, digits and `_`. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `-o NAME=VALUE`'s value for an option the program does not know: the JSON
 * it is (a number, `true`, `null`, a list, an object, a quoted text), else
 * the text itself.
 */
function typedValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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
export function parseOption<K extends keyof KnownOptions>(
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
 * add up (to at most 4). One the program does not know goes in `extra`,
 * typed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptionFlags } from "./sampling.ts";
 * assert.deepEqual(
 *   parseOptionFlags(["temperature=1", "stop=END", "temperature=0.2", "stop=###"]),
 *   { temperature: 0.2, stop: ["END", "###"] },
 * );
 * assert.deepEqual(parseOptionFlags(["top_k=40", "mode=fast"]), {
 *   extra: { top_k: 40, mode: "fast" },
 * });
 * assert.throws(() => parseOptionFlags(["temprature=1"]), {
 *   message: '-o: unknown option "temprature": did you mean temperature? ' +
 *     "(a name the program does not know goes to the server as it is)",
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
    const text = flag.slice(equals + 1);
    if (!isOptionName(name)) {
      if (!FIELD_NAME.test(name) || nearMiss(name)) throw unknownOption(name);
      options.extra = {
        ...options.extra as Record<string, unknown>,
        [name]: typedValue(text),
      };
      continue;
    }
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

/** The error for `-o NAME=…` of a near miss, or a name no field can have. */
function unknownOption(name: string): UsageError {
  if (!FIELD_NAME.test(name)) {
    const near = nearest(name, [...OPTION_NAMES, ...Object.keys(PASSED_ON)]);
    return new UsageError(
      `-o: ${JSON.stringify(name)} is no option's name (a name is letters, ` +
        `digits and _)${near ? `: did you mean ${near}?` : ""}`,
    );
  }
  return new UsageError(
    `-o: unknown option ${JSON.stringify(name)}: did you mean ` +
      `${nearMiss(name)}? (a name the program does not know goes to the ` +
      "server as it is)",
  );
}

/**
 * Checks a config file's `options` table. `where` names it and its file,
 * `options in /home/ada/.config/gpt4o/config.toml`; a message names the
 * setting within it. A near miss of a name it knows (a typo) is named in
 * `warnings` and left out, as the config file's other unknown settings are;
 * another name is passed on, in `extra`.
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
    const near = nearMiss(name);
    if (near || !FIELD_NAME.test(name)) {
      warnings.push(
        `unknown setting ${at}, ignored` +
          (near ? ` (did you mean ${near}?)` : ""),
      );
      continue;
    }
    options.extra = {
      ...options.extra as Record<string, unknown>,
      [name]: jsonOf(item),
    };
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
  name: keyof KnownOptions,
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

/** A TOML value as JSON sends it: a big integer as a number, a date as its text. */
function jsonOf(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonOf);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, jsonOf(item)]),
    );
  }
  return value;
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
  let extra: Record<string, unknown> | undefined;
  for (const layer of layers) {
    for (const name of OPTION_NAMES) {
      const value = layer?.[name];
      if (value === undefined) continue;
      merged[name] = Array.isArray(value) ? [...value] : value;
    }
    if (layer?.extra) extra = { ...extra, ...layer.extra };
  }
  return { ...merged, ...(extra ? { extra } : {}) } as SamplingOptions;
}

/**
 * The fields the options add to a chat.completions request's body: each
 * under its own name, except `max_tokens`, which OpenAI's API takes as
 * `max_completion_tokens` (the SDK marks `max_tokens` deprecated) and
 * OpenAI-compatible servers as `max_tokens`; the options the program does
 * not know go to them as they are, and to OpenAI's API only those it takes
 * (see {@linkcode refusedByOpenAI}). An absent option is left out.
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
  for (const [name, value] of Object.entries(options.extra ?? {})) {
    if (api === "compatible" || PASSED_ON[name] === true) fields[name] = value;
  }
  return fields;
}

/**
 * The options the program does not know that OpenAI's own API would refuse
 * (it answers 400 to a field it does not take): a run that sends any there
 * stops first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refusedByOpenAI } from "./sampling.ts";
 * assert.deepEqual(refusedByOpenAI({ extra: { top_k: 40, user: "ada" } }), ["top_k"]);
 * ```
 */
export function refusedByOpenAI(options: SamplingOptions): string[] {
  return Object.keys(options.extra ?? {}).filter((name) =>
    PASSED_ON[name] !== true
  );
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
  return [
    ...OPTION_NAMES
      .filter((name) => options[name] !== undefined)
      .map((name) => {
        const value = options[name];
        return `${name}=${
          Array.isArray(value) ? JSON.stringify(value) : value
        }`;
      }),
    ...Object.entries(options.extra ?? {}).map(([name, value]) =>
      `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`
    ),
  ].join(" ");
}
