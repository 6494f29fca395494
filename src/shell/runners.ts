/**
 * A simple command checked: the program its name runs, the commands that
 * run another command (`sudo`, `env`, `xargs`, `find -exec`, `timeout`,
 * `ssh host CMD`), the shells and interpreters that run text (`bash -c`,
 * `eval`, `curl … | sh`), and the table of `src/shell/rules.ts` for the
 * rest.
 *
 * @module
 */
import { ruleOf } from "./rules.ts";
import {
  type Arg,
  type Facts,
  type Findings,
  literal,
  Options,
  type OptionSpec,
  programOf,
  shown,
} from "./words.ts";

/** What a command's stdin is given: a here-doc's or here-string's text, a download. */
export interface Stdin {
  text?: string;
  download?: string;
}

/** A command that runs other commands or text: its words after the name. */
type Runner = (
  args: readonly Arg[],
  findings: Findings,
  stdin: Stdin,
  name: string,
) => Facts;

/** The programs that fetch from the network and print what they fetched. */
const DOWNLOADERS = new Set([
  "curl",
  "wget",
  "fetch",
  "aria2c",
  "http",
  "https",
  "xh",
]);

/** The shells, which run what stdin gives them when no script is named. */
const SHELLS = new Set([
  "sh",
  "bash",
  "zsh",
  "dash",
  "ksh",
  "ash",
  "mksh",
  "fish",
]);

/** Interpreters, by the options that take a value; the code options are `-c`, `-e`, `-r`. */
const INTERPRETERS: Readonly<Record<string, OptionSpec>> = {
  python: { takes: "cmWXQ" },
  python2: { takes: "cmWXQ" },
  python3: { takes: "cmWXQ" },
  perl: { takes: "eE" },
  ruby: { takes: "eIr" },
  node: { takes: "epr", longTakes: ["eval", "print", "require", "import"] },
  php: { takes: "rfdc" },
  lua: { takes: "el" },
};

/**
 * Checks the simple command `args` (its name first), `stdin` what a here-doc
 * or a redirection gives it; returns what matters to a pipeline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCommand } from "./runners.ts";
 * const reasons: string[] = [];
 * const findings = { flag: (r: string) => void reasons.push(r), run: () => {} };
 * const word = (value: string) => ({ value, dynamic: false });
 * checkCommand(["sudo", "rm", "-r", "x"].map(word), findings);
 * assert.deepEqual(reasons, ["runs as root (sudo)", "removes files (rm -r)"]);
 * ```
 */
export function checkCommand(
  args: readonly Arg[],
  findings: Findings,
  stdin: Stdin = {},
): Facts {
  const [head, ...rest] = args;
  if (head === undefined) return {};
  if (head.dynamic) {
    findings.flag(
      head.download
        ? `runs a download in a shell (${shown(head.value)})`
        : `runs a command it cannot see (${shown(head.value)})`,
    );
    return { download: head.download };
  }
  const name = programOf(head.value);
  const runner = Object.hasOwn(RUNNERS, name) ? RUNNERS[name] : undefined;
  if (runner) return runner(rest, findings, stdin, name);
  if (SHELLS.has(name)) return shell(rest, findings, stdin, name);
  if (Object.hasOwn(INTERPRETERS, name)) {
    return interpreter(rest, findings, stdin, name);
  }
  const words = rest.map((arg) => arg.value);
  const rule = ruleOf(name);
  const judge = (text: string | undefined) => {
    const reasons = rule?.(words, name, text) ?? [];
    for (const reason of typeof reasons === "string" ? [reasons] : reasons) {
      findings.flag(reason);
    }
  };
  judge(stdin.text);
  const download = DOWNLOADERS.has(name)
    ? name
    : args.find((arg) => arg.download)?.download;
  return {
    download,
    prints: printed(name, words, stdin),
    reads: rule && stdin.text === undefined ? judge : undefined,
  };
}

/** The text `echo`, `printf` and `cat` of a here-doc print, when it is known. */
function printed(
  name: string,
  words: readonly string[],
  stdin: Stdin,
): string | undefined {
  if (name === "echo") {
    let at = 0;
    while (/^-[neE]+$/.test(words[at] ?? "")) at++;
    return words.slice(at).join(" ");
  }
  if (name === "printf") return words[0];
  if (name === "cat" && words.length === 0) return stdin.text;
  return undefined;
}

/** The words after the options and any `NAME=value` words, checked as a command. */
function inner(
  args: readonly Arg[],
  findings: Findings,
  stdin: Stdin,
  spec: OptionSpec = {},
): Facts {
  const options = new Options(args.map((arg) => arg.value), {
    ...spec,
    stopAtOperand: true,
  });
  let at = options.rest;
  while (at < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[at].value)) {
    at++;
  }
  return checkCommand(args.slice(at), findings, stdin);
}

/** A command that runs the rest of its words, with these options. */
function wrapper(spec: OptionSpec = {}): Runner {
  return (args, findings, stdin) => inner(args, findings, stdin, spec);
}

/** `sudo` and its kin: root, then the command. */
function asRoot(spec: OptionSpec): Runner {
  return (args, findings, stdin, name) => {
    findings.flag(`runs as root (${name})`);
    return inner(args, findings, stdin, spec);
  };
}

/** Text a shell is to run: checked again, or flagged when a download makes it. */
function runText(arg: Arg | undefined, findings: Findings, via: string): void {
  if (arg === undefined) return;
  if (arg.download) {
    findings.flag(`runs a download in a shell (${via} "$(${arg.download} …)")`);
  } else findings.run(arg.value);
}

/** `sh -c TEXT`, `bash <(curl …)`, `bash < <(curl …)`, `bash <<EOF`, `curl … | bash`. */
function shell(
  args: readonly Arg[],
  findings: Findings,
  stdin: Stdin,
  name: string,
): Facts {
  const values = args.map((arg) => arg.value);
  const options = new Options(values, {
    takes: "oO",
    longTakes: ["rcfile", "init-file"],
    stopAtOperand: true,
  });
  const first = args[options.rest];
  if (options.has("-c")) {
    runText(first, findings, `${name} -c`);
    return {};
  }
  if (first !== undefined && !options.has("-s") && first.value !== "-") {
    if (first.download) {
      findings.flag(
        `runs a download in a shell (${name} <(${first.download} …))`,
      );
    }
    return {};
  }
  return readsProgram(findings, stdin, name, true);
}

/** A program read from stdin: a download flagged, a here-doc checked when a shell reads it. */
function readsProgram(
  findings: Findings,
  stdin: Stdin,
  name: string,
  isShell: boolean,
): Facts {
  if (stdin.download) {
    findings.flag(
      `runs a download in a shell (${name} < <(${stdin.download} …))`,
    );
  } else if (stdin.text !== undefined && isShell) findings.run(stdin.text);
  const reads = isShell && stdin.text === undefined
    ? (text: string) => findings.run(text)
    : undefined;
  return { readsProgram: name, reads };
}

/** `python -c`, `perl -e`, `python3 <(curl …)`, `curl … | python3`, `python -m pip uninstall`. */
function interpreter(
  args: readonly Arg[],
  findings: Findings,
  stdin: Stdin,
  name: string,
): Facts {
  const spec = INTERPRETERS[name];
  const values = args.map((arg) => arg.value);
  const options = new Options(values, { ...spec, stopAtOperand: true });
  const module = options.value("-m");
  if (module !== undefined) {
    return checkCommand(
      [literal(module), ...args.slice(options.rest)],
      findings,
      stdin,
    );
  }
  const code = ["-c", "-e", "-E", "-r", "-p", "--eval", "--print"].find((
    option,
  ) => options.has(option));
  if (code !== undefined) {
    const download = args.find((arg) => arg.download)?.download;
    if (download) {
      findings.flag(
        `runs a download in a shell (${name} ${code} "$(${download} …)")`,
      );
    }
    return {};
  }
  const first = args[options.rest];
  if (first !== undefined && first.value !== "-") {
    if (first.download) {
      findings.flag(
        `runs a download in a shell (${name} <(${first.download} …))`,
      );
    }
    return {};
  }
  return readsProgram(findings, stdin, name, false);
}

/** `find … -delete`, `find … -exec CMD {} ;` (and `-execdir`, `-ok`, `-okdir`). */
const find: Runner = (args, findings) => {
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    if (word === "-delete") findings.flag("removes files (find -delete)");
    if (["-exec", "-execdir", "-ok", "-okdir"].includes(word)) {
      let end = i + 1;
      while (end < args.length && ![";", "+"].includes(args[end].value)) end++;
      checkCommand(args.slice(i + 1, end), findings);
      i = end;
    }
  }
  return {};
};

/** Every command that runs another, by its name. */
const RUNNERS: Readonly<Record<string, Runner>> = {
  sudo: asRoot({ takes: "CDghpRrTtUu", longTakes: ["user", "group", "chdir"] }),
  doas: asRoot({ takes: "uC" }),
  pkexec: asRoot({ longTakes: ["user"] }),
  run0: asRoot({ takes: "uD", longTakes: ["user"] }),
  su: (args, findings) => {
    findings.flag("runs as root (su)");
    const options = new Options(args.map((arg) => arg.value), {
      takes: "cgGs",
      longTakes: ["command", "group", "shell"],
    });
    const text = options.value("-c", "--command");
    if (text !== undefined) {
      runText(args.find((arg) => arg.value === text), findings, "su -c");
    }
    return {};
  },
  env: (args, findings, stdin) => {
    const values = args.map((arg) => arg.value);
    const spec = {
      takes: "uCS",
      longTakes: ["unset", "chdir", "split-string"],
    };
    const split = new Options(values, { ...spec, stopAtOperand: true })
      .value("-S", "--split-string");
    if (split !== undefined) findings.run(split);
    return inner(args, findings, stdin, spec);
  },
  nice: wrapper({ takes: "n", longTakes: ["adjustment"] }),
  nohup: wrapper(),
  setsid: wrapper(),
  builtin: wrapper(),
  exec: wrapper({ takes: "a" }),
  time: wrapper({ takes: "fo", longTakes: ["format", "output"] }),
  stdbuf: wrapper({ takes: "ioe", longTakes: ["input", "output", "error"] }),
  ionice: (args, findings, stdin) =>
    args.some((arg) => arg.value === "-p")
      ? {}
      : inner(args, findings, stdin, { takes: "cn" }),
  chroot: (args, findings, stdin) => {
    const options = new Options(args.map((arg) => arg.value), {
      longTakes: ["userspec", "groups"],
      stopAtOperand: true,
    });
    return checkCommand(args.slice(options.rest + 1), findings, stdin);
  },
  command: (args, findings, stdin) =>
    args.some((arg) => arg.value === "-v" || arg.value === "-V")
      ? {}
      : inner(args, findings, stdin),
  timeout: (args, findings, stdin) => {
    const options = new Options(args.map((arg) => arg.value), {
      takes: "ks",
      longTakes: ["kill-after", "signal"],
      stopAtOperand: true,
    });
    return checkCommand(args.slice(options.rest + 1), findings, stdin);
  },
  xargs: wrapper({
    takes: "adEILnPs",
    longTakes: ["arg-file", "delimiter", "max-args", "max-procs", "max-chars"],
  }),
  find,
  watch: (args, findings) => {
    const options = new Options(args.map((arg) => arg.value), {
      takes: "nq",
      longTakes: ["interval", "equexit"],
      stopAtOperand: true,
    });
    const rest = args.slice(options.rest);
    if (options.has("-x", "--exec")) return checkCommand(rest, findings);
    findings.run(rest.map((arg) => arg.value).join(" "));
    return {};
  },
  busybox: (args, findings, stdin) => checkCommand(args, findings, stdin),
  parallel: (args, findings) => {
    const options = new Options(args.map((arg) => arg.value), {
      takes: "jSX",
      stopAtOperand: true,
    });
    let end = options.rest;
    while (end < args.length && !args[end].value.startsWith(":::")) end++;
    return checkCommand(args.slice(options.rest, end), findings);
  },
  eval: (args, findings) => {
    const download = args.find((arg) => arg.download)?.download;
    if (download) {
      findings.flag(`runs a download in a shell (eval "$(${download} …)")`);
    } else findings.run(args.map((arg) => arg.value).join(" "));
    return {};
  },
  trap: (args, findings) => {
    const text = args[0]?.value;
    if (text !== undefined && !text.startsWith("-")) findings.run(text);
    return {};
  },
  source: sourced,
  ".": sourced,
  ssh: (args, findings, stdin) => {
    const options = new Options(args.map((arg) => arg.value), {
      takes: "BbcDEeFIiJLlmOoPpQRSWw",
      stopAtOperand: true,
    });
    const remote = args.slice(options.rest + 1).map((arg) => arg.value);
    if (remote.length > 0) findings.run(remote.join(" "), " over ssh");
    // The remote shell reads a here-doc given to ssh.
    if (
      stdin.text !== undefined &&
      (remote.length === 0 || SHELLS.has(programOf(remote[0])))
    ) findings.run(stdin.text, " over ssh");
    return {};
  },
  // fish's `and`, `or` and `not` run the command after them.
  and: wrapper(),
  or: wrapper(),
  not: wrapper(),
};

/** `source FILE` and `. FILE`: flagged when the file is a download. */
function sourced(
  args: readonly Arg[],
  findings: Findings,
  stdin: Stdin,
  name: string,
): Facts {
  const download = args[0]?.download;
  if (download) {
    findings.flag(`runs a download in a shell (${name} <(${download} …))`);
  } else if (args[0]?.value === "/dev/stdin") {
    return readsProgram(findings, stdin, name, true);
  }
  return {};
}
