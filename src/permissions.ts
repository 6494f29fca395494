/**
 * The permissions a run of the program gets, decided from the environment as
 * it is when the command runs: the network, the variables it reads, `.env`,
 * and the history's folder (wherever `HOME`, `XDG_DATA_HOME`, `APPDATA` or
 * `GPT4O_HISTORY` put it), never a prompt. The tasks and the installed command
 * start the program with exactly these flags.
 *
 * @module
 */
import { ENV_VARIABLES, SDK_ENV_VARIABLE } from "./config.ts";
import { type Env, HISTORY_ENV_VARIABLES, historyFolder } from "./paths.ts";
import { PROVIDER_ENV_VARIABLES } from "./providers.ts";

/** Every environment variable the program reads, and no other. */
export const PROGRAM_ENV: readonly string[] = [
  ...ENV_VARIABLES,
  SDK_ENV_VARIABLE,
  ...PROVIDER_ENV_VARIABLES,
  ...HISTORY_ENV_VARIABLES,
];

/**
 * The history folder as a permission flag can name it: Deno's flags take a
 * comma-separated list with no way to escape a comma, so a folder whose path
 * holds one cannot be granted (the program then says so when it saves).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grantedFolder } from "./permissions.ts";
 * assert.equal(grantedFolder(() => "/data/h.db", "linux"), "/data");
 * assert.equal(grantedFolder(() => "/a,b/h.db", "linux"), undefined);
 * ```
 */
export function grantedFolder(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const folder = historyFolder(env, os);
  return folder === undefined || folder.includes(",") ? undefined : folder;
}

/**
 * The `deno run` flags of one run: no prompt, the network, the variables of
 * {@linkcode PROGRAM_ENV}, reading `.env` and the history folder, writing the
 * history folder only (nothing when history is off).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFlags } from "./permissions.ts";
 * const flags = runFlags((name) => ({ HOME: "/home/ada" })[name], "linux");
 * assert.deepEqual(flags.slice(-2), [
 *   "--allow-read=.env,/home/ada/.local/share/gpt4o",
 *   "--allow-write=/home/ada/.local/share/gpt4o",
 * ]);
 * ```
 */
export function runFlags(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): string[] {
  const folder = grantedFolder(env, os);
  return [
    "--no-prompt",
    "--allow-net",
    `--allow-env=${PROGRAM_ENV.join(",")}`,
    `--allow-read=${[".env", ...folder ? [folder] : []].join(",")}`,
    ...folder ? [`--allow-write=${folder}`] : [],
  ];
}
