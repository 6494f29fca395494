/** End to end: -e at a real terminal, each answer to its question, and the chat's /execute. */
import assert from "node:assert/strict";
import {
  atTerminal,
  command,
  eachTarget,
  hasScript,
  program,
  SKIP_HINT,
  type Target,
  terminalTest,
  TMP,
} from "../testdata/e2e.ts";
import { DESCRIBED, type FakeServer, startServer } from "../testdata/server.ts";
import { dangerOf } from "../src/shell/danger.ts";

const QUESTION = "[e]xecute, [m]odify, [d]escribe, [c]opy, [a]bort: ";
const YES = "Type yes to run it, anything else aborts: ";

/** A command that shows whether it ran: the terminal shows 42 only then. */
const ANSWER = 'echo "answer $((6 * 7))"';

/**
 * A test of `-e` at a terminal, once for each of `targets`, with a fresh
 * history and a server of its own whose model proposes the task itself
 * as the command (the `shell` scenario); `start` runs `gpt4o -e TASK`.
 */
function executeTest(
  name: string,
  targets: Target[],
  fn: (
    start: (
      task: string,
      options?: { cwd?: string; env?: Record<string, string> },
    ) => ReturnType<typeof atTerminal>,
    server: FakeServer,
  ) => Promise<void>,
) {
  eachTarget(name, targets, (each, server) =>
    fn(
      (task, options = {}) =>
        atTerminal(
          command(each, ["-e", task], options.env),
          server.url("shell"),
          options,
        ),
      server,
    ));
}

executeTest(
  "-e at a terminal: e runs the command in the user's shell with the terminal, and its exit code is the program's",
  ["main.ts", "installed gpt4o"],
  async (start) => {
    const terminal = start(
      'read line; printf "got %s\\n" "$line"; exit 3',
    );
    await terminal.shown(QUESTION);
    await terminal.type("e");
    await terminal.shown("execute\r\n");
    await terminal.type("typed for the command\r");
    const { code, output } = await terminal.end();
    assert.equal(code, 3, output);
    assert.match(
      output,
      /│ read line; printf "got %s\\n" "\$line"; exit 3\n└─+\n/,
    );
    assert.ok(
      output.endsWith(
        `${QUESTION}execute\ntyped for the command\ngot typed for the command\n`,
      ),
      output,
    );
  },
);

executeTest(
  "-e at a terminal: m edits the command in place, and the edited one is asked about and run",
  ["main.ts"],
  async (start) => {
    // A terminal that edits lines: readline takes a dumb one's keys as text.
    const terminal = start("echo one", { env: { TERM: "xterm" } });
    await terminal.shown(QUESTION);
    await terminal.type("m");
    await terminal.shown("modify");
    await terminal.shown("echo one", terminal.find("modify"));
    await terminal.type("\x7f\x7f\x7ftwo\r");
    await terminal.shown("│ echo two");
    await terminal.shown(QUESTION, terminal.find("│ echo two"));
    await terminal.type("e");
    const { code, raw } = await terminal.end();
    assert.equal(code, 0, raw);
    const shown = raw.replaceAll("\x1b[?2004l", "");
    assert.ok(shown.endsWith(`${QUESTION}execute\r\ntwo\r\n`), raw);
  },
);

executeTest(
  "-e at a terminal: d shows the model's description and asks again; a then runs nothing",
  ["main.ts", "installed gpt4o"],
  async (start) => {
    const terminal = start(ANSWER);
    await terminal.shown(QUESTION);
    await terminal.type("d");
    await terminal.shown(DESCRIBED);
    await terminal.shown(QUESTION, terminal.find(DESCRIBED));
    await terminal.type("a");
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.ok(output.includes(`describe\n${DESCRIBED}\n┌─ bash`), output);
    assert.ok(output.endsWith(`${QUESTION}abort\n`), output);
    assert.ok(!output.includes("answer 42"), output);
  },
);

executeTest(
  "-e at a terminal: c puts the command on the clipboard through the terminal (OSC 52), and ends",
  ["main.ts"],
  async (start) => {
    const terminal = start(ANSWER);
    await terminal.shown(QUESTION);
    await terminal.type("c");
    const { code, output, raw } = await terminal.end();
    assert.equal(code, 0, output);
    const encoded = new TextEncoder().encode(ANSWER).toBase64();
    assert.ok(raw.includes(`\x1b]52;c;${encoded}\x07`), raw);
    assert.ok(
      output.endsWith(
        `${QUESTION}copy\ncopied the command (1 line) to the clipboard, ` +
          "through the terminal (OSC 52)\n",
      ),
      output,
    );
  },
);

executeTest(
  "-e at a terminal: a, Enter and Ctrl-C run nothing; abort exits 0, Ctrl-C 130",
  ["main.ts"],
  async (start) => {
    for (
      const [key, code, said] of [["a", 0, "abort"], ["\r", 0, "abort"], [
        "\x03",
        130,
        "^C",
      ]] as const
    ) {
      const terminal = start(ANSWER);
      await terminal.shown(QUESTION);
      await terminal.type(key);
      const ended = await terminal.end();
      assert.equal(ended.code, code, ended.output);
      assert.ok(ended.output.endsWith(`${QUESTION}${said}\n`), ended.output);
      assert.ok(!ended.output.includes("answer 42"), ended.output);
    }
  },
);

executeTest(
  "-e at a terminal: keys typed before the question shows do not answer it",
  ["main.ts", "installed gpt4o"],
  async (start) => {
    const terminal = start(ANSWER);
    await terminal.type("e\r"); // before anything shows
    await terminal.shown(QUESTION);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(!terminal.raw.includes("execute"), terminal.raw);
    await terminal.type("a");
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.ok(output.endsWith(`${QUESTION}abort\n`), output);
    assert.ok(!output.includes("answer 42"), output);
  },
);

executeTest(
  "-e at a terminal: a flagged command shows why; after e, y alone does not run it, and yes does",
  ["main.ts", "installed gpt4o"],
  async (start) => {
    Deno.mkdirSync(TMP, { recursive: true });
    const cwd = await Deno.makeTempDir({ dir: TMP, prefix: "flagged-" });
    try {
      Deno.mkdirSync(`${cwd}/build`);
      for (
        const [typed, removed] of [["y\r", false], ["yes\r", true]] as const
      ) {
        const terminal = start("rm -rf build", { cwd });
        await terminal.shown(QUESTION);
        for (const { reason } of dangerOf("rm -rf build", "sh")) {
          assert.ok(terminal.raw.includes(`\n  ⚠ ${reason}\r\n`), terminal.raw);
        }
        await terminal.type("e");
        await terminal.shown(YES);
        await terminal.type(typed);
        const { code, output } = await terminal.end();
        assert.equal(code, 0, output);
        let exists = true;
        try {
          Deno.statSync(`${cwd}/build`);
        } catch {
          exists = false;
        }
        assert.equal(exists, !removed, output);
      }
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
);

executeTest(
  "-e into a pipe prints the command alone and runs nothing; --show prints what was decided",
  ["main.ts", "installed gpt4o"],
  async (_, server) => {
    const piped = await program(["-e", ANSWER], {
      baseURL: server.url("shell"),
    });
    assert.deepEqual({
      code: piped.code,
      stdout: piped.stdout,
      stderr: piped.stderr,
    }, {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: "",
    });
    const shown = await program(["--show", "1"], {
      baseURL: server.url("shell"),
    });
    assert.ok(
      shown.stdout.endsWith(`\n$ ${ANSWER}  (printed, not run)\n`),
      shown.stdout,
    );
  },
);

terminalTest(
  "--chat /e at a terminal runs the command with the terminal, and the chat goes on",
  ["main.ts", "installed gpt4o"],
  async (chat, server) => {
    const terminal = atTerminal(chat, server.url("shell"));
    await terminal.shown("> ");
    await terminal.type('/e read line; echo "got $line"\r');
    await terminal.shown(QUESTION);
    await terminal.type("e");
    await terminal.shown("execute\r\n");
    await terminal.type("typed\r");
    await terminal.shown("got typed\r\n");
    await terminal.shown("> ", terminal.find("got typed\r\n"));
    await terminal.type("\x04");
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.ok(
      output.endsWith(`${QUESTION}execute\ntyped\ngot typed\n> \n`),
      output,
    );
  },
);

Deno.test({
  name:
    "deno run main.ts -e at a terminal without --allow-run for the shell stops in one line, before anything is sent" +
    (hasScript ? "" : ` (${SKIP_HINT})`),
  ignore: !hasScript,
  async fn() {
    await using server = startServer();
    const flags = command("main.ts", ["-e", ANSWER]).filter((flag) =>
      !flag.startsWith("--allow-run")
    );
    const terminal = atTerminal(flags, server.url("shell"));
    const { code, output } = await terminal.end();
    assert.deepEqual({ code, output }, {
      code: 2,
      output: "-e runs the command in your shell, sh, and this run may not " +
        "start it: use the gpt4o command or deno task start, or give deno " +
        "run --allow-run=sh\n",
    });
    assert.equal(server.requests.get("shell"), undefined);
  },
});
