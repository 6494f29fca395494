/**
 * What the tests of `-a` and `-f` share: the fixtures' folder, a check of a
 * UsageError's exact message, and files whose sizes or reads are staged.
 *
 * @module
 */
import assert from "node:assert/strict";
import { denoFiles, type Files } from "../src/files/attachments.ts";
import { UsageError } from "../src/cli/usage_error.ts";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const DIR = "testdata/attachments";
export const fixture = (name: string) => `${DIR}/${name}`;

/** Asserts that `promise` fails with a UsageError of exactly `message`. */
export async function rejectsWith(
  promise: Promise<unknown>,
  message: string,
): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof UsageError, `not a UsageError: ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

/** Real files, but `stat` reports `size` for the paths `sized` picks. */
export function withSize(
  size: number,
  sized: (path: string) => boolean = () => true,
): Files {
  return {
    ...denoFiles,
    async stat(path) {
      const info = await Deno.stat(path);
      return sized(path) ? { ...info, size } : info;
    },
  };
}

/** Files whose `readFile` must not be called. */
export function unread(files: Files = denoFiles): Files {
  return {
    ...files,
    readFile(path) {
      throw new Error(`read ${path}`);
    },
  };
}

/** A temporary folder under .tmp holding `tree` (text, or bytes). */
export async function tempTree(
  tree: Record<string, string | Uint8Array>,
): Promise<{ root: string } & AsyncDisposable> {
  Deno.mkdirSync(".tmp", { recursive: true });
  const root = await Deno.makeTempDir({ dir: ".tmp" });
  for (const [path, content] of Object.entries(tree)) {
    const full = `${root}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    if (path.endsWith("/")) continue;
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
  return {
    root,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}
