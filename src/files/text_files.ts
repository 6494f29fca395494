/**
 * `-f`: text files put into the prompt, each fenced and headed by its path.
 * A directory brings its text files, in sorted order, leaving out
 * version-control folders and `node_modules`, symlinks, binary files, files
 * over the limit, what its `.gitignore` files exclude (matched by the
 * `ignore` package), and the files that may hold secrets
 * (`./secret_files.ts`), which one note names.
 *
 * @module
 */
import type { Ignore } from "ignore";
import { UsageError } from "../cli/usage_error.ts";
import {
  baseName,
  denoFiles,
  type Files,
  readError,
  readFile,
  sizeOver,
  sizeText,
  statFile,
} from "./attachments.ts";
import { holdsPrivateKey, leftOutNote, secretByName } from "./secret_files.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/** The largest `-f` text file, in bytes (a directory's larger files are left out). */
export const TEXT_FILE_LIMIT = 1 * MiB;

/**
 * The most bytes of `-f` text sent with one request, all files and
 * directories together.
 */
export const FILES_TOTAL_LIMIT = 4 * MiB;

/** Folders of version-control systems, and installed packages: never read. */
const SKIPPED_FOLDERS = new Set([".git", ".hg", ".svn", "node_modules"]);

const LANGUAGES: Record<string, string> = {
  bash: "bash",
  c: "c",
  cc: "cpp",
  cjs: "js",
  cpp: "cpp",
  cs: "csharp",
  css: "css",
  go: "go",
  h: "c",
  hpp: "cpp",
  htm: "html",
  html: "html",
  java: "java",
  js: "js",
  json: "json",
  jsonc: "jsonc",
  jsx: "jsx",
  kt: "kotlin",
  lua: "lua",
  md: "markdown",
  mjs: "js",
  mts: "ts",
  php: "php",
  py: "python",
  rb: "ruby",
  rs: "rust",
  sh: "sh",
  sql: "sql",
  swift: "swift",
  toml: "toml",
  ts: "ts",
  tsx: "tsx",
  xml: "xml",
  yaml: "yaml",
  yml: "yaml",
  zsh: "zsh",
};

/**
 * The code-fence language for a file name, from its extension; `""` when
 * there is none or it is not known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { languageOf } from "./text_files.ts";
 * assert.equal(languageOf("src/main.ts"), "ts");
 * assert.equal(languageOf("README"), "");
 * ```
 */
export function languageOf(path: string): string {
  const match = /\.([^./\\]+)$/.exec(baseName(path));
  return (match && LANGUAGES[match[1].toLowerCase()]) ?? "";
}

/**
 * One file as a block of the prompt: its name, then its content in a code
 * fence longer than any run of backticks in it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fenced } from "./text_files.ts";
 * const [three, four] = ["`".repeat(3), "`".repeat(4)];
 * assert.equal(fenced("a.py", "x = 1\n"), `a.py\n${three}python\nx = 1\n${three}`);
 * assert.equal(
 *   fenced("b.md", `${three}\nx\n${three}\n`),
 *   `b.md\n${four}markdown\n${three}\nx\n${three}\n${four}`,
 * );
 * ```
 */
export function fenced(name: string, content: string): string {
  const longest = Math.max(
    0,
    ...(content.match(/`+/g) ?? []).map((run) => run.length),
  );
  const fence = "`".repeat(Math.max(3, longest + 1));
  const body = content === "" || content.endsWith("\n")
    ? content
    : `${content}\n`;
  return `${name}\n${fence}${languageOf(name)}\n${body}${fence}`;
}

/** A text file found for `-f`: its name as shown and its content. */
interface TextFile {
  name: string;
  content: string;
}

/** What `-f` has read so far: the bytes count against the total limit. */
interface Budget {
  used: number;
}

/** What a folder walk has found: the files to send, and those left out. */
interface Found {
  files: TextFile[];
  /** Names relative to the folder given, a folder's with a trailing `/`. */
  leftOut: string[];
}

/**
 * The text `-f PATH…` adds to the prompt: each file {@linkcode fenced}
 * under its name, joined by a blank line. A directory brings its text files,
 * recursively and in sorted order, named `dir/relative/path`, leaving out
 * `.git`, `.hg`, `.svn` and `node_modules`, symlinks, binary files (a NUL
 * byte in the first 8 KiB, or not UTF-8), files over
 * {@linkcode TEXT_FILE_LIMIT}, what its `.gitignore` files (at its top and
 * in its folders) exclude, and the files and folders that may hold secrets
 * (by name, or a private key in them: `./secret_files.ts`), which `note`
 * names in one line for each directory. A file named on its own is sent
 * whatever its name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { denoFiles } from "./attachments.ts";
 * import { readTextFiles } from "./text_files.ts";
 * // The files as the system has them; here, one file of its own.
 * const files = {
 *   ...denoFiles,
 *   stat: () => Promise.resolve({ isFile: true, size: 15 } as Deno.FileInfo),
 *   readFile: () => Promise.resolve(new TextEncoder().encode('print("Hello")\n')),
 * };
 * const fence = "`".repeat(3);
 * assert.equal(
 *   await readTextFiles(["hello.py"], files),
 *   `hello.py\n${fence}python\nprint("Hello")\n${fence}`,
 * );
 * ```
 *
 * @throws {UsageError} naming the path: missing, not a regular file or a
 * directory, not to be read, a file named that is binary or over its limit,
 * a directory with no text files, or all of it over
 * {@linkcode FILES_TOTAL_LIMIT}.
 */
export async function readTextFiles(
  paths: string[],
  files: Files = denoFiles,
  note: (line: string) => void = () => {},
): Promise<string> {
  const budget: Budget = { used: 0 };
  const blocks: string[] = [];
  for (const path of paths) {
    for (const file of await readTextPath(path, files, budget, note)) {
      blocks.push(fenced(file.name, file.content));
    }
  }
  return blocks.join("\n\n");
}

async function readTextPath(
  path: string,
  files: Files,
  budget: Budget,
  note: (line: string) => void,
): Promise<TextFile[]> {
  const label = `-f ${path}`;
  const info = await statFile(
    label,
    path,
    files,
    "no such file or directory",
    { directories: true },
  );
  if (info.isDirectory) {
    const found = await readDirectory(path, files, budget);
    if (found.leftOut.length) note(leftOutNote(path, found.leftOut));
    if (found.files.length === 0) {
      throw new UsageError(`${label}: no text files in it`);
    }
    return found.files;
  }
  if (info.size > TEXT_FILE_LIMIT) {
    throw new UsageError(
      `${label}: ${sizeOver(info.size, TEXT_FILE_LIMIT)} is over the ${
        sizeText(TEXT_FILE_LIMIT)
      } limit for a text file`,
    );
  }
  const bytes = await readFile(label, path, files);
  const content = textOf(bytes);
  if (content === undefined) {
    throw new UsageError(
      `${label}: not a text file (use -a for an image or a PDF)`,
    );
  }
  spend(budget, label, Math.max(info.size, bytes.length));
  return [{ name: path, content }];
}

/** The text `bytes` hold; `undefined` when they are binary. */
function textOf(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8 * KiB).includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function spend(budget: Budget, label: string, size: number): void {
  budget.used += size;
  if (budget.used <= FILES_TOTAL_LIMIT) return;
  throw new UsageError(
    `${label}: with this file, the -f text comes to over the ${
      sizeText(FILES_TOTAL_LIMIT)
    } limit for one request`,
  );
}

/** The `.gitignore` rules of one folder, for paths relative to it. */
interface Rules {
  /** The folder, relative to the directory given, with a trailing `/` ("" for its top). */
  base: string;
  rules: Ignore;
}

/** Whether the rules of the folders above `relative` (top first) exclude it. */
function ignored(stack: Rules[], relative: string): boolean {
  let excluded = false;
  for (const { base, rules } of stack) {
    const result = rules.test(relative.slice(base.length));
    if (result.ignored) excluded = true;
    else if (result.unignored) excluded = false;
  }
  return excluded;
}

async function readDirectory(
  directory: string,
  files: Files,
  budget: Budget,
): Promise<Found> {
  const top = directory.replace(/[\\/]+$/, "") || directory.slice(0, 1);
  const join = (relative: string) =>
    top.endsWith("/") || top.endsWith("\\")
      ? `${top}${relative}`
      : `${top}/${relative}`;
  const found: Found = { files: [], leftOut: [] };
  const walk = async (relative: string, stack: Rules[]): Promise<void> => {
    const folder = relative === "" ? directory : join(relative);
    const entries = await listFolder(folder, files);
    const rules = await gitignoreOf(folder, relative, entries, files);
    if (rules) stack = [...stack, rules];
    for (const entry of entries) {
      const path = `${relative}${entry.name}`;
      if (entry.isSymlink || SKIPPED_FOLDERS.has(entry.name)) continue;
      if (entry.isDirectory) {
        if (ignored(stack, `${path}/`)) continue;
        if (secretByName(entry.name, { folder: true })) {
          found.leftOut.push(`${path}/`);
        } else await walk(`${path}/`, stack);
      } else if (entry.isFile && !ignored(stack, path)) {
        // A secret's file is not even read.
        if (secretByName(entry.name)) {
          found.leftOut.push(path);
          continue;
        }
        const file = await readListedFile(join(path), files, budget);
        if (file === "secret") found.leftOut.push(path);
        else if (file) found.files.push(file);
      }
    }
  };
  await walk("", []);
  return found;
}

async function listFolder(
  folder: string,
  files: Files,
): Promise<Deno.DirEntry[]> {
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of files.readDir(folder)) entries.push(entry);
  } catch (error) {
    throw readError(`-f ${folder}`, error);
  }
  return entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

async function gitignoreOf(
  folder: string,
  relative: string,
  entries: Deno.DirEntry[],
  files: Files,
): Promise<Rules | undefined> {
  if (!entries.some((each) => each.name === ".gitignore" && each.isFile)) {
    return undefined;
  }
  const path = `${folder.replace(/[\\/]+$/, "")}/.gitignore`;
  const text = await readSmallText(path, files);
  // Loaded only here: a run that reads no folder does not pay for it.
  const { default: ignore } = await import("ignore");
  return text && { base: relative, rules: ignore().add(text.content) };
}

/**
 * A directory's file, `undefined` when it is to be left out, or `"secret"`
 * when it holds a private key.
 */
async function readListedFile(
  path: string,
  files: Files,
  budget: Budget,
): Promise<TextFile | "secret" | undefined> {
  const text = await readSmallText(path, files);
  if (text === undefined) return undefined;
  if (holdsPrivateKey(text.content)) return "secret";
  spend(budget, `-f ${path}`, text.size);
  return { name: path, content: text.content };
}

/**
 * A directory's text file and its size; `undefined` when it is over
 * {@linkcode TEXT_FILE_LIMIT} or binary.
 */
async function readSmallText(
  path: string,
  files: Files,
): Promise<{ content: string; size: number } | undefined> {
  const label = `-f ${path}`;
  const info = await statFile(label, path, files, "no such file");
  if (info.size > TEXT_FILE_LIMIT) return undefined;
  const bytes = await readFile(label, path, files);
  const content = textOf(bytes);
  if (content === undefined) return undefined;
  return { content, size: Math.max(info.size, bytes.length) };
}
