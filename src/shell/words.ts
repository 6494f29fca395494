/**
 * A shell command's words as the danger check reads them, whatever parsed
 * them: their values, their options normalised, the name of the program,
 * and how a word is shown inside a reason.
 *
 * @module
 */
import { cut, flatten } from "../text/line.ts";

/** One word of a simple command. */
export interface Arg {
  /** Its value once quotes are removed; expansions stay as written (`$X`). */
  value: string;
  /** Whether an expansion (`$X`, `$(…)`, `<(…)`, `$((…))`) makes it unknowable. */
  dynamic: boolean;
  /** The downloader (`curl`) that a substitution in it runs, if any. */
  download?: string;
}

/** What the check found, gathered as it walks. */
export interface Findings {
  /** Names something the command would do that cannot be undone. */
  flag(reason: string): void;
  /** Checks shell text that the command runs, `suffix` after each of its reasons. */
  run(script: string, suffix?: string): void;
}

/** What a simple command does that matters to the commands it is piped to. */
export interface Facts {
  /** The downloader it is (`curl`), or that runs inside it. */
  download?: string;
  /** The shell or interpreter it is, reading its program from stdin. */
  readsProgram?: string;
  /** The text it prints, when that is known (`echo 'rm x'`). */
  prints?: string;
  /** Checks text piped to it, as a shell runs it or a client sends it. */
  reads?: (text: string) => void;
}

/** A word made from its value alone, as a wrapper's inner words are. */
export function literal(value: string): Arg {
  return { value, dynamic: false };
}

/**
 * The program a command word names: the base name of an absolute path,
 * else the word itself (`./rm` is another program).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { programOf } from "./words.ts";
 * assert.deepEqual([programOf("/usr/bin/rm"), programOf("./rm")], ["rm", "./rm"]);
 * ```
 */
export function programOf(value: string): string {
  return value.startsWith("/")
    ? value.slice(value.lastIndexOf("/") + 1)
    : value;
}

/**
 * A piece of the command as a reason shows it: one line, spaces single, at
 * most 40 characters, no control character.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shown } from "./words.ts";
 * assert.equal(shown("> \x1b[2Jout.txt"), "> [2Jout.txt");
 * ```
 */
export function shown(text: string): string {
  return cut(flatten(text).replace(/\s+/g, " "), 40);
}

/** The reasons a command gives, from its words after the name, and the text its stdin is given. */
export type Rule = (
  words: readonly string[],
  name: string,
  stdin?: string,
) => string | string[] | undefined;

/** Which options take a value: short letters, and long names without `=`. */
export interface OptionSpec {
  /** Short options whose value is the rest of the word or the next word: `"un"`. */
  takes?: string;
  /** Long options whose value may be the next word: `["signal"]`. */
  longTakes?: readonly string[];
  /** Whether options end at the first operand (`sudo -u x rm -rf`), as POSIX has it. */
  stopAtOperand?: boolean;
}

/** A command's options normalised: `-rf`, `-r -f`, `-fr` and `--recursive --force` alike. */
export class Options {
  /** Short options by letter, each with its value when it takes one. */
  readonly short = new Map<string, string>();
  /** Long options by name (no `--`), each with its value, `""` for none. */
  readonly long = new Map<string, string>();
  /** The words that are not options, in order (all of them after `--`). */
  readonly operands: string[] = [];
  /** Where the operands begin in the words, when options end at the first. */
  rest = 0;

  /**
   * Reads `words`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Options } from "./words.ts";
   * const options = new Options(["-r", "-f", "dir", "--force"]);
   * assert.ok(options.has("-f", "--force") && options.has("-r"));
   * assert.deepEqual(options.operands, ["dir"]);
   * assert.equal(new Options(["-s", "KILL", "1"], { takes: "s" }).value("-s"), "KILL");
   * ```
   */
  constructor(words: readonly string[], spec: OptionSpec = {}) {
    const takes = spec.takes ?? "";
    const longTakes = spec.longTakes ?? [];
    let i = 0;
    for (; i < words.length; i++) {
      const word = words[i];
      if (word === "--") {
        this.operands.push(...words.slice(i + 1));
        this.rest = i + 1;
        return;
      }
      if (word.startsWith("--")) {
        const equals = word.indexOf("=");
        const name = word.slice(2, equals < 0 ? undefined : equals);
        let value = equals < 0 ? "" : word.slice(equals + 1);
        if (equals < 0 && longTakes.includes(name) && i + 1 < words.length) {
          value = words[++i];
        }
        this.long.set(name, value);
      } else if (word.startsWith("-") && word.length > 1) {
        for (let at = 1; at < word.length; at++) {
          const letter = word[at];
          if (takes.includes(letter)) {
            const value = at + 1 < word.length
              ? word.slice(at + 1)
              : words[++i] ?? "";
            this.short.set(letter, value);
            break;
          }
          this.short.set(letter, "");
        }
      } else if (spec.stopAtOperand) {
        break;
      } else {
        this.operands.push(word);
      }
    }
    this.rest = spec.stopAtOperand ? i : words.length;
  }

  /** Whether any of `names` (`-r`, `--recursive`) was given. */
  has(...names: string[]): boolean {
    return names.some((name) =>
      name.startsWith("--")
        ? this.long.has(name.slice(2))
        : this.short.has(name.slice(1))
    );
  }

  /** The value of the first of `names` given. */
  value(...names: string[]): string | undefined {
    for (const name of names) {
      const value = name.startsWith("--")
        ? this.long.get(name.slice(2))
        : this.short.get(name.slice(1));
      if (value !== undefined) return value;
    }
    return undefined;
  }
}

/**
 * The first operand, skipping options (those of `takes` and `longTakes` with
 * their values), and the words after it: `git -C dir push -f` is
 * `["push", ["-f"]]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subcommand } from "./words.ts";
 * assert.deepEqual(subcommand(["-C", "dir", "push", "-f"], "C"), ["push", ["-f"]]);
 * ```
 */
export function subcommand(
  words: readonly string[],
  takes = "",
  longTakes: readonly string[] = [],
): [string | undefined, readonly string[]] {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "--") return [words[i + 1], words.slice(i + 2)];
    if (word.startsWith("--")) {
      if (!word.includes("=") && longTakes.includes(word.slice(2))) i++;
    } else if (word.startsWith("-") && word.length > 1) {
      if (word.length === 2 && takes.includes(word[1])) i++;
    } else {
      return [word, words.slice(i + 1)];
    }
  }
  return [undefined, []];
}
