/**
 * What `-e` asks the model and what it takes from the answer: the system
 * message that asks for one command for the user's system and shell, the
 * command taken from the answer, and the question that asks the model to
 * describe it.
 *
 * @module
 */
import { clipboardText, codeBlocks } from "../render/code_blocks.ts";
import { languageOf, osName, type Shell } from "./shell.ts";

/**
 * The system message of a proposal: the operating system and the shell,
 * and one command alone in reply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { proposalSystem } from "./proposal.ts";
 * assert.equal(
 *   proposalSystem({ name: "zsh", kind: "zsh", program: "/bin/zsh" }, "darwin"),
 *   "You turn a task into a shell command. The user's operating system is " +
 *     "macOS and their shell is zsh. Reply with only one command that does " +
 *     "the task, ready to run in zsh: no explanation, no markdown.",
 * );
 * ```
 */
export function proposalSystem(
  shell: Shell,
  os: typeof Deno.build.os,
): string {
  return `You turn a task into a shell command. The user's operating system ` +
    `is ${osName(os)} and their shell is ${shell.name}. Reply with only one ` +
    `command that does the task, ready to run in ${shell.name}: no ` +
    "explanation, no markdown.";
}

/**
 * The system message of a description: what the command does, part by
 * part, and what it changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { descriptionSystem } from "./proposal.ts";
 * assert.equal(
 *   descriptionSystem({ name: "bash", kind: "bash", program: "/bin/bash" }, "linux"),
 *   "You explain shell commands. The user's operating system is Linux and " +
 *     "their shell is bash. Say briefly what the command does, part by part, " +
 *     "and what it changes or could harm.",
 * );
 * ```
 */
export function descriptionSystem(
  shell: Shell,
  os: typeof Deno.build.os,
): string {
  return `You explain shell commands. The user's operating system is ` +
    `${osName(os)} and their shell is ${shell.name}. Say briefly what the ` +
    "command does, part by part, and what it changes or could harm.";
}

/**
 * The message that asks for a description of `command`: the command in a
 * fence of its shell's language (see {@linkcode fenced}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { descriptionPrompt } from "./proposal.ts";
 * assert.equal(
 *   descriptionPrompt("ls -la", { name: "bash", kind: "bash", program: "bash" }),
 *   "Describe this command:\n\n" + "`".repeat(3) + "bash\nls -la\n" + "`".repeat(3),
 * );
 * ```
 */
export function descriptionPrompt(command: string, shell: Shell): string {
  return `Describe this command:\n\n${fenced(command, shell)}`;
}

/**
 * `command` as a markdown code block of its shell's language, its fence
 * longer than any run of backticks in it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fenced } from "./proposal.ts";
 * assert.equal(
 *   fenced("echo ``", { name: "pwsh", kind: "powershell", program: "pwsh" }),
 *   "`".repeat(3) + "powershell\necho ``\n" + "`".repeat(3),
 * );
 * ```
 */
export function fenced(command: string, shell: Shell): string {
  const longest = Math.max(
    2,
    ...(command.match(/`+/g) ?? []).map((run) => run.length),
  );
  const fence = "`".repeat(longest + 1);
  return `${fence}${languageOf(shell.kind)}\n${command}\n${fence}`;
}

/**
 * The command an answer proposes: the content of its first fenced code
 * block when it has one, else the whole text, without the white space
 * around it. A control character in it (an escape, a carriage return) is
 * replaced by the symbol the screen shows for it (`␛`): what is shown,
 * edited and run is the same text, and none of it acts on the terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandOf } from "./proposal.ts";
 * assert.equal(commandOf("Here:\n~~~sh\nls -la\n~~~\nDone."), "ls -la");
 * assert.equal(commandOf("  du -sh * \n"), "du -sh *");
 * assert.equal(commandOf("echo \x1b[2J"), "echo ␛[2J");
 * ```
 */
export function commandOf(answer: string): string {
  const text = answer.replace(/\r\n/g, "\n");
  const block = codeBlocks(text)[0];
  return clipboardText((block ?? text).trim()).text;
}
