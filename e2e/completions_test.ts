/**
 * End to end: the completion scripts loaded into bash, zsh and fish as a
 * user loads them (`gpt4o --completions SHELL`), asked for candidates as a
 * Tab asks, with the real program on PATH (as `deno task start` runs it, and
 * as installed) answering `--complete` from a test config file and history;
 * and the key binding that puts the command `gpt4o -e` proposes on the line.
 */
import assert from "node:assert/strict";
import {
  type Gpt4o,
  placeGpt4o,
  placeProposer,
  runShell,
  scratch,
  shellAtTerminal,
  shellEnv,
  type ShellName,
  shellTest,
} from "../testdata/shells.ts";
import { freshHistory, HISTORY, quote } from "../testdata/e2e.ts";
import { flagsOf } from "../src/cli/completions.ts";
import { PROVIDERS } from "../src/config/providers.ts";
import { History } from "../src/history/store.ts";

const ZSH_COMPLETE =
  new URL("../testdata/zsh_complete.zsh", import.meta.url).pathname;

const CONFIG = `
[providers.work]
base_url = "http://127.0.0.1:9/v1"

[roles.lawyer]
system = "You are a careful lawyer."

[roles.poet]
model = "work:verse"

[aliases]
fast = ["work:quick", "ollama:"]

[mcp.files]
module = "npm:@modelcontextprotocol/server-filesystem"
`;

/** The values `-m` offers: each provider's `NAME:`, then the aliases. */
const MODELS = [...PROVIDERS.map(({ name }) => `${name}:`), "work:", "fast"];

/**
 * A shell's world: a `gpt4o` on its PATH, the test config file, a history
 * of two conversations (the second named "tax return"), and the script that
 * `gpt4o --completions SHELL` prints.
 */
async function world(shell: ShellName, target: Gpt4o) {
  const folder = await scratch();
  const bin = `${folder.dir}/bin`;
  await placeGpt4o(bin, target);
  const config = `${folder.dir}/config.toml`;
  await Deno.writeTextFile(config, CONFIG, { mode: 0o600 });
  await freshHistory();
  await Deno.mkdir(HISTORY, { recursive: true, mode: 0o700 });
  {
    using history = History.open(`${HISTORY}/history.db`);
    const now = new Date();
    const saved = (prompt: string) =>
      history.save({
        system: "You are a helpful assistant.",
        prompt,
        model: "gpt-4o",
        endpoint: "127.0.0.1/v1",
        answer: "An answer.",
        outcome: "answered",
        started: now,
        finished: now,
      });
    saved("Who decides?");
    history.rename(saved("Deductions for 2025?"), "tax return");
  }
  const env = shellEnv(bin, { GPT4O_CONFIG: config });
  const printed = await runShell(
    "sh",
    ["-c", `gpt4o --completions ${shell}`],
    env,
  );
  assert.deepEqual([printed.code, printed.stderr], [0, ""]);
  const script = `${folder.dir}/gpt4o.${shell}`;
  await Deno.writeTextFile(script, printed.stdout);
  return {
    env,
    script,
    [Symbol.asyncDispose]: () => folder[Symbol.asyncDispose](),
  };
}

/** The line typed, and for bash the words it makes of it (split at : and = too). */
type Typed = { line: string; words: string[] };

/**
 * What `shell` offers when Tab is pressed at the end of `typed`: bash's
 * COMPREPLY (COMP_WORDS and COMP_CWORD as bash sets them), zsh's candidates
 * (through testdata/zsh_complete.zsh), fish's `complete -C`; each a line,
 * its description after " -- " (zsh) or a tab (fish).
 */
async function offered(
  shell: ShellName,
  { script, env }: { script: string; env: Record<string, string> },
  { line, words }: Typed,
): Promise<string[]> {
  const run = shell === "bash"
    ? await runShell("bash", [
      "--norc",
      "--noprofile",
      "-c",
      'source "$0"; COMP_LINE=$1 COMP_POINT=${#1}; shift; COMP_WORDS=("$@"); ' +
      "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _gpt4o; " +
      'printf "%s\\n" "${COMPREPLY[@]}"',
      script,
      line,
      ...words,
    ], env)
    : shell === "zsh"
    ? await runShell("zsh", ["-f", ZSH_COMPLETE, script, line], env)
    : await runShell("fish", [
      "--no-config",
      "-c",
      `source ${quote(script)}; complete -C ${quote(line)}`,
    ], env);
  assert.deepEqual([run.code, run.stderr], [0, ""], run.stdout);
  return run.stdout.split("\n").filter((each) => each !== "");
}

const SHELLS = ["bash", "zsh", "fish"] as const;
const TARGETS = ["main.ts", "installed gpt4o"] as const;

for (const target of TARGETS) {
  const label = target === "main.ts" ? "" : ` (${target})`;
  shellTest(
    `the completion script offers every option, the fixed values, and the roles, models and conversations the program knows${label}`,
    SHELLS,
    async (shell) => {
      await using w = await world(shell, target);
      // zsh and fish order what they show themselves; bash shows COMPREPLY.
      const sorted = (list: string[]) =>
        shell === "bash" ? list : list.toSorted();
      const about = shell === "fish" ? "\t" : " -- ";
      const asked = async (typed: Typed) =>
        sorted(await offered(shell, w, typed)).map((each) =>
          each.split(about)[0]
        );
      // Each with what it does, as --help says, where the shell shows it.
      assert.deepEqual(
        sorted(
          await offered(shell, w, { line: "gpt4o --", words: ["gpt4o", "--"] }),
        ),
        sorted(
          flagsOf().map(({ long, description }) =>
            shell === "bash" ? long : `${long}${about}${description}`
          ),
        ),
      );
      assert.deepEqual(
        await asked({ line: "gpt4o --api ", words: ["gpt4o", "--api", ""] }),
        sorted(["chat", "responses", "auto"]),
      );
      assert.deepEqual(
        await asked({ line: "gpt4o -r ", words: ["gpt4o", "-r", ""] }),
        ["lawyer", "poet"],
      );
      assert.deepEqual(
        await asked({ line: "gpt4o -m ", words: ["gpt4o", "-m", ""] }),
        sorted(MODELS),
      );
      // The latest first, then the names; bash and zsh escape the space.
      const conversations = sorted([
        "2",
        "1",
        shell === "fish" ? "tax return" : "tax\\ return",
      ]);
      assert.deepEqual(
        await asked({
          line: "gpt4o --conversation ",
          words: ["gpt4o", "--conversation", ""],
        }),
        conversations,
      );
      assert.deepEqual(
        await asked({
          line: "gpt4o --delete 1 ",
          words: ["gpt4o", "--delete", "1", ""],
        }),
        conversations,
      );
    },
  );
}

shellTest(
  "the completion script completes an option's value after = and the last of a comma list, files, and nothing after --",
  SHELLS,
  async (shell, t) => {
    await using w = await world(shell, "main.ts");
    const about = shell === "fish" ? "\t" : " -- ";
    // bash completes the text after the last : or = that breaks its words.
    const cases: [Typed, Record<ShellName, string[]>][] = [
      [{ line: "gpt4o -m fast,wo", words: ["gpt4o", "-m", "fast,wo"] }, {
        bash: ["fast,work:"],
        zsh: ["fast,work:"],
        fish: ["fast,work:"],
      }],
      [{ line: "gpt4o --model=wo", words: ["gpt4o", "--model", "=", "wo"] }, {
        bash: ["work:"],
        zsh: ["--model=work:"],
        fish: ["--model=work:"],
      }],
      [{ line: "gpt4o -T ", words: ["gpt4o", "-T", ""] }, {
        bash: ["all", "files"],
        zsh: ["all", "files"],
        fish: ["all", "files"],
      }],
      [{ line: "gpt4o -T files,", words: ["gpt4o", "-T", "files,"] }, {
        bash: ["files,all", "files,files"],
        zsh: ["files,all", "files,files"],
        fish: ["files,all", "files,files"],
      }],
      [{ line: "gpt4o --api=r", words: ["gpt4o", "--api", "=", "r"] }, {
        bash: ["responses"],
        zsh: ["--api=responses"],
        fish: ["--api=responses"],
      }],
      [{ line: "gpt4o -o te", words: ["gpt4o", "-o", "te"] }, {
        bash: ["temperature="],
        zsh: ["temperature="],
        fish: ["temperature="],
      }],
      [{ line: "gpt4o -a fi", words: ["gpt4o", "-a", "fi"] }, {
        bash: ["files.ts", "fixtures.ts"],
        zsh: ["files.ts", "fixtures.ts"],
        fish: ["files.ts", "fixtures.ts"],
      }],
      [{
        line: "gpt4o Who decides --sh",
        words: ["gpt4o", "Who", "decides", "--sh"],
      }, {
        bash: ["--show"],
        zsh: ["--show"],
        fish: ["--show"],
      }],
      [{ line: "gpt4o -- --", words: ["gpt4o", "--", "--"] }, {
        bash: [],
        zsh: [],
        fish: [],
      }],
      [
        { line: "gpt4o --completions ", words: ["gpt4o", "--completions", ""] },
        {
          bash: ["bash", "zsh", "fish"],
          zsh: ["bash", "fish", "zsh"],
          fish: ["bash", "fish", "zsh"],
        },
      ],
    ];
    for (const [typed, expected] of cases) {
      await t.step(typed.line, async () => {
        const got = (await offered(shell, w, typed)).map((each) =>
          each.split(about)[0]
        );
        // zsh and fish order what they show; bash's files come unordered.
        const files = typed.words.includes("-a");
        assert.deepEqual(
          shell === "bash" && !files ? got : got.toSorted(),
          expected[shell],
        );
      });
    }
  },
);

/** A folder with the script of `shell` and a stand-in gpt4o that proposes a command. */
async function proposing(
  shell: ShellName,
  proposal: Parameters<typeof placeProposer>[1],
) {
  const folder = await scratch();
  const bin = `${folder.dir}/bin`;
  await placeProposer(bin, proposal);
  const script = `${folder.dir}/gpt4o.${shell}`;
  const { completionScript } = await import("../src/cli/completions.ts");
  await Deno.writeTextFile(script, completionScript(shell));
  return {
    dir: folder.dir,
    bin,
    script,
    env: shellEnv(bin),
    /** The arguments the stand-in was given, and its stdin; none when it did not run. */
    async asked() {
      try {
        return {
          args: (await Deno.readTextFile(`${bin}/asked`)).split("\n")
            .slice(0, -1),
          stdin: await Deno.readTextFile(`${bin}/stdin`),
        };
      } catch {
        return undefined;
      }
    },
    [Symbol.asyncDispose]: () => folder[Symbol.asyncDispose](),
  };
}

/** Runs bash with the script sourced (GPT4O_BIND_KEY as `key` gives it), then `code`. */
async function bashWith(
  p: Awaited<ReturnType<typeof proposing>>,
  key: string | undefined,
  code: string,
) {
  return await runShell("bash", [
    "--norc",
    "--noprofile",
    "-c",
    `${key === undefined ? "" : `GPT4O_BIND_KEY=${quote(key)}; `}` +
    `source ${quote(p.script)}; ${code}`,
  ], p.env);
}

shellTest(
  "bash binds the key only when GPT4O_BIND_KEY asks, Alt+K for 1, in emacs and vi insert modes",
  ["bash"],
  async (_, t) => {
    await using p = await proposing("bash", { command: "ls" });
    // bind -X itself warns that a shell run with -c edits no line.
    const bindings = "{ bind -m emacs -X; bind -m vi-insert -X; } 2>/dev/null";
    const cases: [string | undefined, string][] = [
      [undefined, ""],
      ["", ""],
      ["0", ""],
      ["1", '"\\ek": "_gpt4o_propose"\n'.repeat(2)],
      ["\\C-l", '"\\C-l": "_gpt4o_propose"\n'.repeat(2)],
    ];
    for (const [key, expected] of cases) {
      await t.step(`GPT4O_BIND_KEY=${key ?? "(unset)"}`, async () => {
        const run = await bashWith(p, key, bindings);
        assert.deepEqual(run, { code: 0, stdout: expected, stderr: "" });
      });
    }
  },
);

shellTest(
  "bash's key binding puts the command gpt4o -e proposes for the words on the line in their place, what it says on stderr above",
  ["bash"],
  async (_, t) => {
    const show = 'printf "%s|%s" "$READLINE_LINE" "$READLINE_POINT"';
    const cases: [
      string,
      Parameters<typeof placeProposer>[1],
      string,
      { stdout: string; stderr: string; asked: boolean },
    ][] = [
      ["a command", { command: "ls -la\n" }, "list the files here", {
        stdout: "ls -la|6",
        stderr: "",
        asked: true,
      }],
      [
        "a flagged command",
        {
          command: "rm -rf build",
          said: "flagged: rm -rf deletes for good\n",
        },
        "clean up",
        {
          stdout: "rm -rf build|12",
          stderr: "flagged: rm -rf deletes for good\n",
          asked: true,
        },
      ],
      [
        "a command of two lines, not ASCII",
        {
          command: 'for f in *; do\n  echo "€ $f"\ndone',
        },
        "each file",
        {
          stdout: 'for f in *; do\n  echo "€ $f"\ndone|33', // characters
          stderr: "",
          asked: true,
        },
      ],
      [
        "control characters",
        {
          command: "echo \x1b[2J\x07ok\u009b6n\r",
          said: "said \x1b]0;title\x07 this\n",
        },
        "say ok",
        {
          stdout: "echo [2Jok6n|12",
          stderr: "said ]0;title this\n",
          asked: true,
        },
      ],
      [
        "a failure",
        {
          command: "",
          said: "OPENAI_API_KEY is not set: export it\n",
          code: 2,
        },
        "list the files",
        {
          stdout: "list the files|1", // as it was
          stderr: "OPENAI_API_KEY is not set: export it\n",
          asked: true,
        },
      ],
      ["no command", { command: "\n\n" }, "hmm", {
        stdout: "hmm|1",
        stderr: "",
        asked: true,
      }],
      ["only blanks on the line", { command: "ls" }, "  \t", {
        stdout: "  \t|1",
        stderr: "",
        asked: false,
      }],
    ];
    for (const [name, proposal, words, expected] of cases) {
      await t.step(name, async () => {
        await using p = await proposing("bash", proposal);
        const run = await bashWith(
          p,
          "1",
          `READLINE_LINE=${quote(words)} READLINE_POINT=1; ` +
            `_gpt4o_propose; ${show}`,
        );
        assert.deepEqual(run, {
          code: 0,
          stdout: expected.stdout,
          stderr: expected.stderr,
        });
        assert.deepEqual(
          await p.asked(),
          expected.asked
            ? { args: ["-e", "--no-reasoning", "--", words], stdin: "" }
            : undefined,
        );
      });
    }
  },
);

/** How each shell starts at a prompt, the script sourced with GPT4O_BIND_KEY=1. */
async function interactive(
  shell: ShellName,
  p: Awaited<ReturnType<typeof proposing>>,
): Promise<{ command: string[]; env: Record<string, string> }> {
  switch (shell) {
    case "bash": {
      const rc = `${p.dir}/bashrc`;
      await Deno.writeTextFile(
        rc,
        `PS1='READY> '\nGPT4O_BIND_KEY=1\nsource ${quote(p.script)}\n`,
      );
      return {
        command: ["bash", "--noprofile", "--rcfile", rc, "-i"],
        env: p.env,
      };
    }
    case "zsh":
      await Deno.writeTextFile(
        `${p.dir}/.zshrc`,
        "PS1='READY> '\nautoload -Uz compinit && compinit -u -D\n" +
          `GPT4O_BIND_KEY=1\nsource ${quote(p.script)}\n`,
      );
      return { command: ["zsh", "-i"], env: { ...p.env, ZDOTDIR: p.dir } };
    case "fish":
      return {
        command: [
          "fish",
          "--no-config",
          "-i",
          "-C",
          "function fish_prompt; echo -n 'READY> '; end; " +
          `set -g GPT4O_BIND_KEY 1; source ${quote(p.script)}`,
        ],
        env: p.env,
      };
  }
}

shellTest(
  "at a terminal, Alt+K puts the command gpt4o -e proposes on the line, the flag above it, and Enter runs it",
  SHELLS,
  async (shell) => {
    // What the terminal would act on is left out of both.
    await using p = await proposing(shell, {
      command: "printf '%s-%s\\n' ran 'pro\x1b[1mposal'",
      said: "flagged: it \x1b[2Jonly prints\n",
    });
    const { command, env } = await interactive(shell, p);
    const terminal = shellAtTerminal(command, env);
    await terminal.shown("READY> ");
    await terminal.type("list my files");
    await terminal.shown("files");
    const mark = terminal.length;
    await terminal.type("\x1bk");
    await terminal.shown("flagged: it [2Jonly prints", mark);
    await terminal.shown("pro[1mposal'", mark);
    await terminal.type("\r");
    await terminal.shown("ran-pro[1mposal", mark);
    await terminal.type("exit\r");
    const { code, raw } = await terminal.end();
    assert.equal(code, 0, raw);
    assert.deepEqual(await p.asked(), {
      args: ["-e", "--no-reasoning", "--", "list my files"],
      stdin: "",
    });
    // The words themselves never ran.
    assert.doesNotMatch(raw, /not found|Unknown command/);
  },
  { terminal: true },
);
