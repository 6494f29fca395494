/**
 * The history commands of the command line: `--search`, `--delete`,
 * `--prune`, `--export`, `--import` and `--usage`. Loaded only when one is
 * asked for.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import type { Options } from "../cli/options.ts";
import type { HistoryCommand } from "../cli/history_options.ts";
import type { Settings } from "../config/plan.ts";
import { EXIT } from "../errors.ts";
import { openHistory } from "./use.ts";
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
    default:
      throw new Error(`--${command.kind} is not built yet`);
  }
}
