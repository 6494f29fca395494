/**
 * Starts the program with the permissions of {@linkcode runFlags}, decided
 * from the environment as it is now: what `deno task start` and `deno task
 * chat` run. The arguments are Deno's own flags (those before the program),
 * the program, and its arguments:
 *
 * ```sh
 * deno run --no-prompt --allow-env=GPT4O_HISTORY,XDG_DATA_HOME,HOME,APPDATA \
 *   --allow-run=deno src/launch/launch.ts --cached-only main.ts "Hello"
 * ```
 *
 * The program shares the terminal; SIGTERM and SIGHUP (and a Ctrl-C sent to
 * this process alone) are passed on to it, and its exit code is returned.
 *
 * @module
 */
import { configPath } from "../config/file.ts";
import { runFlags } from "./permissions.ts";
import { onStopSignal, type StopSignal } from "../io/signals.ts";

/** What {@linkcode launch} needs from the outside world. */
export interface LaunchIo {
  env(name: string): string | undefined;
  /** Starts `deno` with `args`, sharing stdin, stdout and stderr. */
  spawn(args: string[]): Deno.ChildProcess;
  /** The `deno` that `spawn` starts, which a run with tools may start too. */
  deno: string;
  /** The config file's text, or `undefined` when there is none (or it cannot be read). */
  readConfig(path: string): string | undefined;
  /** Calls `handler` for each stopping signal until disposed. */
  onSignal(handler: (signal: StopSignal) => void): Disposable;
  stderr: { write(text: string): void };
}

/**
 * Runs the program and returns its exit code: 2 with one line when the
 * command line names no program or `deno` cannot be started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { launch } from "./launch.ts";
 * let ran: string[] = [];
 * const code = await launch(["--cached-only", "main.ts", "Hi"], {
 *   env: (name) => ({ HOME: "/home/ada" })[name],
 *   deno: "deno",
 *   readConfig: () => undefined,
 *   spawn: (args) => {
 *     ran = args;
 *     return { status: Promise.resolve({ code: 0 }) } as Deno.ChildProcess;
 *   },
 *   onSignal: () => ({ [Symbol.dispose]() {} }),
 *   stderr: { write() {} },
 * }, "linux");
 * assert.equal(code, 0);
 * assert.deepEqual([ran[0], ran[1], ran.at(-2), ran.at(-1)], [
 *   "run",
 *   "--cached-only",
 *   "main.ts",
 *   "Hi",
 * ]);
 * ```
 */
export async function launch(
  args: string[],
  io: LaunchIo = denoLaunchIo(),
  os: typeof Deno.build.os = Deno.build.os,
): Promise<number> {
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  if (at < 0) {
    io.stderr.write("launch.ts: name the program to run, e.g. main.ts\n");
    return 2;
  }
  const denoFlags = args.slice(0, at);
  const [program, ...rest] = args.slice(at);
  const config = configPath(io.env, os);
  let child: Deno.ChildProcess;
  try {
    child = io.spawn([
      "run",
      ...denoFlags,
      ...runFlags(io.env, os, rest, {
        deno: io.deno,
        ...(config ? { config: io.readConfig(config) ?? "" } : {}),
      }),
      program,
      ...rest,
    ]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr.write(`cannot start deno: ${reason}\n`);
    return 2;
  }
  using _ = io.onSignal((signal) => {
    try {
      child.kill(signal);
    } catch {
      // it has just ended
    }
  });
  const { code } = await child.status;
  return code;
}

/** The real world: `deno` from the PATH (or this one), inherited stdio. */
function denoLaunchIo(): LaunchIo {
  const self = Deno.execPath();
  const mayRunSelf =
    Deno.permissions.querySync({ name: "run", command: self }).state ===
      "granted";
  return {
    env: (name) => Deno.env.get(name),
    deno: mayRunSelf ? self : "deno",
    readConfig(path) {
      try {
        return Deno.readTextFileSync(path);
      } catch {
        return undefined; // none, or not a file this run can read
      }
    },
    spawn: (args) =>
      new Deno.Command(mayRunSelf ? self : "deno", {
        args,
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn(),
    // On Windows the console sends Ctrl-C to every process attached to it.
    onSignal: (handler) =>
      Deno.build.os === "windows"
        ? { [Symbol.dispose]() {} }
        : onStopSignal(handler),
    stderr: {
      write: (text) =>
        void Deno.stderr.writeSync(new TextEncoder().encode(text)),
    },
  };
}

if (import.meta.main) Deno.exit(await launch(Deno.args));
