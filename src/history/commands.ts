/**
 * The history commands of the command line: `--search`, `--delete`,
 * `--prune`, `--export`, `--import` and `--usage`. Loaded only when one is
 * asked for.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import type { Options } from "../cli/options.ts";
import type {
  ConversationRef,
  HistoryCommand,
} from "../cli/history_options.ts";
import { UsageError } from "../cli/usage_error.ts";
import type { Settings } from "../config/plan.ts";
import { EXIT, InterruptedError } from "../errors.ts";
import { conversationToContinue, openHistory } from "./use.ts";
import { History } from "./store.ts";
import { HistoryError } from "./errors.ts";
import { cut, flatten } from "../text/line.ts";
import { formatSearch } from "./transcript.ts";

/** How many conversations `--search` lists. */
export const SEARCH_LIMIT = 20;

/** Runs a history command; returns the exit code. */
export function historyCommand(
  io: Io,
  options: Options,
  settings: Settings,
  command: HistoryCommand,
): Promise<number> | number {
  switch (command.kind) {
    case "search": {
      using history = openHistory(settings.history);
      const hits = history.search(command.words, SEARCH_LIMIT);
      io.stdout.write(
        options.json
          ? `${JSON.stringify(hits, null, 2)}\n`
          : `${formatSearch(hits, command.words)}\n`,
      );
      return EXIT.ok;
    }
    case "delete":
    case "prune":
      return forgetCommand(io, options, settings, command);
    default:
      throw new Error(`--${command.kind} is not built yet`);
  }
}

/** How many conversations the question before a deletion names. */
const NAMED_AT_MOST = 5;

/**
 * `--delete` and `--prune`: the conversations found (every one named must
 * exist, or nothing is deleted), the question at a terminal unless `--yes`,
 * then the deletion, said in one line.
 */
async function forgetCommand(
  io: Io,
  options: Options,
  settings: Settings,
  command: { kind: "delete"; targets: ConversationRef[] } | {
    kind: "prune";
    age: { text: string; ms: number };
  },
): Promise<number> {
  let found: { id: number; title: string }[];
  {
    using history = openHistory(settings.history);
    if (command.kind === "delete") {
      const ids = new Set<number>();
      found = [];
      for (const ref of command.targets) {
        const { id, title } = conversationToContinue(history, ref);
        if (!ids.has(id)) found.push({ id, title });
        ids.add(id);
      }
    } else {
      const before = new Date(Date.now() - command.age.ms);
      found = history.unusedSince(before);
      if (found.length === 0) {
        io.stdout.write(
          `no conversation has gone unused for ${command.age.text}\n`,
        );
        return EXIT.ok;
      }
    }
  }
  const what = described(found);
  if (!options.yes) {
    using reader = io.lines();
    if (!reader.interactive) {
      throw new UsageError(
        `--${command.kind} deletes ${what} for good: give --yes to do it ` +
          "without a terminal to ask",
      );
    }
    let interrupted = false;
    const answer = await reader.read(
      `delete ${what} for good? [y/N] `,
      { answer: true, onInterrupt: () => void (interrupted = true) },
    );
    if (interrupted) throw new InterruptedError("SIGINT");
    if (!/^\s*(y|yes)\s*$/i.test(answer ?? "")) {
      io.stderr.write("nothing was deleted\n");
      return EXIT.ok;
    }
  }
  const { path, ownFolder } = settings.history;
  if (path === undefined) throw new HistoryError("history is off");
  using history = History.open(path, { ownFolder });
  const done = history.forget(found.map((each) => each.id));
  const files = done.attachments
    ? `, and ${count(done.attachments, "attachment")} no other uses`
    : "";
  io.stdout.write(
    `deleted ${count(done.conversations, "conversation")} (${
      count(done.turns, "turn")
    }${files})\n`,
  );
  return EXIT.ok;
}

/** `2 conversations (12 "tax notes", 15 "hello")`, naming the first few. */
function described(found: { id: number; title: string }[]): string {
  const named = found.slice(0, NAMED_AT_MOST).map(({ id, title }) =>
    `${id} "${cut(flatten(title), 40)}"`
  );
  if (found.length > NAMED_AT_MOST) {
    named.push(`and ${found.length - NAMED_AT_MOST} more`);
  }
  return `${count(found.length, "conversation")} (${named.join(", ")})`;
}

/** `1 turn`, `3 turns`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
