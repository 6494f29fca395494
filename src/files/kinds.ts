/**
 * What the user's files are, as the other modules of `src/files/` and the
 * history speak of them: an attachment, its kind and media type, a content
 * part. Small, so that a run with no file loads no reader of files.
 *
 * @module
 */
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";

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

const MiB = 1024 * 1024;

/** The largest image sent, in bytes: OpenAI's limit of 20 MiB per image. */
export const IMAGE_LIMIT = 20 * MiB;

/** The largest PDF sent, in bytes: OpenAI's limit of 32 MiB per PDF. */
export const PDF_LIMIT = 32 * MiB;

/**
 * The most bytes of attachments (images and PDFs) sent with one request
 * together: OpenAI's limit of 50 MiB.
 */
export const REQUEST_LIMIT = 50 * MiB;

/** The largest file of a kind. */
export function limitOf(kind: AttachmentKind): number {
  return kind === "pdf" ? PDF_LIMIT : IMAGE_LIMIT;
}

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

/** The last part of a path, its trailing separators left out. */
export function baseName(path: string): string {
  return path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() || path;
}
