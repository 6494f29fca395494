/**
 * The question before a proposed command runs, at a terminal: one key,
 * `[e]xecute, [m]odify, [d]escribe, [c]opy, [a]bort`, abort the default;
 * a command the danger check flags runs only once `yes` is typed after the
 * `e`. Keys
 * typed before a question shows never answer it (the reader drops them).
 *
 * @module
 */
import type { LineReader } from "../io/lines.ts";
import type { Decision } from "../history/executions.ts";
import { EXIT } from "../errors.ts";

/** The question about a command the danger check found nothing in. */
export const QUESTION = "[e]xecute, [m]odify, [d]escribe, [c]opy, [a]bort: ";

/** The question about a flagged command: a word, not a key, runs it. */
export const YES_QUESTION = "Type yes to run it, anything else aborts: ";

/** The prompt of the line the command is edited in. */
export const EDIT_PROMPT = "$ ";

/** The keys that answer {@linkcode QUESTION}, and what each says it does. */
const KEYS: Record<string, Exclude<Decision, "printed"> | "interrupted"> = {
  e: "executed",
  m: "modified",
  d: "described",
  c: "copied",
  a: "aborted",
  q: "aborted",
  "\r": "aborted",
  "\n": "aborted",
  "\x1b": "aborted",
  "\x04": "aborted",
  "\x03": "interrupted",
};

/** The word shown after the question for each answer. */
const SAID: Record<string, string> = {
  executed: "execute",
  modified: "modify",
  described: "describe",
  copied: "copy",
  aborted: "abort",
  interrupted: "^C",
};

/** A terminal's reader: one that reads keys, and lends the terminal. */
export type KeyReader =
  & LineReader
  & Required<Pick<LineReader, "key" | "release">>;

/** Whether `reader` is a terminal's, which the question can be asked at. */
export function readsKeys(reader: LineReader): reader is KeyReader {
  return reader.key !== undefined && reader.release !== undefined;
}

/** What the question does, given by the run. */
export interface Asking {
  /** Where the user answers: a terminal's reader. */
  reader: KeyReader;
  /** Shows the command (highlighted) and, one a line, why it was flagged. */
  show(command: string, danger: string[]): void;
  /** Writes the rest of a question's line: the answer, and its end. */
  echo(text: string): void;
  /** Tells a line (on stderr). */
  say(line: string): void;
  /** The danger check's reasons for `command`; none when it looks safe. */
  dangerOf(command: string): Promise<string[]>;
  /** Asks the model to describe `command`, the description shown. */
  describe(command: string): Promise<void>;
  /** Copies `command` to the clipboard; says what it did. */
  copy(command: string): Promise<string>;
  /** Runs `command` in the user's shell, with the terminal; its exit code. */
  run(command: string): Promise<number>;
  /** Keeps one decision (and a run's exit code) in the history. */
  record(
    command: string,
    danger: string[],
    decision: Exclude<Decision, "printed">,
    exitCode?: number,
  ): void;
}

/**
 * Shows `command` and asks about it until the user runs, copies or aborts
 * it, and returns the exit code: a run's own; 0 when it is aborted or
 * copied; 130 for Ctrl-C. `e` runs it; `m` edits it, which is checked and
 * asked about again; `d` has the model describe it, then asks again; `c`
 * copies it and ends; `a`, Enter, Escape and Ctrl-D abort; another key is
 * no answer. A flagged command may be modified, described and copied as
 * well, but its `e` asks {@linkcode YES_QUESTION}: only `yes` then runs it.
 */
export async function askAbout(
  command: string,
  asking: Asking,
): Promise<number> {
  const { reader } = asking;
  let danger = await asking.dangerOf(command);
  const run = async () => {
    reader.release();
    const code = await asking.run(command);
    asking.record(command, danger, "executed", code);
    return code;
  };
  const abort = (interrupted: boolean) => {
    asking.record(command, danger, "aborted");
    return interrupted ? EXIT.interrupted : EXIT.ok;
  };
  for (;;) {
    asking.show(command, danger);
    let answer;
    do {
      const key = await reader.key(QUESTION);
      answer = key === undefined ? "aborted" : KEYS[key.toLowerCase()];
    } while (answer === undefined);
    asking.echo(`${SAID[answer]}\n`);
    switch (answer) {
      case "executed": {
        if (!danger.length) return await run();
        // A flagged command: the key was e, and the word must be yes.
        let interrupted = false;
        const line = await reader.read(YES_QUESTION, {
          answer: true,
          onInterrupt: () => void (interrupted = true),
        });
        if (line?.trim() === "yes") return await run();
        if (line === undefined && !interrupted) asking.echo("\n");
        return abort(interrupted);
      }
      case "copied":
        asking.record(command, danger, "copied");
        asking.say(await asking.copy(command));
        return EXIT.ok;
      case "described":
        asking.record(command, danger, "described");
        await asking.describe(command);
        continue;
      case "modified": {
        let interrupted = false;
        const edited = await reader.read(EDIT_PROMPT, {
          answer: true,
          prefill: command,
          onInterrupt: () => void (interrupted = true),
        });
        if (edited === undefined) return abort(interrupted);
        const text = edited.trim();
        if (text === "" || text === command) continue;
        command = text;
        danger = await asking.dangerOf(command);
        asking.record(command, danger, "modified");
        continue;
      }
      default:
        return abort(answer === "interrupted");
    }
  }
}
