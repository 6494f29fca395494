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
import { columns } from "../text/columns.ts";
import { dollars } from "../exchange/cost.ts";
import type { UsageSum } from "./usage.ts";
import { exported, importedOf, ImportError } from "./portable.ts";
import { readError } from "../files/attachments.ts";

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
    case "export":
      return exportCommand(io, settings, command.targets);
    case "import":
      return importCommand(io, settings, command.file);
    case "usage": {
      using history = openHistory(settings.history);
      const since = command.since &&
        new Date(Date.now() - command.since.ms).toISOString();
      const sums = history.usage(since);
      io.stdout.write(
        options.json
          ? `${
            JSON.stringify(
              { ...(since ? { since } : {}), ...sums },
              null,
              2,
            )
          }\n`
          : `${formatUsage(sums, command.since?.text)}\n`,
      );
      return EXIT.ok;
    }
  }
}

/**
 * The table `--usage` prints: a line per model and provider, then the
 * total, and how many exchanges have no known cost.
 */
export function formatUsage(
  { rows, total }: ReturnType<History["usage"]>,
  since?: string,
): string {
  if (rows.length === 0) {
    return since ? `no exchanges in the last ${since}` : "no exchanges yet";
  }
  const number = (n: number) => n.toLocaleString("en-US");
  const line = (
    model: string,
    at: string,
    each: Omit<UsageSum, "model" | "endpoint">,
  ) => [
    model,
    at,
    number(each.exchanges),
    number(each.prompt_tokens),
    number(each.completion_tokens),
    number(each.reasoning_tokens),
    number(each.cached_tokens),
    each.exchanges === each.unpriced ? "?" : dollars(each.cost),
  ];
  const table = columns([
    ["model", "at", "turns", "in", "out", "reasoning", "cached", "cost"],
    ...rows.map((row) => line(flatten(row.model), flatten(row.endpoint), row)),
    line(since ? `total, last ${since}` : "total", "", total),
  ], [2, 3, 4, 5, 6, 7]);
  const unknown = total.unpriced
    ? `\n${count(total.unpriced, "exchange")} without a known cost (the ` +
      'server reported none and the config file has no [prices."MODEL"])'
    : "";
  return table.join("\n") + unknown;
}

/** The largest file `--import` reads: about the longest text a JavaScript string holds. */
export const IMPORT_LIMIT = 512 * 1024 * 1024;

/**
 * `--export`: the conversations named (all of them, oldest first, when none
 * is) as one JSON array, written one conversation at a time.
 */
function exportCommand(
  io: Io,
  settings: Settings,
  targets: ConversationRef[],
): number {
  using history = openHistory(settings.history);
  const ids = targets.length
    ? [
      ...new Set(targets.map((ref) => conversationToContinue(history, ref).id)),
    ]
    : history.ids();
  io.stdout.write("[");
  for (const [i, id] of ids.entries()) {
    const conversation = conversationToContinue(history, id);
    const text = JSON.stringify(exported(conversation), null, 2)
      .replaceAll("\n", "\n  ");
    io.stdout.write(`${i ? "," : ""}\n  ${text}`);
  }
  io.stdout.write(ids.length ? "\n]\n" : "]\n");
  return EXIT.ok;
}

/**
 * `--import FILE` (`-`: stdin): every conversation of an export, checked
 * whole before one is added, each under a new id.
 */
async function importCommand(
  io: Io,
  settings: Settings,
  file: string,
): Promise<number> {
  const label = `--import ${file}`;
  let text: string | undefined;
  if (file === "-") {
    const piped = await io.stdin();
    if (piped === undefined) {
      throw new UsageError(
        "--import - reads the export from stdin: pipe it (gpt4o --import - < file.json)",
      );
    }
    text = new TextDecoder().decode(piped);
  } else {
    try {
      text = await io.readTextFile(file, { limit: IMPORT_LIMIT });
    } catch (error) {
      throw readError(label, error);
    }
    if (text === undefined) throw new UsageError(`${label}: no such file`);
  }
  let conversations;
  try {
    conversations = importedOf(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new UsageError(`${label}: not JSON (${error.message})`);
    }
    if (error instanceof ImportError) {
      throw new UsageError(
        `${label}: ${error.message}; nothing was imported`,
      );
    }
    throw error;
  }
  const { path, ownFolder, problem } = settings.history;
  if (problem) throw problem;
  if (path === undefined) {
    throw new HistoryError(
      "history is off (GPT4O_HISTORY=off): unset GPT4O_HISTORY to import into it",
    );
  }
  using history = History.open(path, { ownFolder });
  const { ids, unnamed } = history.import(conversations);
  for (const { id, name, other } of unnamed) {
    io.stderr.write(
      `conversation ${id} is imported without its name "${name}": ` +
        `conversation ${other} has it (--title names it anew)\n`,
    );
  }
  io.stdout.write(
    ids.length === 0
      ? "imported no conversation: the file holds none\n"
      : `imported ${count(ids.length, "conversation")} (${
        ids.length === 1 ? `id ${ids[0]}` : `ids ${ids[0]}–${ids.at(-1)}`
      })\n`,
  );
  return EXIT.ok;
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
