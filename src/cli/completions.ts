/**
 * The completion scripts `--completions` prints for bash, zsh and fish, made
 * from the command line's own definition: every option of `options.ts`'s
 * `parseArgs` flags (and of the modules it spreads in), `--no-` forms
 * included, each with the words `--help` gives it, so that an option added
 * there is completed without a word here. What an option's value is comes
 * from {@linkcode VALUES}: fixed words, files, or what the program knows,
 * which the script asks of it at each Tab (`gpt4o --complete KIND`, see
 * `src/run/complete.ts`); any other value is the user's own. The scripts'
 * code is in `completion.bash`, `completion.zsh` and `completion.fish`,
 * beside this module, with the key binding that asks `gpt4o -e` for a
 * command.
 *
 * @module
 */
import bash from "./completion.bash" with { type: "text" };
import zsh from "./completion.zsh" with { type: "text" };
import fish from "./completion.fish" with { type: "text" };
import { FLAGS, NEGATABLE, USAGE } from "./options.ts";
import {
  type CompleteKind,
  HIDDEN_FLAGS,
  type Shell,
  SHELLS,
} from "./completion_options.ts";
import { OPTION_NAMES } from "../config/sampling.ts";

/** What an option's value is completed with. */
export type Values =
  /** One of these words. */
  | { words: readonly string[] }
  /** A file or a folder. */
  | { files: true }
  /**
   * What the program knows of a kind; with `list`, a comma list of them;
   * `also` are words offered beside them.
   */
  | { ask: CompleteKind; list?: true; also?: readonly string[] }
  /** The user's own text: nothing is offered. */
  | { text: true };

/**
 * How the values of the options that take one are completed; an option that
 * is not here takes a value of the user's own (a number, a text).
 */
export const VALUES = {
  model: { ask: "models", list: true },
  role: { ask: "roles" },
  attach: { files: true },
  file: { files: true },
  import: { files: true },
  option: { words: OPTION_NAMES.map((name) => `${name}=`) },
  api: { words: ["chat", "responses", "auto"] },
  tools: { ask: "servers", list: true, also: ["all"] },
  logout: { ask: "servers" },
  conversation: { ask: "conversations" },
  show: { ask: "conversations" },
  completions: { words: SHELLS },
} satisfies { [name in keyof typeof FLAGS]?: Values };

/** What the options that `--help` names only in another's line do. */
const TOLD_WITHIN: { readonly [name in keyof typeof FLAGS]?: string } = {
  since: "with --usage: the span back from now to sum (30d, 12h, 2w, 1y)",
};

/** The options whose words are conversations (`--delete 3 "tax notes"`). */
export const CONVERSATION_WORDS: readonly (keyof typeof FLAGS)[] = [
  "delete",
  "export",
];

/** One option as a shell completes it. */
export interface Flag {
  /** `--model` */
  long: string;
  /** `-m` */
  short?: string;
  /** What its value is; `undefined` for an option that takes none. */
  value?: Values;
  /** The name `--help` gives its value (`id` of `<id>`), else `value`. */
  placeholder: string;
  /** It may be given more than once (`-a a.png -a b.png`). */
  repeatable: boolean;
  /** What `--help` says it does, on one line; empty when it says nothing. */
  description: string;
  /** The options it does not go with: its own forms, and its `--no-` form. */
  excludes: string[];
}

/**
 * Every option a user types, in the order of their definition, then the
 * `--no-` forms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagsOf } from "./completions.ts";
 * const model = flagsOf().find((flag) => flag.long === "--model");
 * assert.deepEqual(model, {
 *   long: "--model",
 *   short: "-m",
 *   value: { ask: "models", list: true },
 *   placeholder: "id",
 *   repeatable: false,
 *   description: "model, <provider>:<model>, an alias, or a,b,c to fall " +
 *     "back in that order (default gpt-4o)",
 *   excludes: ["-m", "--model"],
 * });
 * ```
 */
export function flagsOf(): Flag[] {
  const help = helpOf(USAGE);
  const values: { [name: string]: Values | undefined } = VALUES;
  const flags: Flag[] = Object.entries(FLAGS)
    .filter(([name]) => !HIDDEN_FLAGS.includes(name))
    .map(([name, definition]) => {
      const long = `--${name}`;
      const short = "short" in definition ? `-${definition.short}` : undefined;
      const negated = `--no-${name}`;
      const value = definition.type === "string"
        ? values[name] ?? { text: true }
        : undefined;
      return {
        long,
        ...(short ? { short } : {}),
        ...(value ? { value } : {}),
        placeholder: help.get(long)?.placeholder ?? "value",
        repeatable: "multiple" in definition && definition.multiple,
        description: help.get(long)?.description ??
          TOLD_WITHIN[name as keyof typeof FLAGS] ?? "",
        excludes: [
          ...(short ? [short] : []),
          long,
          ...(NEGATABLE.includes(negated) ? [negated] : []),
        ],
      };
    });
  const negations = NEGATABLE.map((negated) => ({
    long: negated,
    placeholder: "value",
    repeatable: false,
    description: help.get(negated)?.description ?? "",
    excludes: [negated, negated.replace(/^--no-/, "--")],
  }));
  return [...flags, ...negations];
}

/**
 * What `--help` says of each option: the name of its value and what it
 * does, its lines joined.
 */
function helpOf(
  usage: string,
): Map<string, { placeholder?: string; description: string }> {
  const help = new Map<string, { placeholder?: string; description: string }>();
  let current: string | undefined;
  for (const line of usage.split("\n")) {
    const head = /^ {2}(?:-\w, | {4})(--[a-z][\w-]*)(?: (\S+))? {2,}(\S.*)$/
      .exec(line);
    if (head) {
      const [, long, value, description] = head;
      const placeholder = value?.replace(/^[<[]|[>\]]\.*$|\.\.\.$/g, "");
      help.set(long, {
        ...(placeholder ? { placeholder } : {}),
        description: description.trim(),
      });
      current = long;
      continue;
    }
    const more = /^ {27}(\S.*)$/.exec(line);
    const known = current === undefined ? undefined : help.get(current);
    if (known && more) known.description += ` ${more[1].trim()}`;
    else current = undefined;
  }
  return help;
}

/**
 * The completion script of `shell`, as `--completions` prints it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { completionScript } from "./completions.ts";
 * assert.match(completionScript("bash"), /^complete -F _gpt4o gpt4o$/m);
 * assert.match(completionScript("fish"), /^complete -c gpt4o -l api -x -a 'chat responses auto'$/m);
 * ```
 */
export function completionScript(shell: Shell): string {
  const flags = flagsOf();
  const listed = CONVERSATION_WORDS.map((name) => `--${name}`);
  switch (shell) {
    case "bash":
      return filled(bash, {
        FLAGS: flags.flatMap(forms).map(word).join(" "),
        VALUES: flags.flatMap(bashValue).join("\n"),
        LISTED: `    ${listed.join(" | ")}) listed=1 ;;`,
      });
    case "zsh":
      return filled(zsh, {
        SPECS: flags.flatMap(zshSpecs).join("\n"),
        LISTED: `(( ${
          listed.map((each) => `\${words[(I)${each}]}`).join(" || ")
        } ))`,
      });
    case "fish":
      return filled(fish, {
        COMPLETE: flags.flatMap(fishLines).join("\n"),
        LISTED: `__fish_seen_argument ${
          listed.map((each) => `-l ${each.slice(2)}`).join(" ")
        }`,
      });
  }
}

/** `template` with each `@NAME@` as `parts` has it. */
function filled(template: string, parts: Record<string, string>): string {
  let text = template;
  for (const [name, part] of Object.entries(parts)) {
    if (!text.includes(`@${name}@`)) {
      throw new Error(`the completion script has no @${name}@`);
    }
    text = text.replaceAll(`@${name}@`, part);
  }
  return text;
}

/** An option's forms: `-m`, `--model`. */
function forms(flag: Flag): string[] {
  return flag.short ? [flag.short, flag.long] : [flag.long];
}

/**
 * A word the scripts write as it is: options and fixed values are plain
 * words, which no shell reads otherwise.
 */
function word(text: string): string {
  if (!/^[\w.:=,@+-]+$/.test(text)) {
    throw new Error(`${JSON.stringify(text)} is no plain word to complete`);
  }
  return text;
}

/** What the program is asked, in a script: `models , all`. */
function askWords(values: Extract<Values, { ask: unknown }>): string[] {
  return [values.ask, values.list ? "," : '""', ...(values.also ?? [])].map(
    (each) => each === '""' ? each : word(each),
  );
}

/** The `case` arm of `_gpt4o_value` for an option that takes a value. */
function bashValue(flag: Flag): string[] {
  const { value } = flag;
  if (value === undefined) return [];
  const action = "words" in value
    ? `_gpt4o_offer "$typed" ${value.words.map(word).join(" ")}`
    : "files" in value
    ? `_gpt4o_files "$typed"`
    : "ask" in value
    ? `_gpt4o_known ${
      [askWords(value)[0], '"$typed"', ...askWords(value).slice(1)].join(" ")
    }`
    : ":";
  return [`  ${forms(flag).join(" | ")}) ${action} ;;`];
}

/** Single quotes for sh and zsh. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The `_arguments` specs of an option, one line each. */
function zshSpecs(flag: Flag): string[] {
  const { value } = flag;
  const only = flag.repeatable ? "*" : `(${flag.excludes.join(" ")})`;
  const about = `[${flag.description.replace(/[\\[\]]/g, "\\$&")}]`;
  const action = value === undefined
    ? ""
    : `:${flag.placeholder.replaceAll(":", " ")}:${
      "words" in value
        ? value.words.some((each) => each.endsWith("="))
          ? `{compadd -S "" -- ${value.words.map(word).join(" ")}}`
          : `(${value.words.map(word).join(" ")})`
        : "files" in value
        ? "_files"
        : "ask" in value
        ? `{_gpt4o_known ${askWords(value).join(" ")}}`
        : " "
    }`;
  return forms(flag).map((form) => {
    const named = value === undefined
      ? form
      : form.startsWith("--")
      ? `${form}=`
      : `${form}+`;
    return `    ${quoted(`${only}${named}${about}${action}`)} \\`;
  });
}

/** Single quotes for fish. */
function fishQuoted(text: string): string {
  return `'${text.replace(/[\\']/g, "\\$&")}'`;
}

/**
 * The `complete` lines of an option: its values (fish shows a line's
 * description beside each of them, so they have a line of their own), then
 * the option with what it does.
 */
function fishLines(flag: Flag): string[] {
  const { value } = flag;
  const option = `complete -c gpt4o${
    flag.short ? ` -s ${flag.short.slice(1)}` : ""
  } -l ${flag.long.slice(2)}`;
  const values = value === undefined
    ? undefined
    : "words" in value
    ? fishQuoted(value.words.map(word).join(" "))
    : "ask" in value
    ? fishQuoted(`(__gpt4o_known ${askWords(value).join(" ")})`)
    : undefined;
  const takes = value === undefined
    ? ""
    : value !== undefined && "files" in value
    ? " -r -F"
    : " -x";
  return [
    ...(values ? [`${option} -x -a ${values}`] : []),
    `${option}${takes}${
      flag.description ? ` -d ${fishQuoted(flag.description)}` : ""
    }`,
  ];
}
