/**
 * A stand-in for the danger check that branch `danger` writes (with the
 * `unbash` parser): it flags a command whose first word is `rm`, and nothing
 * else. Its signature is the real module's, which replaces it.
 *
 * @module
 */

/** The shells a command is checked for. */
export type ShellKind = "sh" | "bash" | "zsh" | "fish" | "powershell" | "cmd";

/** Why a command may do harm. */
export interface Danger {
  /** What it does, in a few words: `removes files (rm)`. */
  reason: string;
}

/**
 * What may do harm in `command`, as run by `shell`: none when it looks safe.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dangerOf } from "./danger.ts";
 * assert.deepEqual(dangerOf("rm -rf build", "bash").map((d) => d.reason), [
 *   "removes files (rm)",
 * ]);
 * assert.deepEqual(dangerOf("ls -la", "bash"), []);
 * ```
 */
export function dangerOf(command: string, _shell: ShellKind): Danger[] {
  const first = command.trim().split(/\s+/)[0];
  return first === "rm" ? [{ reason: "removes files (rm)" }] : [];
}
