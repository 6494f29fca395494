/**
 * Attachments as chat-completions content parts, and their data kept out of
 * a request's JSON until the request is sent.
 *
 * @module
 */
import {
  type Attachment,
  baseName,
  type ContentPart,
  MEDIA_TYPES,
} from "./kinds.ts";

const MiB = 1024 * 1024;

/**
 * A user message's content: the text first, then each attachment, images
 * and image URLs as `image_url` parts (a file's bytes as a base64 data URL),
 * PDFs as `file` parts. `base64` gives a file's data: by default its bytes
 * in base64, or the stand-in of an {@linkcode InlineData}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partsOf } from "./parts.ts";
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
 * import { InlineData, partsOf } from "./parts.ts";
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
  /** Made with the first stand-in: the random source costs a run with no file. */
  #nonce: string | undefined;
  readonly #files = new Map<string, Uint8Array>();

  get #prefix(): string {
    return this.#nonce ??= `gpt4o-data-${
      crypto.randomUUID().replaceAll("-", "")
    }-`;
  }

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
    if (this.#files.size === 0 || !json.includes(this.#prefix)) return json;
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
