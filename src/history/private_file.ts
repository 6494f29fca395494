/**
 * The history's file made and kept private: its folder `0700` (when it is
 * the program's own), the file `0600`, created before SQLite opens it.
 *
 * @module
 */
import { posix, win32 } from "node:path";

/** Creates the folder (`0700`) and an empty file (`0600`) unless they exist. */
export function preparePrivately(path: string, ownFolder: boolean): void {
  const paths = Deno.build.os === "windows" ? win32 : posix;
  const dir = paths.dirname(path);
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ownFolder) makePrivate(dir, 0o700);
  // A symbolic link: the file it names is the history, created private too.
  let file = path;
  try {
    if (Deno.lstatSync(path).isSymlink) {
      file = paths.resolve(dir, Deno.readLinkSync(path));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  try {
    Deno.openSync(file, { createNew: true, write: true, mode: 0o600 }).close();
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  makePrivate(file, 0o600);
  // Opened for writing once: a read-only file or file system says so here,
  // before SQLite falls back to reading it.
  Deno.openSync(file, { read: true, write: true }).close();
}

/** Takes away what others may do with `path`: its mode becomes `mode`. */
function makePrivate(path: string, mode: number): void {
  if (Deno.build.os === "windows") return;
  const current = Deno.statSync(path).mode;
  if (current !== null && (current & 0o077) !== 0) Deno.chmodSync(path, mode);
}

/** Whether anything is at `path`. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
