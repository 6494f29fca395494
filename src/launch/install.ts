/**
 * `deno task install`: builds the program into one file and installs the
 * `gpt4o` command, which runs it with the Deno that installed it and with the
 * permissions of {@linkcode runFlags}, decided each time it runs. Nothing it
 * needs stays in this folder, so the clone may move or go.
 *
 * The layout, under `$DENO_INSTALL_ROOT` (default `~/.deno`):
 *
 * - `bin/gpt4o`: a POSIX shell script (on Windows, `bin/gpt4o.cmd`);
 * - `lib/gpt4o/gpt4o.js`: the program, bundled and minified, and beside it
 *   the chunks it loads only when a run needs them (markdown rendering, the
 *   config file's parser, the chat's input history);
 * - `lib/gpt4o/launch.js`: on Windows, the launcher that grants the flags.
 *
 * `deno task uninstall` removes them.
 *
 * @module
 */
import { posix, win32 } from "node:path";
import { fileURLToPath } from "node:url";
import launcher from "./gpt4o.sh" with { type: "text" };
import { PLACE_ENV, runFlags } from "./permissions.ts";

/** The esbuild whose minifier shrinks the bundle; see {@linkcode build}. */
export const ESBUILD = "npm:esbuild@0.28.2";

/** The flags the installed command gives `deno run` before the permissions. */
export const INSTALLED_DENO_FLAGS = [
  "--no-config",
  "--no-lock",
  "--no-remote",
  "--no-npm",
] as const;

/** Where the command and its files go. */
export interface Layout {
  root: string;
  bin: string;
  /** The command itself: `bin/gpt4o`, or `bin/gpt4o.cmd` on Windows. */
  command: string;
  lib: string;
  program: string;
  launcher: string;
}

/**
 * The layout under `$DENO_INSTALL_ROOT`, else `~/.deno` (`%USERPROFILE%` on
 * Windows), as `deno install` chooses it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layoutOf } from "./install.ts";
 * const layout = layoutOf((name) => ({ HOME: "/home/ada" })[name], "linux");
 * assert.equal(layout.command, "/home/ada/.deno/bin/gpt4o");
 * assert.equal(layout.program, "/home/ada/.deno/lib/gpt4o/gpt4o.js");
 * ```
 *
 * @throws {Error} when neither variable is set.
 */
export function layoutOf(
  env: (name: string) => string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): Layout {
  const path = os === "windows" ? win32 : posix;
  const home = env(os === "windows" ? "USERPROFILE" : "HOME")?.trim();
  const root = env("DENO_INSTALL_ROOT")?.trim() ||
    (home ? path.join(home, ".deno") : undefined);
  if (root === undefined) {
    throw new Error(
      "cannot tell where to install: set DENO_INSTALL_ROOT (or HOME)",
    );
  }
  const bin = path.join(root, "bin");
  const lib = path.join(root, "lib", "gpt4o");
  return {
    root,
    bin,
    command: path.join(bin, os === "windows" ? "gpt4o.cmd" : "gpt4o"),
    lib,
    program: path.join(lib, "gpt4o.js"),
    launcher: path.join(lib, "launch.js"),
  };
}

/** Quotes a word for a POSIX shell. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The POSIX `bin/gpt4o`: the shell launcher `gpt4o.sh` itself, as the tasks
 * run it, after one line that gives it the Deno that installed it (it falls
 * back to the `deno` on PATH when that one is gone), the flags of an
 * installed run and the bundle.
 */
export function posixCommand(
  { deno, program }: { deno: string; program: string },
): string {
  const body = launcher.slice(launcher.indexOf("\n") + 1);
  return `#!/bin/sh
# gpt4o, installed by \`deno task install\` from a gpt4o clone's
# src/launch/gpt4o.sh, which the lines below it are.
set -- ${shellQuote(deno)} ${INSTALLED_DENO_FLAGS.join(" ")} ${
    shellQuote(program)
  } "$@"
${body}`;
}

/**
 * The Windows `bin\gpt4o.cmd`: the launcher decides the permissions, as
 * `deno task start` does.
 */
export function windowsCommand(
  { deno, program, launcher }: {
    deno: string;
    program: string;
    launcher: string;
  },
): string {
  return [
    "@echo off",
    `"${deno}" run --no-prompt ${INSTALLED_DENO_FLAGS.join(" ")} ` +
    `--allow-env=${PLACE_ENV.join(",")} --allow-read "--allow-run=${deno}" ` +
    `"${launcher}" ${INSTALLED_DENO_FLAGS.join(" ")} "${program}" %*`,
    "",
  ].join("\r\n");
}

/**
 * The line that tells how to put `bin` on PATH, or `undefined` when it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathAdvice } from "./install.ts";
 * assert.equal(pathAdvice("/home/ada/.deno/bin", "/usr/bin:/home/ada/.deno/bin", "linux"), undefined);
 * assert.equal(
 *   pathAdvice("/home/ada/.deno/bin", "/usr/bin", "linux"),
 *   '/home/ada/.deno/bin is not on your PATH: add  export PATH="/home/ada/.deno/bin:$PATH"  to ~/.profile (or your shell\'s rc file), then open a new terminal',
 * );
 * ```
 */
export function pathAdvice(
  bin: string,
  path: string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const separator = os === "windows" ? ";" : ":";
  const trimmed = (dir: string) => dir.replace(/[\\/]+$/, "");
  const on = (path ?? "").split(separator).map(trimmed);
  if (on.includes(trimmed(bin))) return undefined;
  return os === "windows"
    ? `${bin} is not on your PATH: add it in Settings > System > About > ` +
      "Advanced system settings > Environment Variables, then open a new terminal"
    : `${bin} is not on your PATH: add  export PATH="${bin}:$PATH"  to ` +
      "~/.profile (or your shell's rc file), then open a new terminal";
}

/** What {@linkcode install} needs from the outside world. */
export interface InstallIo {
  env(name: string): string | undefined;
  /**
   * Runs `deno` with `args`; resolves with its exit code and what it printed
   * (nothing is collected with `inherit`: it prints to this terminal).
   */
  deno(
    args: string[],
    options?: { inherit?: boolean },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The path of the Deno running this, which the command will use. */
  execPath: string;
  stdout(line: string): void;
  stderr(line: string): void;
}

/**
 * The command's entry: the program as `main.ts` runs it, but for a run with
 * no prompt at a terminal, which opens the chat.
 */
export const ENTRY = "src/launch/command.ts";

/** The files the build leaves in `dist/`, relative to the clone. */
const BUILT = {
  /** `deno bundle`'s output: the program's entry and its chunks. */
  bundle: "dist/bundle",
  /** The same, minified: what is installed. */
  program: "dist/gpt4o",
  entry: "command.js",
  launcher: "dist/launch.js",
};

/** The chunks of the latest install, listed beside them. */
const CHUNK_LIST = "chunks.txt";

/**
 * Builds `dist/gpt4o/`: `deno bundle` resolves the program and its packages
 * into an entry and the chunks of its dynamic imports (a piped question does
 * not load the markdown renderer), then esbuild minifies each with the
 * transforms that cannot change what the code does (whitespace and local
 * names only). The syntax minifier is left out on purpose: the one inside
 * `deno bundle --minify` (esbuild 0.25) drops the disposal of a `using`
 * declaration that is returned from at once (esbuild#4482), which left the
 * history open.
 */
export async function build(
  io: Pick<InstallIo, "deno">,
  os: typeof Deno.build.os,
): Promise<void> {
  const steps: [string, string[]][] = [
    ["clean", [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-write=dist",
      fileURLToPath(import.meta.url),
      "--clean",
    ]],
    ["bundle", [
      "bundle",
      "--quiet",
      "--platform=deno",
      "--code-splitting",
      `--outdir=${BUILT.bundle}`,
      ENTRY,
    ]],
    ["minify", [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-read",
      "--allow-write=dist",
      "--allow-env",
      "--allow-run",
      ESBUILD,
      `${BUILT.bundle}/*.js`, // esbuild expands the pattern itself
      "--minify-whitespace",
      "--minify-identifiers",
      // Classes keep their names: the SDK's User-Agent (OpenAI/JS …) is one.
      "--keep-names",
      // The bundle runs on Deno alone: with no Node.js `process`, the SDK
      // takes its Deno paths (Deno.env, Deno.build) and the start-up does not
      // load Deno's Node.js compatibility layer for it.
      "--define:process=undefined",
      "--define:globalThis.process=undefined",
      "--format=esm",
      "--log-level=warning",
      `--outdir=${BUILT.program}`,
    ]],
    ...(os === "windows"
      ? [["bundle the launcher", [
        "bundle",
        "--quiet",
        "--platform=deno",
        `--output=${BUILT.launcher}`,
        "src/launch/launch.ts",
      ]] as [string, string[]]]
      : []),
    ["check", [
      "run",
      ...INSTALLED_DENO_FLAGS,
      "--no-prompt",
      `${BUILT.program}/${BUILT.entry}`,
      "--version",
    ]],
  ];
  for (const [step, args] of steps) {
    const { code, stderr } = await io.deno(args);
    if (code !== 0) {
      throw new Error(`${step} failed: ${stderr.trim().split("\n").at(-1)}`);
    }
  }
}

/**
 * Runs `deno task install` (`install`), `deno task uninstall`
 * (`uninstall`) or `deno task compile` (`compile`, with `deno compile`'s own
 * options after it) and returns the exit code. Install and uninstall first
 * work out where the files go, then run this module again with write access
 * to exactly those places (`--write ROOT DENO`, `--remove ROOT`).
 */
export async function install(
  args: string[],
  io: InstallIo,
  os: typeof Deno.build.os = Deno.build.os,
): Promise<number> {
  const [mode = "install", root, deno] = args;
  try {
    switch (mode) {
      case "install": {
        const layout = layoutOf(io.env, os);
        await build(io, os);
        await writeAs(io, "--write", layout, [io.execPath]);
        report(io, layout, os);
        return 0;
      }
      case "uninstall": {
        const layout = layoutOf(io.env, os);
        await writeAs(io, "--remove", layout);
        io.stdout(`removed ${layout.command} and ${layout.lib}`);
        return 0;
      }
      case "compile": {
        const { code } = await io.deno([
          "compile",
          ...runFlags(io.env, os),
          "--output",
          os === "windows" ? "gpt4o.exe" : "gpt4o",
          ...args.slice(1),
          ENTRY,
        ], { inherit: true });
        return code;
      }
      case "--write":
        writeFiles(layoutOf(rootOnly(root), os), deno, os);
        return 0;
      case "--remove":
        removeFiles(layoutOf(rootOnly(root), os));
        return 0;
      case "--clean":
        for (const built of [BUILT.bundle, BUILT.program]) removeAll(built);
        return 0;
      default:
        io.stderr(`install.ts: unknown mode ${mode}: use install or uninstall`);
        return 2;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The second run's message reaches the first, which names the mode.
    const label = mode.startsWith("--") ? "" : `${mode} failed: `;
    io.stderr(`${label}${message.split("\n")[0]}`);
    return 1;
  }
}

function rootOnly(root: string | undefined) {
  return (name: string) => name === "DENO_INSTALL_ROOT" ? root : undefined;
}

/** Runs this module again, allowed to write the command and its folder only. */
async function writeAs(
  io: InstallIo,
  mode: "--write" | "--remove",
  layout: Layout,
  extra: string[] = [],
): Promise<void> {
  const { code, stderr } = await io.deno([
    "run",
    "--no-prompt",
    `--allow-read=dist,${layout.bin},${layout.lib}`,
    `--allow-write=${layout.bin},${layout.lib}`,
    fileURLToPath(import.meta.url),
    mode,
    layout.root,
    ...extra,
  ]);
  if (code !== 0) throw new Error(stderr.trim().split("\n").at(-1));
}

function writeFiles(layout: Layout, deno: string, os: typeof Deno.build.os) {
  Deno.mkdirSync(layout.lib, { recursive: true });
  Deno.mkdirSync(layout.bin, { recursive: true });
  const chunks = [...Deno.readDirSync(BUILT.program)].map(({ name }) => name)
    .filter((name) => name.endsWith(".js") && name !== BUILT.entry).sort();
  const list = `${layout.lib}/${CHUNK_LIST}`;
  const earlier = readLines(list);
  // The chunks first, then the entry that imports them: a command started
  // meanwhile runs the old entry or the new one, whole.
  for (const chunk of chunks) {
    Deno.copyFileSync(`${BUILT.program}/${chunk}`, `${layout.lib}/${chunk}`);
  }
  moveInPlace(
    layout.program,
    (next) => Deno.copyFileSync(`${BUILT.program}/${BUILT.entry}`, next),
  );
  if (os === "windows") Deno.copyFileSync(BUILT.launcher, layout.launcher);
  Deno.writeTextFileSync(list, chunks.map((chunk) => `${chunk}\n`).join(""));
  // The previous install's chunks stay, for a chat started before it that
  // has yet to load one; older ones go.
  const keep = new Set([...chunks, ...earlier]);
  for (const { name } of Deno.readDirSync(layout.lib)) {
    if (/^[\w-]+-[A-Z0-9]{8}\.js$/.test(name) && !keep.has(name)) {
      Deno.removeSync(`${layout.lib}/${name}`);
    }
  }
  const text = os === "windows"
    ? windowsCommand({ deno, ...layout })
    : posixCommand({ deno, program: layout.program });
  moveInPlace(layout.command, (next) => {
    Deno.writeTextFileSync(next, text, { mode: 0o755 });
    if (os !== "windows") Deno.chmodSync(next, 0o755);
  });
}

/** Writes `path` whole beside it, then moves it in place: a half-written file never runs. */
function moveInPlace(path: string, write: (next: string) => void): void {
  const next = `${path}.new`;
  write(next);
  Deno.renameSync(next, path);
}

function readLines(path: string): string[] {
  try {
    return Deno.readTextFileSync(path).split("\n").filter(Boolean);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

function removeAll(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function removeFiles(layout: Layout) {
  for (const path of [layout.command, layout.lib]) removeAll(path);
}

function report(io: InstallIo, layout: Layout, os: typeof Deno.build.os) {
  io.stdout(`installed ${layout.command}`);
  io.stdout(`  it runs ${layout.program} with ${io.execPath}`);
  if (/[\\/]_npx[\\/]/.test(io.execPath)) {
    io.stdout(
      "  (that Deno lives in npx's cache; when the cache is cleared, the " +
        "command uses the deno on PATH)",
    );
  }
  const advice = pathAdvice(layout.bin, io.env("PATH"), os);
  if (advice) io.stdout(advice);
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  Deno.exit(
    await install(Deno.args, {
      env: (name) => Deno.env.get(name),
      async deno(args, { inherit = false } = {}) {
        const { code, stdout, stderr } = await new Deno.Command("deno", {
          args,
          stdin: inherit ? "inherit" : "null",
          stdout: inherit ? "inherit" : "piped",
          stderr: inherit ? "inherit" : "piped",
        }).output();
        return {
          code,
          stdout: inherit ? "" : decoder.decode(stdout),
          stderr: inherit ? "" : decoder.decode(stderr),
        };
      },
      execPath: Deno.execPath(),
      stdout: (line) => void Deno.stdout.writeSync(encoder.encode(`${line}\n`)),
      stderr: (line) => void Deno.stderr.writeSync(encoder.encode(`${line}\n`)),
    }),
  );
}
