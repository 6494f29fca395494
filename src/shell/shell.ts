/**
 * The user's shell and operating system, as `-e` names them to the model
 * and runs the command it proposes: `$SHELL`, else `sh`; on Windows
 * PowerShell when the run was started from it, else cmd (`%ComSpec%`).
 * Decided once, from the run's variables; a `.env` file may not choose it.
 *
 * @module
 */
import type { ShellKind } from "./danger.ts";

/** The variables the shell is found by: what a run may read for `-e`. */
export const SHELL_ENV_VARIABLES: readonly string[] = [
  "SHELL",
  "ComSpec",
  "PSModulePath",
];

/** A shell a command runs in. */
export interface Shell {
  /** As the model and `--json` are told: `bash`, `zsh`, `pwsh`, `cmd`. */
  name: string;
  /** The shell's language: what the danger check parses, and the highlighting. */
  kind: ShellKind;
  /** The program started, as `--allow-run` grants it: `$SHELL` as it is set, `sh`, `pwsh`, `%ComSpec%`. */
  program: string;
}

/** The shells whose language a name tells; any other runs as `sh`'s. */
const KINDS: Record<string, ShellKind> = {
  bash: "bash",
  zsh: "zsh",
  fish: "fish",
  pwsh: "powershell",
  powershell: "powershell",
  cmd: "cmd",
};

/**
 * The shell of a run on `os`: `$SHELL` (its value as set, named by its last
 * part), else `sh`; on Windows PowerShell when `PSModulePath` lists the
 * folders of a PowerShell session (three or more: a session adds the
 * user's and its own to the system's), `pwsh` when they are PowerShell 7's,
 * else cmd (`%ComSpec%`, else `cmd.exe`). A variable set only in `.env`,
 * or that this run may not read, counts as unset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shellOf } from "./shell.ts";
 * assert.deepEqual(shellOf((name) => ({ SHELL: "/bin/zsh" })[name], "linux"), {
 *   name: "zsh",
 *   kind: "zsh",
 *   program: "/bin/zsh",
 * });
 * assert.deepEqual(shellOf(() => undefined, "darwin"), {
 *   name: "sh",
 *   kind: "sh",
 *   program: "sh",
 * });
 * ```
 */
export function shellOf(
  read: ((name: string) => string | undefined) & {
    fromFile?(name: string): boolean;
  },
  os: typeof Deno.build.os,
): Shell {
  const value = (name: string) => {
    try {
      return read.fromFile?.(name)
        ? undefined
        : read(name)?.trim() || undefined;
    } catch {
      return undefined; // a variable this run may not read counts as unset
    }
  };
  if (os === "windows") {
    const modules = (value("PSModulePath") ?? "").split(";").filter(Boolean);
    if (modules.length >= 3) {
      const seven = modules.some((each) =>
        /(^|\\)PowerShell(\\|$)/i.test(each)
      );
      const program = seven ? "pwsh" : "powershell";
      return { name: program, kind: "powershell", program };
    }
    return { name: "cmd", kind: "cmd", program: value("ComSpec") ?? "cmd.exe" };
  }
  const program = value("SHELL") ?? "sh";
  const name = program.split("/").filter(Boolean).at(-1) ?? program;
  return { name, kind: KINDS[name] ?? "sh", program };
}

/**
 * How `shell` is started to run `command`: `-c` for a POSIX shell and fish,
 * `-Command` for PowerShell, and for cmd `/d /s /c "…"` as one command line
 * that Windows passes on as it is (`windowsRawArguments`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startOf } from "./shell.ts";
 * assert.deepEqual(startOf({ name: "bash", kind: "bash", program: "/bin/bash" }, "ls -la"), {
 *   program: "/bin/bash",
 *   args: ["-c", "ls -la"],
 * });
 * ```
 */
export function startOf(
  shell: Shell,
  command: string,
): { program: string; args: string[]; windowsRawArguments?: true } {
  const { program } = shell;
  switch (shell.kind) {
    case "powershell":
      return { program, args: ["-Command", command] };
    case "cmd":
      return {
        program,
        args: ["/d", "/s", "/c", `"${command}"`],
        windowsRawArguments: true,
      };
    default:
      return { program, args: ["-c", command] };
  }
}

/** The operating systems as the model is told them. */
const OS_NAMES: Partial<Record<typeof Deno.build.os, string>> = {
  darwin: "macOS",
  linux: "Linux",
  windows: "Windows",
  freebsd: "FreeBSD",
  netbsd: "NetBSD",
  android: "Android",
  aix: "AIX",
  solaris: "Solaris",
  illumos: "illumos",
};

/**
 * `os` as a person names it: `macOS`, `Linux`, `Windows`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { osName } from "./shell.ts";
 * assert.equal(osName("darwin"), "macOS");
 * ```
 */
export function osName(os: typeof Deno.build.os): string {
  return OS_NAMES[os] ?? os;
}

/**
 * The language a fence names for the highlighting of `shell`'s commands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { languageOf } from "./shell.ts";
 * assert.equal(languageOf("zsh"), "bash");
 * assert.equal(languageOf("cmd"), "dos");
 * ```
 */
export function languageOf(kind: ShellKind): string {
  return kind === "powershell" ? "powershell" : kind === "cmd" ? "dos" : "bash";
}
