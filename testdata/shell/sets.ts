/**
 * The danger check's test sets, for its tests and its benchmark:
 * `destructive.txt` and `everyday.txt` (one command a line, `#` lines and
 * blank ones left out) and the multi-line commands of `heredocs.json`.
 *
 * @module
 */
import DESTRUCTIVE_TEXT from "./destructive.txt" with { type: "text" };
import EVERYDAY_TEXT from "./everyday.txt" with { type: "text" };
import HEREDOCS from "./heredocs.json" with { type: "json" };

/** The commands of a set's text: one a line, comments and blank lines left out. */
function commandsOf(text: string): string[] {
  return text.split("\n").filter((line) =>
    line.trim() !== "" && !line.startsWith("#")
  );
}

/** Commands that do something that cannot be undone: every one is to be flagged. */
export const DESTRUCTIVE: readonly string[] = [
  ...commandsOf(DESTRUCTIVE_TEXT),
  ...HEREDOCS.destructive,
];

/** Commands of every day: at most 2% may be flagged. */
export const EVERYDAY: readonly string[] = [
  ...commandsOf(EVERYDAY_TEXT),
  ...HEREDOCS.everyday,
];
