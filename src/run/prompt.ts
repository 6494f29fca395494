/**
 * The prompt of a single question: the words, the piped text, the files.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import { DEFAULT_QUESTION, type Options } from "../cli/options.ts";
import type { Attachment } from "../files/attachments.ts";
/**
 * The prompt and what goes with it: the words, then the piped text, then the
 * text of the `-f` files; the `-a` attachments, and stdin when it is an image
 * or a PDF. The demo's question when there is no text at all. Each file is
 * read and checked here, before anything is sent; the files a folder leaves
 * out because they may hold secrets are named on stderr.
 *
 * @throws {UsageError} naming a file that cannot be sent, and why.
 */
export async function promptOf(
  io: Io,
  options: Pick<Options, "prompt" | "attach" | "files">,
): Promise<{ prompt: string; attachments: Attachment[] }> {
  const piped = await io.stdin();
  const needed = options.attach.length > 0 || options.files.length > 0 ||
    (piped !== undefined && looksAttached(piped));
  if (!needed) {
    return {
      prompt: joinPrompt([options.prompt, textOf(piped)]),
      attachments: [],
    };
  }
  const files = await import("../files/attachments.ts");
  const attachments: Attachment[] = [];
  for (const name of options.attach) {
    attachments.push(await files.readAttachment(name));
  }
  const fromStdin = piped && await files.attachmentFromBytes("stdin", piped);
  if (fromStdin) attachments.push(fromStdin);
  files.checkRequestLimit(attachments);
  const texts = options.files.length
    ? await (await import("../files/text_files.ts")).readTextFiles(
      options.files,
      undefined,
      (line) => io.stderr.write(`${line}\n`),
    )
    : "";
  const prompt = [options.prompt, fromStdin ? "" : textOf(piped), texts];
  return {
    // With something attached, a prompt may be empty: the file is the question.
    prompt: attachments.length
      ? prompt.map((each) => each.trim()).filter(Boolean).join("\n\n")
      : joinPrompt(prompt),
    attachments,
  };
}

/** Whether piped bytes begin as an image or a PDF does, without loading the module that knows. */
function looksAttached(bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, 12));
  return /^(\x89PNG|\xff\xd8\xff|GIF8|%PDF-|RIFF....WEBP)/s.test(head);
}

function textOf(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "" : new TextDecoder().decode(bytes);
}

/** The texts of a prompt joined by blank lines, or the demo's question when all are empty. */
function joinPrompt(texts: string[]): string {
  const parts = texts.map((each) => each.trim()).filter(Boolean);
  return parts.length ? parts.join("\n\n") : DEFAULT_QUESTION;
}
