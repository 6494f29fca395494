/**
 * `--completions SHELL`, which prints a shell's completion script, and the
 * hidden `--complete KIND`, which that script runs at each Tab to get the
 * values the program knows (roles, models, conversations, tool servers):
 * parsed and checked here, beside `options.ts`, which holds the rest of the
 * command line. The scripts themselves are `completions.ts`.
 *
 * @module
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./usage_error.ts";

/** The shells `--completions` writes a script for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
/** A shell `--completions` writes a script for. */
export type Shell = (typeof SHELLS)[number];

/**
 * What `--complete` lists, one value a line (a tab, then what it is, where
 * that helps): the config file's roles, what `-m` takes (the providers'
 * `NAME:` and the aliases), the conversations of the history (ids and
 * names), and the config file's tool servers.
 */
export const COMPLETE_KINDS = [
  "roles",
  "models",
  "conversations",
  "servers",
] as const;
/** What `--complete` lists. */
export type CompleteKind = (typeof COMPLETE_KINDS)[number];

/** The completion flags, as `parseArgs` takes them. */
export const COMPLETION_FLAGS = {
  completions: { type: "string" },
  complete: { type: "string" },
} satisfies ParseArgsOptionsConfig;

/**
 * The flags no user types: neither `--help`, the completion scripts nor a
 * "did you mean" names them.
 */
export const HIDDEN_FLAGS: readonly string[] = ["complete"];

/** The lines `--help` gives `--completions`. */
export const COMPLETION_HELP =
  `      --completions <bash|zsh|fish>  print the shell's completion script (see
                           the README's Shell completions)`;

/** What the completion flags ask for: a script, or the values of a kind. */
export type Completion =
  | { kind: "script"; shell: Shell }
  | { kind: "values"; of: CompleteKind };

/** The completion flags' values, as `parseArgs` gives them. */
export interface CompletionFlags {
  completions?: string;
  complete?: string;
}

/**
 * What `--completions` or `--complete` asks for; `undefined` with neither.
 * `given` holds the options typed (`--completions`, `-m`), `positionals` the
 * prompt's words: either flag goes alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { completionOf } from "./completion_options.ts";
 * assert.deepEqual(
 *   completionOf({ completions: "zsh" }, new Set(["--completions"]), []),
 *   { kind: "script", shell: "zsh" },
 * );
 * assert.throws(
 *   () => completionOf({ completions: "tcsh" }, new Set(["--completions"]), []),
 *   { message: '--completions takes bash, zsh or fish, not "tcsh"' },
 * );
 * ```
 *
 * @throws {UsageError} for a shell or a kind it does not know, or either
 * flag with anything else.
 */
export function completionOf(
  values: CompletionFlags,
  given: ReadonlySet<string>,
  positionals: readonly string[],
): Completion | undefined {
  const flag = values.completions !== undefined
    ? "--completions"
    : values.complete !== undefined
    ? "--complete"
    : undefined;
  if (flag === undefined) return undefined;
  const other = [...given].find((each) => each !== flag);
  if (other !== undefined || positionals.length > 0) {
    throw new UsageError(
      `${flag} prints what a shell completes: give it nothing else, not ${
        other ?? JSON.stringify(positionals.join(" "))
      }`,
    );
  }
  if (values.completions !== undefined) {
    const shell = SHELLS.find((each) => each === values.completions);
    if (shell) return { kind: "script", shell };
    throw new UsageError(
      `--completions takes bash, zsh or fish, not ${
        JSON.stringify(values.completions)
      }`,
    );
  }
  const of = COMPLETE_KINDS.find((each) => each === values.complete);
  if (of) return { kind: "values", of };
  throw new UsageError(
    `--complete takes ${COMPLETE_KINDS.join(", ")}, not ${
      JSON.stringify(values.complete)
    }`,
  );
}

/**
 * Whether a command line is a shell's `--complete` call, which says nothing
 * on stderr, whatever fails: a Tab shows values or none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCompleteCall } from "./completion_options.ts";
 * assert.equal(isCompleteCall(["--complete", "roles"]), true);
 * assert.equal(isCompleteCall(["--", "--complete"]), false);
 * ```
 */
export function isCompleteCall(args: readonly string[]): boolean {
  return /^--complete(=|$)/.test(args[0] ?? "");
}
