/**
 * The plainest way in, `deno run --allow-net main.ts`: at a terminal, Deno's
 * own prompt asks for what the run needs and was not given, a few questions
 * in all, before anything is read — the `OPENAI_*` variables it reads, the
 * home that places the history and the config file, `.env`, the config
 * file, the history's folder and the files the command line names, and for
 * `-e` or `--chat` the user's shell and starting it — and the run then
 * answers as `deno task start` does. Without a terminal (or with
 * `--no-prompt`) Deno answers no to each at once, and the run says in one
 * line which flag to add. Under the launchers everything is granted already
 * and nothing is asked.
 *
 * @module
 */
import { configPath } from "../config/file.ts";
import { historyFolder } from "../config/paths.ts";
import { parseOptions } from "../cli/options.ts";
import { parseModel } from "../config/providers.ts";

/** How the permissions are asked about: Deno's own API, or a test's. */
export interface Permissions {
  querySync(descriptor: Deno.PermissionDescriptor): { state: string };
  request(descriptor: Deno.PermissionDescriptor): Promise<{ state: string }>;
}

/**
 * The variables a plain run is asked for: the key, the server, the headers
 * the SDK reads itself, and the home that places the history and the config
 * file. Other variables it is not given read as unset (a `GPT4O_*` setting,
 * the organization); a provider's key `-m provider:` names is asked too.
 */
const ASKED_ENV = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_CUSTOM_HEADERS",
];

/**
 * Asks for the permissions a run with `args` needs, in this order, each
 * only if the run has not been given it, and only when it has been given
 * none of the program's variables (plain `deno run`, not a launcher).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { askForWhatIsLacking } from "./prompts.ts";
 * const asked: string[] = [];
 * const granted = new Set<string>();
 * const key = (d: Deno.PermissionDescriptor) =>
 *   `${d.name} ${"variable" in d ? d.variable : "path" in d ? d.path : ""}`;
 * await askForWhatIsLacking(["-m", "groq:", "Hi"], {
 *   querySync: (d) => ({ state: granted.has(key(d)) ? "granted" : "prompt" }),
 *   request: (d) => {
 *     asked.push(key(d));
 *     granted.add(key(d));
 *     return Promise.resolve({ state: "granted" });
 *   },
 * }, (name) => ({ HOME: "/home/ada" })[name], "linux");
 * assert.deepEqual(asked, [
 *   "env OPENAI_API_KEY",
 *   "env OPENAI_BASE_URL",
 *   "env OPENAI_CUSTOM_HEADERS",
 *   "env GROQ_API_KEY",
 *   "env HOME",
 *   "read .env",
 *   "read /home/ada/.config/gpt4o/config.toml",
 *   "read /home/ada/.local/share/gpt4o",
 *   "write /home/ada/.local/share/gpt4o",
 * ]);
 * ```
 */
export async function askForWhatIsLacking(
  args: readonly string[],
  permissions: Permissions = Deno.permissions,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
  os: typeof Deno.build.os = Deno.build.os,
): Promise<void> {
  const state = (descriptor: Deno.PermissionDescriptor) =>
    permissions.querySync(descriptor).state;
  if (state({ name: "env", variable: "OPENAI_API_KEY" }) !== "prompt") return;
  const ask = async (descriptor: Deno.PermissionDescriptor) => {
    if (state(descriptor) === "prompt") await permissions.request(descriptor);
  };
  const home = os === "windows" ? "APPDATA" : "HOME";
  for (const variable of [...ASKED_ENV, ...providerKeys(args), home]) {
    await ask({ name: "env", variable });
  }
  // Where things are, from what may now be read (nothing else is asked).
  const read = (name: string) =>
    state({ name: "env", variable: name }) === "granted"
      ? env(name)
      : undefined;
  await ask({ name: "read", path: ".env" });
  const config = configPath(read, os);
  if (config !== undefined) await ask({ name: "read", path: config });
  const folder = historyFolder(read, os);
  if (folder !== undefined) {
    await ask({ name: "read", path: folder });
    await ask({ name: "write", path: folder });
  }
  const { mayExecute, namedFiles } = await import("./permissions.ts");
  for (const path of namedFiles(args)) await ask({ name: "read", path });
  if (!mayExecute(args)) return;
  // -e, and the chat's /execute, run a command in the user's shell.
  const { shellOf } = await import("../shell/shell.ts");
  for (const variable of os === "windows" ? WINDOWS_SHELL_ENV : ["SHELL"]) {
    await ask({ name: "env", variable });
  }
  await ask({ name: "run", command: shellOf(read, os).program });
}

/** What finds the shell on Windows: a PowerShell session, else cmd. */
const WINDOWS_SHELL_ENV = ["PSModulePath", "ComSpec"];

/** The key variables of the built-in providers `-m` names. */
function providerKeys(args: readonly string[]): string[] {
  let model: string | undefined;
  try {
    model = parseOptions([...args]).model;
  } catch {
    return []; // the run itself says what is wrong with its command line
  }
  return (model ?? "").split(",").flatMap((spec) => {
    const { provider } = parseModel(spec.trim(), []);
    return provider?.keyVariable && !ASKED_ENV.includes(provider.keyVariable)
      ? [provider.keyVariable]
      : [];
  });
}
