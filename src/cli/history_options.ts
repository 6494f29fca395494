/**
 * The command line's history commands (`--search`, `--delete`, `--prune`,
 * `--export`, `--import`, `--usage`), a conversation named by id or name,
 * ages such as `30d` and `--history`'s count: parsed here, run by
 * `src/history/commands.ts`.
 *
 * @module
 */
import type { parseArgs } from "node:util";
import { UsageError } from "./usage_error.ts";
import { flatten } from "../text/line.ts";

/** How many conversations `--history` lists when it is not told. */
export const DEFAULT_HISTORY_LIMIT = 20;

/** A conversation as the user names it: its id, or the name it was given. */
export type ConversationRef = number | string;

/** A history command of the command line: what it does and to what. */
export type HistoryCommand =
  | { kind: "search"; words: string }
  | { kind: "delete"; targets: ConversationRef[] }
  | { kind: "prune"; age: Age }
  | { kind: "export"; targets: ConversationRef[] }
  | { kind: "import"; file: string }
  | { kind: "usage"; since?: Age };

/** A span of time back from now, as typed (`30d`) and in milliseconds. */
export interface Age {
  text: string;
  ms: number;
}

/** The flags of the history commands, as `parseArgs` gives them. */
export interface HistoryFlags {
  search?: boolean;
  delete?: boolean;
  prune?: string;
  export?: boolean;
  import?: string;
  usage?: boolean;
  since?: string;
}

const UNITS: Record<string, number> = {
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * An age: a whole number of hours, days, weeks or years (`12h`, `30d`,
 * `2w`, `1y`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAge } from "./history_options.ts";
 * assert.deepEqual(parseAge("--prune", "30d"), { text: "30d", ms: 30 * 86_400_000 });
 * assert.throws(() => parseAge("--prune", "soon"), {
 *   message: '--prune takes an age such as 30d, 12h, 2w or 1y, not "soon"',
 * });
 * ```
 *
 * @throws {UsageError} for anything else.
 */
export function parseAge(option: string, text: string): Age {
  const [, count, unit] = /^(\d+)\s*([hdwy])$/.exec(text.trim()) ?? [];
  const ms = Number(count) * (UNITS[unit] ?? NaN);
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(
      `${option} takes an age such as 30d, 12h, 2w or 1y, not "${text}"`,
    );
  }
  return { text: text.trim(), ms };
}

/** The longest name a conversation may have, in characters. */
export const NAME_LIMIT = 200;

/**
 * A conversation's name: one line of text, not a number (a number is an
 * id), at most {@linkcode NAME_LIMIT} characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseName } from "./history_options.ts";
 * assert.equal(parseName("--title", " tax\treturn "), "tax return");
 * assert.throws(() => parseName("--title", "2026"), {
 *   message: '--title takes a name with a letter in it (a number is a conversation\'s id), not "2026"',
 * });
 * ```
 *
 * @throws {UsageError} for an empty name, a number, or one too long.
 */
export function parseName(option: string, text: string): string {
  const name = flatten(text);
  if (name === "" || /^\d+$/.test(name)) {
    throw new UsageError(
      `${option} takes a name with a letter in it (a number is a ` +
        `conversation's id), not "${name}"`,
    );
  }
  if ([...name].length > NAME_LIMIT) {
    throw new UsageError(
      `${option} takes a name of at most ${NAME_LIMIT} characters`,
    );
  }
  return name;
}

/**
 * A conversation's id (a number), else its name.
 *
 * @throws {UsageError} for an empty name.
 */
export function parseRef(option: string, text: string): ConversationRef {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new UsageError(
      `${option} takes a conversation id or name (--history lists them)`,
    );
  }
  if (/^\d+$/.test(trimmed)) {
    const id = Number(trimmed);
    if (id < 1 || !Number.isSafeInteger(id)) {
      throw new UsageError(
        `${option} takes a conversation id or name (--history lists them), ` +
          `not "${text}"`,
      );
    }
    return id;
  }
  return trimmed;
}

/**
 * The history command the flags ask for, with the words after it (the
 * search's words, the conversations to delete or export), or `undefined`.
 *
 * @throws {UsageError} for two commands at once, or one without what it
 * needs.
 */
export function historyCommandOf(
  flags: HistoryFlags,
  words: string[],
): HistoryCommand | undefined {
  const asked =
    (["search", "delete", "prune", "export", "import", "usage"] as const)
      .filter((name) => flags[name] !== undefined && flags[name] !== false);
  if (flags.since !== undefined && !flags.usage) {
    throw new UsageError("--since goes with --usage");
  }
  if (asked.length > 1) {
    throw new UsageError(
      `use one of --${asked.join(", --")} at a time, not several`,
    );
  }
  const [kind] = asked;
  if (kind === undefined) return undefined;
  const refs = () => words.map((word) => parseRef(`--${kind}`, word));
  const noWords = () => {
    if (words.length > 0) {
      throw new UsageError(
        `--${kind} takes no prompt: "${words.join(" ")}" is not for it`,
      );
    }
  };
  switch (kind) {
    case "search": {
      const text = words.join(" ").trim();
      if (text === "") {
        throw new UsageError(
          '--search needs words to look for: gpt4o --search "supreme court"',
        );
      }
      return { kind, words: text };
    }
    case "delete": {
      if (words.length === 0) {
        throw new UsageError(
          "--delete needs the ids or names of the conversations to delete " +
            "(--history lists them)",
        );
      }
      return { kind, targets: refs() };
    }
    case "export":
      return { kind, targets: refs() };
    case "prune":
      noWords();
      return { kind, age: parseAge("--prune", flags.prune!) };
    case "import":
      noWords();
      return { kind, file: flags.import! };
    case "usage":
      noWords();
      return flags.since === undefined
        ? { kind }
        : { kind, since: parseAge("--since", flags.since) };
  }
}

/**
 * The arguments with `--history=N` (and `--history -N`, which parseArgs
 * would take for an option) as `--history`, and that `N`: parseArgs takes
 * no value for an option that may go without one.
 */
export function splitHistoryCount(
  args: readonly string[],
): { rest: string[]; inlineCount?: string } {
  const rest: string[] = [];
  let inlineCount: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg.startsWith("--history=")) {
      inlineCount = arg.slice("--history=".length);
      rest.push("--history");
    } else if (arg === "--history" && /^-\d/.test(args[i + 1] ?? "")) {
      inlineCount = args[++i];
      rest.push(arg);
    } else {
      rest.push(arg);
    }
  }
  return { rest, ...(inlineCount === undefined ? {} : { inlineCount }) };
}

/** A token of parseArgs' command line. */
export type Token = ReturnType<typeof parseArgs>["tokens"] extends
  (infer T)[] | undefined ? T : never;

/**
 * How many conversations `--history` lists: the `N` of `--history=N`, or
 * the argument right after `--history` (which is then no prompt's word).
 *
 * @throws {UsageError} for a count that is not a number of at least 1.
 */
export function historyCountOf(
  tokens: readonly Token[],
  inline: string | undefined,
): { limit: number; token?: Token } {
  const at = tokens.findLastIndex((token) =>
    token.kind === "option" && token.rawName === "--history"
  );
  const next = tokens[at + 1];
  const token = at !== -1 && next?.kind === "positional" &&
      next.index === tokens[at].index + 1
    ? next
    : undefined;
  const text = token?.kind === "positional" ? token.value : inline;
  if (text === undefined) return { limit: DEFAULT_HISTORY_LIMIT };
  const limit = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(limit) || limit < 1) {
    throw new UsageError(
      "--history takes how many conversations to list (a number of at " +
        `least 1), not ${JSON.stringify(text)}`,
    );
  }
  return { limit, ...(token ? { token } : {}) };
}
