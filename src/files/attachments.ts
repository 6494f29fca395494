/**
 * The user's images and PDFs sent along with the prompt (`-a`): read, known
 * by their first bytes, checked against OpenAI's limits. `./parts.ts` makes
 * them content parts; `./text_files.ts` reads `-f`'s text files.
 *
 * An attachment's kind comes from its first bytes (PNG, JPEG, WebP, GIF,
 * PDF), never from its name; an `http://` or `https://` image URL is passed
 * on for the server to fetch. Every size is checked against OpenAI's limits
 * before a file is read.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { attachmentFromBytes, describe } from "./attachments.ts";
 * import { partsOf } from "./parts.ts";
 * // A 1×1 PNG, as `-a pixel.png` reads it (readAttachment) or stdin brings it.
 * const png = Uint8Array.fromBase64(
 *   "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==",
 * );
 * const photo = (await attachmentFromBytes("pixel.png", png))!;
 * assert.equal(describe(photo), "pixel.png (PNG image, 70 bytes)");
 * assert.deepEqual(partsOf("What is this?", [photo]), [
 *   { type: "text", text: "What is this?" },
 *   { type: "image_url", image_url: { url: `data:image/png;base64,${png.toBase64()}` } },
 * ]);
 * ```
 *
 * Every failure the user can act on is a {@linkcode UsageError} of one
 * sentence that names the file.
 *
 * @module
 */
import {
  type Attachment,
  type AttachmentKind,
  baseName,
  type ContentPart,
  IMAGE_LIMIT,
  MEDIA_TYPES,
  PDF_LIMIT,
  REQUEST_LIMIT,
} from "./kinds.ts";

export type { Attachment, AttachmentKind, ContentPart };
export { baseName, IMAGE_LIMIT, MEDIA_TYPES, PDF_LIMIT, REQUEST_LIMIT };
import { UsageError } from "../cli/usage_error.ts";

const KiB = 1024;

const KIND_NAMES: Record<AttachmentKind, string> = {
  png: "PNG image",
  jpeg: "JPEG image",
  webp: "WebP image",
  gif: "GIF image",
  pdf: "PDF",
};

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
export function sizeOver(size: number, limit: number): string {
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
export async function statFile(
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

export async function readFile(
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

export function readError(label: string, error: unknown): UsageError {
  const reason = error instanceof Error ? error.message : String(error);
  const denied = error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied;
  return new UsageError(
    `${label}: ${denied ? "may not be read" : "could not be read"} (${reason})`,
    { cause: error },
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
