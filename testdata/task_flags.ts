/**
 * The permission flags of a task in deno.json, as `deno task` passes them:
 * words split at spaces outside double quotes, quotes removed, `$NAME`
 * replaced by the variable's value (nothing when unset).
 *
 * @module
 */

/**
 * Returns the words of `command` that start with `--`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskFlags } from "./task_flags.ts";
 * const flags = taskFlags(
 *   'deno run --allow-net "--allow-read=.env,$HOME/a b" main.ts',
 *   { HOME: "/home/me" },
 * );
 * assert.deepEqual(flags, ["--allow-net", "--allow-read=.env,/home/me/a b"]);
 * ```
 */
export function taskFlags(
  command: string,
  env: Record<string, string | undefined>,
): string[] {
  const words = command.match(/(?:"[^"]*"|[^\s"]+)+/g) ?? [];
  return words
    .map((word) =>
      word.replaceAll('"', "").replace(
        /\$(\w+)/g,
        (_, name: string) => env[name] ?? "",
      )
    )
    .filter((word) => word.startsWith("--"));
}
