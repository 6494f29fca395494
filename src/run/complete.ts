/**
 * `--complete KIND`: the values a shell's Tab offers, read at completion
 * time from the config file and the history as a run reads them, one a line,
 * a tab and what it is after it where that helps (fish shows it as is; the
 * bash and zsh scripts split it off). No network, nothing written; the
 * shell's script runs it (`src/cli/completions.ts`).
 *
 * @module
 */
import type { CompleteKind } from "../cli/completion_options.ts";
import type { Settings } from "../config/plan.ts";
import { PROVIDERS } from "../config/providers.ts";
import { openHistory } from "../history/use.ts";
import { cut, flatten } from "../text/line.ts";

/** How many conversations, the latest first, a Tab offers. */
export const CONVERSATIONS_OFFERED = 200;

/** How long a description may be, in characters. */
const DESCRIPTION_WIDTH = 60;

/**
 * The lines `--complete of` prints: each value, and after a tab what it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { completeValues } from "./complete.ts";
 * import { settingsOf } from "../config/plan.ts";
 * const settings = settingsOf(() => undefined, {
 *   path: "config.toml", providers: [], aliases: {}, mcp: [],
 *   roles: [{ name: "lawyer", system: "You are a careful lawyer.\nBe brief." }],
 * });
 * assert.equal(completeValues("roles", settings), "lawyer\tYou are a careful lawyer.\n");
 * ```
 *
 * @throws {Error} what the config file or the history fails with (the
 * `--complete` run says nothing of it).
 */
export function completeValues(of: CompleteKind, settings: Settings): string {
  return valuesOf(of, settings).flatMap(([value, about]) => {
    // A value a shell cannot take back as it is typed is left out.
    if (value === "" || flatten(value) !== value) return [];
    const shown = cut(flatten(about ?? ""), DESCRIPTION_WIDTH);
    return [shown === "" ? `${value}\n` : `${value}\t${shown}\n`];
  }).join("");
}

/** The values of a kind, each with what it is. */
function valuesOf(
  of: CompleteKind,
  settings: Settings,
): [string, string | undefined][] {
  const { file } = settings;
  switch (of) {
    case "roles":
      return (file?.roles ?? []).map((role) => [
        role.name,
        role.system?.split("\n")[0] ?? role.model?.join(","),
      ]);
    case "models":
      return [
        ...[...PROVIDERS, ...settings.providers].map((
          provider,
        ): [string, string] => [`${provider.name}:`, provider.note]),
        ...Object.entries(file?.aliases ?? {}).map((
          [name, models],
        ): [string, string] => [name, models.join(",")]),
      ];
    case "conversations": {
      using history = openHistory(settings.history);
      const listed = history.list(CONVERSATIONS_OFFERED);
      return [
        ...listed.map(({ id, title }): [string, string] => [String(id), title]),
        ...listed.flatMap(({ id, name }): [string, string][] =>
          name === undefined ? [] : [[name, `conversation ${id}`]]
        ),
      ];
    }
    case "servers":
      return (file?.mcp ?? []).map((server) => [
        server.name,
        `${server.kind} server`,
      ]);
  }
}
