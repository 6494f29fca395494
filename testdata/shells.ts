/**
 * The harness of the shell completion tests: bash, zsh and fish as they are
 * installed, each test skipped with a clear message when its shell is not
 * (`apt-get install -y zsh fish`; `.ci/run` installs them), a `gpt4o` of the
 * tests' own on their `PATH` (the program as `deno task start` runs it, the
 * installed command, or a stand-in that proposes a command), and a real
 * terminal for the key bindings (util-linux's `script`).
 *
 * @module
 */
import {
  collect,
  installed,
  MAIN,
  PASSED_ENV,
  permitted,
  quote,
  SHIM,
  SKIP_HINT,
  TESTDATA,
  TMP,
  until,
} from "./e2e.ts";

/** A shell the completion scripts are for. */
export type ShellName = "bash" | "zsh" | "fish";

/** The launcher `deno task start` runs the program through. */
const LAUNCHER = new URL("../src/launch/gpt4o.sh", import.meta.url).pathname;

/** Whether each shell is installed here (`sh` looks on PATH). */
const INSTALLED: Record<ShellName, boolean> = Object.fromEntries(
  await Promise.all(
    (["bash", "zsh", "fish"] as const).map(async (shell) => {
      if (!permitted) return [shell, false];
      const { code } = await new Deno.Command("sh", {
        args: ["-c", `command -v ${shell}`],
        stdout: "null",
        stderr: "null",
      }).output();
      return [shell, code === 0];
    }),
  ),
);

/** Whether this run may start `command`. */
function mayRun(command: string): boolean {
  return Deno.permissions.querySync({ name: "run", command }).state ===
    "granted";
}

/** Why a test of `shell` cannot run here, or `undefined` when it can. */
function skipped(shell: ShellName, terminal: boolean): string | undefined {
  if (!permitted) return SKIP_HINT;
  if (!INSTALLED[shell]) {
    return `skipped: ${shell} is not installed (apt-get install -y ${shell})`;
  }
  if (!mayRun(shell)) return `${SKIP_HINT}: it may start ${shell}`;
  if (terminal && (Deno.build.os !== "linux" || !mayRun("script"))) {
    return `skipped: it needs util-linux's script (${SKIP_HINT})`;
  }
  return undefined;
}

/**
 * A test for each of `shells`, skipped (its name says why) when the shell is
 * not installed or may not run; `terminal` tests need `script` besides.
 */
export function shellTest(
  name: string,
  shells: readonly ShellName[],
  fn: (shell: ShellName, t: Deno.TestContext) => Promise<void>,
  { terminal = false } = {},
): void {
  for (const shell of shells) {
    const why = skipped(shell, terminal);
    Deno.test({
      name: `${name} [${shell}]${why ? ` (${why})` : ""}`,
      ignore: why !== undefined,
      fn: (t) => fn(shell, t),
    });
  }
}

/** A folder of the test's own under .tmp/, removed when disposed. */
export async function scratch(): Promise<AsyncDisposable & { dir: string }> {
  await Deno.mkdir(TMP, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: TMP, prefix: "shells-" });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** What `gpt4o` on the shells' PATH is. */
export type Gpt4o = "main.ts" | "installed gpt4o";

/**
 * Puts a `gpt4o` in `bin`: `main.ts` through the launcher, as `deno task
 * start` runs it, or the command `deno task install` made.
 */
export async function placeGpt4o(bin: string, target: Gpt4o): Promise<void> {
  if (target === "installed gpt4o") await installed();
  await Deno.mkdir(bin, { recursive: true });
  const command = target === "main.ts"
    ? ["sh", LAUNCHER, "deno", "--cached-only", MAIN]
    : [SHIM];
  await Deno.writeTextFile(
    `${bin}/gpt4o`,
    `#!/bin/sh\nexec ${command.map(quote).join(" ")} "$@"\n`,
    { mode: 0o755 },
  );
}

/**
 * Puts in `bin` a stand-in `gpt4o` that proposes `command` (on stdout, as
 * `gpt4o -e` does without a terminal), says `said` on stderr, exits with
 * `code`, and keeps its arguments and stdin in `bin/asked` and `bin/stdin`.
 */
export async function placeProposer(
  bin: string,
  { command, said = "", code = 0 }: {
    command: string;
    said?: string;
    code?: number;
  },
): Promise<void> {
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(
    `${bin}/gpt4o`,
    "#!/bin/sh\n" +
      `printf '%s\\n' "$@" >${quote(`${bin}/asked`)}\n` +
      `cat >${quote(`${bin}/stdin`)}\n` +
      `printf '%s' ${quote(said)} >&2\n` +
      `printf '%s' ${quote(command)}\n` +
      `exit ${code}\n`,
    { mode: 0o755 },
  );
}

/** The environment of a shell: the tests' own, with `bin` first on PATH. */
export function shellEnv(
  bin: string,
  more: Record<string, string> = {},
): Record<string, string> {
  return {
    ...PASSED_ENV,
    PATH: `${bin}:${PASSED_ENV.PATH ?? ""}`,
    NO_COLOR: "1",
    LANG: "C.UTF-8",
    ...more,
  };
}

/** Runs `shell` (or `sh`) with `args` to its end, in the tests' data folder. */
export async function runShell(
  shell: ShellName | "sh",
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(shell, {
    args,
    cwd: TESTDATA,
    clearEnv: true,
    env,
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/**
 * `command`, a shell at a prompt, in a pseudo-terminal (util-linux's
 * `script`): `type` sends keys, `shown` waits for text in what it wrote,
 * `end` waits for it to exit and gives all it wrote (the shell's line
 * editing and its escapes with it).
 */
export function shellAtTerminal(
  command: string[],
  env: Record<string, string>,
) {
  const child = new Deno.Command("script", {
    args: ["-qfec", `exec ${command.map(quote).join(" ")}`, "/dev/null"],
    cwd: TESTDATA,
    clearEnv: true,
    env: { TERM: "xterm", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let screen = "";
  const reading = collect(child.stdout, (text) => void (screen = text));
  const keys = child.stdin.getWriter();
  return {
    type: (text: string) => keys.write(new TextEncoder().encode(text)),
    shown: (text: string, from = 0) =>
      until(() => screen.indexOf(text, from) >= 0),
    get length() {
      return screen.length;
    },
    async end() {
      const timer = setTimeout(() => child.kill(), 10_000);
      const { code, signal } = await child.status;
      clearTimeout(timer);
      await keys.close().catch(() => {});
      return { code, signal, raw: await reading };
    },
  };
}
