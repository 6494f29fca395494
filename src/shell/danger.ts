/**
 * The danger check of a shell command: before the user is asked whether to
 * run a command the model proposed, what it would do that cannot be undone,
 * each as a short plain reason ("removes files (rm -rf)"). Pure: no I/O.
 *
 * The command is parsed by a real shell parser, unbash (bash's grammar, for
 * sh, bash and zsh alike; fish is parsed as bash too), and every simple
 * command in the tree is checked wherever it sits: in lists, pipelines,
 * subshells, groups, `$( )`, backticks, `<( )`, compound commands, function
 * bodies and unquoted here-docs; `bash -c`, `eval`, `su -c`, `watch` and
 * `ssh host CMD` text is parsed again, a few levels deep. A command that
 * cannot be parsed is flagged: unknown means dangerous. PowerShell and cmd
 * commands get the simpler check of `src/shell/windows.ts`.
 *
 * unbash is imported by this module alone: import it lazily, with
 * `await import("../shell/danger.ts")`, and only for a run that checks a
 * command.
 *
 * @module
 */
import {
  forEachChild,
  type Function as FunctionNode,
  parse,
  type Pipeline,
  type Redirect,
  type SyntaxNode,
  type Word,
} from "unbash";
import { checkCommand, type Stdin } from "./runners.ts";
import { writing } from "./rules.ts";
import { windowsDangersOf } from "./windows.ts";
import { type Arg, type Facts, type Findings, shown } from "./words.ts";

/** The shell a command is for. */
export type ShellKind = "sh" | "bash" | "zsh" | "fish" | "powershell" | "cmd";

/** Something a command would do that cannot be undone. */
export interface Danger {
  /** What, in a few plain words, and the piece of the command: "removes files (rm -rf)". */
  reason: string;
}

/** How deep `bash -c "bash -c '…'"` text is parsed again before it counts as unknown. */
export const MAX_DEPTH = 4;

/**
 * What `command` would do that cannot be undone, in the order found, each
 * reason once; none for a harmless command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dangerOf } from "./danger.ts";
 * assert.deepEqual(dangerOf("ls -la && sudo rm -rf build", "bash"), [
 *   { reason: "runs as root (sudo)" },
 *   { reason: "removes files (rm -rf)" },
 * ]);
 * assert.deepEqual(dangerOf('grep -r "rm -rf" .', "bash"), []);
 * ```
 */
export function dangerOf(command: string, shell: ShellKind): Danger[] {
  const reasons = new Set<string>();
  if (shell === "powershell" || shell === "cmd") {
    for (const reason of windowsDangersOf(command, shell)) reasons.add(reason);
  } else {
    checkScript(command, 0, "", reasons);
  }
  return [...reasons].map((reason) => ({ reason }));
}

/** Parses `script` and walks it, each reason (with `suffix`) added to `reasons`. */
function checkScript(
  script: string,
  depth: number,
  suffix: string,
  reasons: Set<string>,
): void {
  if (depth > MAX_DEPTH) {
    reasons.add(`cannot be parsed (shells nested too deeply)${suffix}`);
    return;
  }
  const findings: Findings = {
    flag: (reason) => void reasons.add(reason + suffix),
    run: (text, more) => checkScript(text, depth + 1, more ?? suffix, reasons),
  };
  new Walk(findings).node(parse(script));
}

/** The facts of several nodes as one: a download in any, a program read by the first. */
function merged(all: readonly Facts[]): Facts {
  return {
    download: all.find((facts) => facts.download)?.download,
    readsProgram: all[0]?.readsProgram,
  };
}

/** The word parts whose value only running the command can tell. */
const EXPANSIONS = new Set([
  "SimpleExpansion",
  "ParameterExpansion",
  "CommandExpansion",
  "ArithmeticExpansion",
  "ProcessSubstitution",
]);

/** Whether an expansion makes `node`'s value unknowable. */
function isDynamic(node: SyntaxNode): boolean {
  if (EXPANSIONS.has(node.type)) return true;
  let found = false;
  if (
    node.type === "DoubleQuoted" || node.type === "LocaleString" ||
    node.type === "Word"
  ) {
    forEachChild(node, (child) => {
      found ||= isDynamic(child);
    });
  }
  return found;
}

/** One walk of a parsed script, flagging into `findings`. */
class Walk {
  constructor(private readonly findings: Findings) {}

  /** Checks `node` and everything in it; returns what matters to a pipeline around it. */
  node(node: SyntaxNode): Facts {
    switch (node.type) {
      case "Script":
        if (node.errors?.length) {
          this.findings.flag(
            `cannot be parsed (${shown(node.errors[0].message)})`,
          );
        }
        break;
      case "CommandExpansion":
      case "ProcessSubstitution":
        if (node.script === undefined) {
          this.findings.flag(`cannot be parsed (${shown(node.text)})`);
        }
        break;
      case "Command":
        return this.command(node);
      case "Pipeline":
        return this.pipeline(node);
      case "Function":
        this.forkBomb(node);
        break;
      case "Redirect":
        this.redirect(node);
        break;
      case "Statement":
        // A command sent to the background gives nothing to a pipe.
        return { ...this.children(node), readsProgram: undefined };
    }
    return this.children(node);
  }

  /** The node's children checked, their facts merged. */
  private children(node: SyntaxNode): Facts {
    const all: Facts[] = [];
    forEachChild(node, (child) => void all.push(this.node(child)));
    return merged(all);
  }

  /** A simple command: its words, its stdin, then what is inside its words and redirections. */
  private command(node: Extract<SyntaxNode, { type: "Command" }>): Facts {
    const inside = new Map<SyntaxNode, Facts>();
    forEachChild(node, (child) => void inside.set(child, this.node(child)));
    const arg = (word: Word): Arg => ({
      value: word.value,
      dynamic: isDynamic(word),
      download: inside.get(word)?.download,
    });
    const args: Arg[] = [];
    if (node.name) args.push(arg(node.name));
    const stdin: Stdin = {};
    for (const child of [...node.prefix, ...node.suffix]) {
      if (child.type === "Word") args.push(arg(child));
      else if (child.type === "Assignment" && node.prefix.indexOf(child) < 0) {
        args.push({
          value: child.text,
          dynamic: isDynamic(child.value),
          download: inside.get(child)?.download,
        });
      } else if (child.type === "HereDoc") stdin.text = child.body.text;
      else if (child.type === "HereString") stdin.text = child.target?.value;
      else if (
        child.type === "Redirect" && child.operator === "<" && child.target
      ) {
        stdin.download = inside.get(child)?.download;
      }
    }
    return checkCommand(args, this.findings, stdin);
  }

  /** A pipeline: a download piped to a shell; text echoed to a shell or a client. */
  private pipeline(node: Pipeline): Facts {
    const all = node.commands.map((command) => this.node(command));
    for (let i = 1; i < all.length; i++) {
      const shell = all[i].readsProgram;
      const download = all.slice(0, i).find((facts) => facts.download)
        ?.download;
      const text = all[i - 1].prints;
      if (shell !== undefined && download) {
        this.findings.flag(
          `runs a download in a shell (${download} … | ${shell})`,
        );
      } else if (text !== undefined) all[i].reads?.(text);
    }
    return merged(all);
  }

  /** `> file`, `>| file`, `&> file`, and `>>` into /etc, /boot or a disk. */
  private redirect(node: Redirect): void {
    const target = node.target;
    if (target === undefined || !node.operator.includes(">")) return;
    if (node.operator === ">&" && /^(\d+|-)$/.test(target.value)) return;
    const append = node.operator.endsWith(">>");
    const descriptor = node.descriptor?.type === "FileDescriptor"
      ? String(node.descriptor.value)
      : "";
    const reason = writing(
      target.value,
      append,
      `${descriptor}${node.operator} ${target.value}`,
    );
    if (reason !== undefined) this.findings.flag(reason);
  }

  /** A function that calls itself in a pipeline or in the background. */
  private forkBomb(node: FunctionNode): void {
    const name = node.name.value;
    let bomb = false;
    const visit = (child: SyntaxNode, forks: boolean): void => {
      if (child.type === "Command" && child.name?.value === name && forks) {
        bomb = true;
      }
      const spawns = (child.type === "Pipeline" && child.commands.length > 1) ||
        (child.type === "Statement" && child.background === true);
      forEachChild(child, (next) => visit(next, forks || spawns));
    };
    visit(node.body, false);
    if (bomb) this.findings.flag(`a fork bomb (${shown(name)})`);
  }
}
