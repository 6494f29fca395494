/**
 * The user's files sent along with the prompt: images and PDFs (`-a`), as
 * chat-completions content parts, and text files (`-f`), as fenced blocks of
 * text appended to the prompt.
 *
 * An attachment's kind comes from its first bytes (PNG, JPEG, WebP, GIF,
 * PDF), never from its name; an `http://` or `https://` image URL is passed
 * on for the server to fetch. Every size is checked against OpenAI's limits
 * before a file is read. A directory given to `-f` brings its text files,
 * in sorted order, leaving out version-control folders, symlinks, binary
 * files, files over the limit and what its `.gitignore` files exclude
 * (matched by the `ignore` package).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { describe, partsOf, readAttachment } from "./attachments.ts";
 * const photo = await readAttachment("testdata/attachments/pixel.png");
 * assert.equal(describe(photo), "testdata/attachments/pixel.png (PNG image, 70 bytes)");
 * assert.equal(partsOf("What is this?", [photo]).length, 2);
 * ```
 *
 * Every failure the user can act on is a {@linkcode UsageError} of one
 * sentence that names the file.
 *
 * @module
 */
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import type { Ignore } from "ignore";
import { UsageError } from "../cli/usage_error.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/** The largest image sent, in bytes: OpenAI's limit of 20 MiB per image. */
export const IMAGE_LIMIT = 20 * MiB;

/** The largest PDF sent, in bytes: OpenAI's limit of 32 MiB per PDF. */
export const PDF_LIMIT = 32 * MiB;

/**
 * The most bytes of attachments (images and PDFs) sent with one request
 * together: OpenAI's limit of 50 MiB.
 */
export const REQUEST_LIMIT = 50 * MiB;

/** The largest `-f` text file, in bytes (a directory's larger files are left out). */
export const TEXT_FILE_LIMIT = 1 * MiB;

/**
 * The most bytes of `-f` text sent with one request, all files and
 * directories together.
 */
export const FILES_TOTAL_LIMIT = 4 * MiB;

/** The kinds of file that can be attached, as their first bytes tell. */
export type AttachmentKind = "png" | "jpeg" | "webp" | "gif" | "pdf";

/** The media type of each kind, as a data URL names it. */
export const MEDIA_TYPES: Record<AttachmentKind, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  pdf: "application/pdf",
};

const KIND_NAMES: Record<AttachmentKind, string> = {
  png: "PNG image",
  jpeg: "JPEG image",
  webp: "WebP image",
  gif: "GIF image",
  pdf: "PDF",
};

/** An image or PDF to send with the prompt, or an image URL. */
export interface Attachment {
  /** How the user named it: the path as given, "stdin", or the URL. */
  name: string;
  /** What it is; `"url"`: an http(s) image URL passed on as is. */
  kind: AttachmentKind | "url";
  /** The file's exact bytes; absent for a URL. */
  bytes?: Uint8Array;
  /** Lowercase hex SHA-256 of bytes; absent for a URL. */
  sha256?: string;
  /** The URL, for kind "url". */
  url?: string;
}

/** A part of a user message's content, as chat completions take it. */
export type ContentPart = ChatCompletionContentPart;

/** The file access this module reads through, so that tests can fake it. */
export interface Files {
  stat(path: string): Promise<Deno.FileInfo>;
  /** Reads the whole file: callers check its size first. */
  readFile(path: string): Promise<Uint8Array>;
  readDir(path: string): AsyncIterable<Deno.DirEntry>;
}

/** The real file system. */
export const denoFiles: Files = {
  stat: Deno.stat,
  readFile: Deno.readFile,
  readDir: Deno.readDir,
};

const SIGNATURES: [AttachmentKind, (bytes: Uint8Array) => boolean][] = [
  ["png", startsWith([0x89, ..."PNG\r\n\x1a\n"])],
  ["jpeg", startsWith([0xff, 0xd8, 0xff])],
  [
    "webp",
    (bytes) => startsWith("RIFF")(bytes) && startsWith("WEBP", 8)(bytes),
  ],
  [
    "gif",
    (bytes) => startsWith("GIF87a")(bytes) || startsWith("GIF89a")(bytes),
  ],
  ["pdf", startsWith("%PDF-")],
];

function startsWith(
  signature: string | (number | string)[],
  at = 0,
): (bytes: Uint8Array) => boolean {
  const codes = [...signature].map((each) =>
    typeof each === "number" ? each : each.charCodeAt(0)
  );
  return (bytes) => codes.every((code, i) => bytes[at + i] === code);
}

/**
 * The kind of file `bytes` hold, from their first bytes (magic numbers);
 * `undefined` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kindOf } from "./attachments.ts";
 * assert.equal(kindOf(new TextEncoder().encode("%PDF-1.7\n")), "pdf");
 * assert.equal(kindOf(new TextEncoder().encode("Hello")), undefined);
 * ```
 */
export function kindOf(bytes: Uint8Array): AttachmentKind | undefined {
  return SIGNATURES.find(([, matches]) => matches(bytes))?.[0];
}

/**
 * A size for people: `N bytes` under 1 KiB, else KiB, MiB or GiB with one
 * decimal (none when it is `.0`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sizeText } from "./attachments.ts";
 * assert.equal(sizeText(300), "300 bytes");
 * assert.equal(sizeText(1.25 * 1024 * 1024), "1.3 MiB");
 * assert.equal(sizeText(20 * 1024 * 1024), "20 MiB");
 * ```
 */
export function sizeText(bytes: number): string {
  return formatSize(bytes, Math.round);
}

function formatSize(bytes: number, round: (x: number) => number): string {
  if (bytes < KiB) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  const tenths = (value: number) => round(value * 10) / 10;
  let value = bytes / KiB;
  for (const unit of ["KiB", "MiB"]) {
    if (tenths(value) < 1024) return `${tenths(value)} ${unit}`;
    value /= 1024;
  }
  return `${tenths(value)} GiB`;
}

/** `size`, which is over `limit`, shown so that it never reads as the limit. */
function sizeOver(size: number, limit: number): string {
  const shown = sizeText(size);
  return shown === sizeText(limit) ? formatSize(size, Math.ceil) : shown;
}

function limitOf(kind: AttachmentKind): [number, string] {
  return kind === "pdf" ? [PDF_LIMIT, "a PDF"] : [IMAGE_LIMIT, "an image"];
}

function checkSize(label: string, kind: AttachmentKind, size: number): void {
  const [limit, what] = limitOf(kind);
  if (size <= limit) return;
  throw new UsageError(
    `${label}: ${sizeOver(size, limit)} is over the ${
      sizeText(limit)
    } limit for ${what}`,
  );
}

/**
 * The file's SHA-256 in hex. node:crypto's hash reads the bytes where they
 * are (WebCrypto's copies them); it loads only when a file is attached.
 */
async function sha256Of(bytes: Uint8Array): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha256").update(bytes).digest("hex");
}

async function attachment(
  label: string,
  name: string,
  bytes: Uint8Array,
  size = bytes.length,
): Promise<Attachment | undefined> {
  const kind = kindOf(bytes);
  if (kind === undefined) return undefined;
  checkSize(label, kind, Math.max(size, bytes.length));
  return { name, kind, bytes, sha256: await sha256Of(bytes) };
}

/**
 * The attachment `bytes` make when they are an image or a PDF (stdin's
 * bytes, named `name`, say "stdin"); `undefined` when they are neither, so
 * that the caller takes them as text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { attachmentFromBytes } from "./attachments.ts";
 * const bytes = new TextEncoder().encode("%PDF-1.4\n%%EOF\n");
 * assert.equal((await attachmentFromBytes("stdin", bytes))?.kind, "pdf");
 * assert.equal(await attachmentFromBytes("stdin", new Uint8Array([1, 2])), undefined);
 * ```
 *
 * @throws {UsageError} when the image or PDF is over its limit.
 */
export function attachmentFromBytes(
  name: string,
  bytes: Uint8Array,
): Promise<Attachment | undefined> {
  return attachment(name, name, bytes);
}

/**
 * Reads what `-a NAME` names: an `http://` or `https://` URL is passed on
 * as an image URL (one with a user name or password is refused); anything
 * else must be a regular file holding an image (PNG, JPEG, WebP, GIF) or a
 * PDF within its limit, checked before it is read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readAttachment } from "./attachments.ts";
 * const url = await readAttachment("https://example.com/cat.png");
 * assert.deepEqual(url, {
 *   name: "https://example.com/cat.png",
 *   kind: "url",
 *   url: "https://example.com/cat.png",
 * });
 * ```
 *
 * @throws {UsageError} naming the file: missing, not a regular file, not to
 * be read, of another type, or too big; or a bad URL.
 */
export async function readAttachment(
  name: string,
  files: Files = denoFiles,
): Promise<Attachment> {
  const label = `-a ${name}`;
  if (/^https?:\/\//i.test(name)) return urlAttachment(label, name);
  const info = await statFile(label, name, files, "no such file");
  const largest = Math.max(IMAGE_LIMIT, PDF_LIMIT);
  if (info.size > largest) {
    throw new UsageError(
      `${label}: ${sizeOver(info.size, largest)} is over the ${
        sizeText(PDF_LIMIT)
      } limit for a PDF and the ${sizeText(IMAGE_LIMIT)} limit for an image`,
    );
  }
  const bytes = await readFile(label, name, files);
  const read = await attachment(label, name, bytes, info.size);
  if (read) return read;
  throw new UsageError(
    `${label}: not an image (PNG, JPEG, WebP, GIF) or a PDF; use -f for a text file`,
  );
}

function urlAttachment(label: string, name: string): Attachment {
  let url;
  try {
    url = new URL(name);
  } catch {
    throw new UsageError(`${label}: not a valid URL`);
  }
  if (url.username || url.password) {
    const shown = `${url.protocol}//***@${url.host}${url.pathname}`;
    throw new UsageError(
      `-a ${shown}: a URL with a user name or password is refused`,
    );
  }
  return { name, kind: "url", url: url.href };
}

/** Stats `path`, refusing anything but a regular file or, when `directories`, a folder. */
async function statFile(
  label: string,
  path: string,
  files: Files,
  missing: string,
  { directories = false } = {},
): Promise<Deno.FileInfo> {
  let info;
  try {
    info = await files.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UsageError(`${label}: ${missing}`);
    }
    throw readError(label, error);
  }
  if (info.isDirectory && !directories) {
    throw new UsageError(`${label}: is a directory`);
  }
  if (!info.isFile && !info.isDirectory) {
    throw new UsageError(`${label}: not a regular file`);
  }
  return info;
}

async function readFile(
  label: string,
  path: string,
  files: Files,
): Promise<Uint8Array> {
  try {
    return await files.readFile(path);
  } catch (error) {
    throw readError(label, error);
  }
}

function readError(label: string, error: unknown): UsageError {
  const reason = error instanceof Error ? error.message : String(error);
  const denied = error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied;
  return new UsageError(
    `${label}: ${denied ? "may not be read" : "could not be read"} (${reason})`,
  );
}

/**
 * Checks that `attachments` together stay within {@linkcode REQUEST_LIMIT}.
 *
 * @throws {UsageError} naming their total and the limit.
 */
export function checkRequestLimit(attachments: Attachment[]): void {
  const total = attachments.reduce(
    (sum, each) => sum + (each.bytes?.length ?? 0),
    0,
  );
  if (total <= REQUEST_LIMIT) return;
  throw new UsageError(
    `-a: the attachments come to ${sizeOver(total, REQUEST_LIMIT)}, over the ${
      sizeText(REQUEST_LIMIT)
    } limit for one request`,
  );
}

/**
 * A user message's content: the text first, then each attachment, images
 * and image URLs as `image_url` parts (a file's bytes as a base64 data URL),
 * PDFs as `file` parts. `base64` gives a file's data: by default its bytes
 * in base64, or the stand-in of an {@linkcode InlineData}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partsOf } from "./attachments.ts";
 * assert.deepEqual(
 *   partsOf("Hi", [{ name: "x", kind: "url", url: "https://example.com/x.png" }]),
 *   [
 *     { type: "text", text: "Hi" },
 *     { type: "image_url", image_url: { url: "https://example.com/x.png" } },
 *   ],
 * );
 * ```
 */
export function partsOf(
  text: string,
  attachments: Attachment[],
  base64: (attachment: Attachment) => string = (attachment) =>
    (attachment.bytes ?? new Uint8Array()).toBase64(),
): ContentPart[] {
  return [
    { type: "text", text },
    ...attachments.map((each) => partOf(each, base64)),
  ];
}

function partOf(
  attachment: Attachment,
  base64: (attachment: Attachment) => string,
): ContentPart {
  const { kind } = attachment;
  if (kind === "url") {
    return { type: "image_url", image_url: { url: attachment.url ?? "" } };
  }
  const data = `data:${MEDIA_TYPES[kind]};base64,${base64(attachment)}`;
  if (kind === "pdf") {
    return {
      type: "file",
      file: { filename: baseName(attachment.name), file_data: data },
    };
  }
  return { type: "image_url", image_url: { url: data } };
}

/**
 * How much of a file is put in base64 at a time: 48 KiB, whose 64 KiB of
 * base64 is a string small enough for V8's young generation, gone at the
 * next scavenge.
 */
const BASE64_CHUNK = 48 * 1024;

/**
 * Up to how many bytes of files a request body is made whole (a `Blob`,
 * sent with its length); past it, the body is a stream that puts each chunk
 * in base64 as it is sent, so that a large file is held once, as its bytes.
 */
export const WHOLE_BODY_LIMIT = 8 * MiB;

/**
 * Attachments' data kept out of a request's JSON until the request is sent:
 * the parts carry a short stand-in for each file's base64 (see
 * {@linkcode partsOf}), which {@linkcode InlineData.body} puts back while it
 * makes the body, a chunk at a time. A 20 MB image then costs its bytes
 * once, not the four copies a data URL makes on its way through
 * `JSON.stringify` and `fetch`. Each run has its own stand-ins (a random
 * nonce in them), so no text can pass for one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InlineData, partsOf } from "./attachments.ts";
 * const data = new InlineData();
 * const image = { name: "a.png", kind: "png" as const, bytes: new Uint8Array([1, 2, 3]), sha256: "ab" };
 * const body = JSON.stringify(partsOf("Hi", [image], data.standIn));
 * assert.equal(
 *   await new Response(data.body(body)).text(),
 *   JSON.stringify(partsOf("Hi", [image])),
 * );
 * ```
 */
export class InlineData {
  readonly #prefix = `gpt4o-data-${crypto.randomUUID().replaceAll("-", "")}-`;
  readonly #files = new Map<string, Uint8Array>();

  /** The stand-in for `attachment`'s base64, the same for the same file. */
  readonly standIn = (attachment: Attachment): string => {
    const key = attachment.sha256 ?? String(this.#files.size);
    this.#files.set(key, attachment.bytes ?? new Uint8Array());
    return `${this.#prefix}${key}`;
  };

  /**
   * `json` with every stand-in replaced by its data: a `Blob` when the
   * files in it come to at most {@linkcode WHOLE_BODY_LIMIT} bytes, a
   * stream past that, and `json` itself when it holds none.
   */
  body(json: string): string | Blob | ReadableStream<Uint8Array> {
    if (!json.includes(this.#prefix)) return json;
    // The body's pieces in order: text of the JSON, and files' bytes.
    const pieces: (string | Uint8Array)[] = [];
    let at = 0;
    let bytes = 0;
    const standIns = new RegExp(`${this.#prefix}([0-9a-f]+)`, "g");
    for (const match of json.matchAll(standIns)) {
      const file = this.#files.get(match[1]);
      if (file === undefined) continue;
      pieces.push(json.slice(at, match.index), file);
      bytes += file.length;
      at = match.index + match[0].length;
    }
    pieces.push(json.slice(at));
    const chunks = base64Chunks(pieces);
    if (bytes <= WHOLE_BODY_LIMIT) return new Blob([...chunks]);
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
  }

  /** `fetch`, sending each text body through {@linkcode InlineData.body}. */
  wrap(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return (input, init) =>
      typeof init?.body === "string"
        ? fetch(input, { ...init, body: this.body(init.body) })
        : fetch(input, init);
  }
}

/** The body's text: the JSON's own pieces whole, each file's bytes in base64 a chunk at a time. */
function* base64Chunks(pieces: (string | Uint8Array)[]): Generator<string> {
  for (const piece of pieces) {
    if (typeof piece === "string") {
      if (piece) yield piece;
      continue;
    }
    for (let i = 0; i < piece.length; i += BASE64_CHUNK) {
      yield piece.subarray(i, i + BASE64_CHUNK).toBase64();
    }
  }
}

function baseName(path: string): string {
  return path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() || path;
}

/**
 * A line that names an attachment for a listing: its name, kind and size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describe } from "./attachments.ts";
 * const bytes = new Uint8Array(300 * 1024);
 * assert.equal(describe({ name: "report.pdf", kind: "pdf", bytes }), "report.pdf (PDF, 300 KiB)");
 * assert.equal(
 *   describe({ name: "https://example.com/cat.png", kind: "url", url: "https://example.com/cat.png" }),
 *   "https://example.com/cat.png (image URL)",
 * );
 * ```
 */
export function describe(attachment: Attachment): string {
  if (attachment.kind === "url") return `${attachment.name} (image URL)`;
  return `${attachment.name} (${KIND_NAMES[attachment.kind]}, ${
    sizeText(attachment.bytes?.length ?? 0)
  })`;
}

// -f: text files

/** Folders of version-control systems, never read. */
const VCS_FOLDERS = new Set([".git", ".hg", ".svn"]);

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
 * import { languageOf } from "./attachments.ts";
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
 * import { fenced } from "./attachments.ts";
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

/**
 * The text `-f PATH…` adds to the prompt: each file {@linkcode fenced}
 * under its name, joined by a blank line. A directory brings its text files,
 * recursively and in sorted order, named `dir/relative/path`, leaving out
 * `.git`, `.hg` and `.svn`, symlinks, binary files (a NUL byte in the first
 * 8 KiB, or not UTF-8), files over {@linkcode TEXT_FILE_LIMIT} and what its
 * `.gitignore` files (at its top and in its folders) exclude.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTextFiles } from "./attachments.ts";
 * const fence = "`".repeat(3);
 * assert.equal(
 *   await readTextFiles(["testdata/attachments/hello.py"]),
 *   `testdata/attachments/hello.py\n${fence}python\nprint("Hello")\n${fence}`,
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
): Promise<string> {
  const budget: Budget = { used: 0 };
  const blocks: string[] = [];
  for (const path of paths) {
    for (const file of await readTextPath(path, files, budget)) {
      blocks.push(fenced(file.name, file.content));
    }
  }
  return blocks.join("\n\n");
}

async function readTextPath(
  path: string,
  files: Files,
  budget: Budget,
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
    if (found.length === 0) {
      throw new UsageError(`${label}: no text files in it`);
    }
    return found;
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
): Promise<TextFile[]> {
  const top = directory.replace(/[\\/]+$/, "") || directory.slice(0, 1);
  const join = (relative: string) =>
    top.endsWith("/") || top.endsWith("\\")
      ? `${top}${relative}`
      : `${top}/${relative}`;
  const found: TextFile[] = [];
  const walk = async (relative: string, stack: Rules[]): Promise<void> => {
    const folder = relative === "" ? directory : join(relative);
    const entries = await listFolder(folder, files);
    const rules = await gitignoreOf(folder, relative, entries, files);
    if (rules) stack = [...stack, rules];
    for (const entry of entries) {
      const path = `${relative}${entry.name}`;
      if (entry.isSymlink || VCS_FOLDERS.has(entry.name)) continue;
      if (entry.isDirectory) {
        if (!ignored(stack, `${path}/`)) await walk(`${path}/`, stack);
      } else if (entry.isFile && !ignored(stack, path)) {
        const file = await readListedFile(join(path), files, budget);
        if (file) found.push(file);
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

/** A directory's file, or `undefined` when it is to be left out. */
async function readListedFile(
  path: string,
  files: Files,
  budget: Budget,
): Promise<TextFile | undefined> {
  const text = await readSmallText(path, files);
  if (text === undefined) return undefined;
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
