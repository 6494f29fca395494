/**
 * The failure that is the command line's: a flag, a value or a file named on
 * it that cannot be used (exit 2).
 *
 * @module
 */

/** A command line that cannot be run; its message names the problem. */
export class UsageError extends Error {
  override name = "UsageError";
}
