/**
 * End to end: the installed `gpt4o` and the tasks as a user runs them every
 * day, the artefact itself under test: its history is closed, its
 * permissions follow the environment of each run, and it never prompts.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startServer } from "../testdata/server.ts";
import { existsSync } from "../testdata/harness.ts";
import {
  atTerminal,
  BUNDLE,
  freshHistory,
  hasBash,
  hasScript,
  HISTORY,
  installed,
  KEY,
  launchedFlags,
  MAIN,
  PASSED_ENV,
  permitted,
  SHIM,
  SKIP_HINT,
  TMP,
} from "../testdata/e2e.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** A test of the installed command (and the tasks), in a folder of its own. */
function installedTest(
  name: string,
  fn: (dir: string) => Promise<void>,
  needs = permitted,
) {
  Deno.test({
    name: needs ? name : `${name} (${SKIP_HINT})`,
    ignore: !needs,
    async fn() {
      await installed();
      await freshHistory();
      const dir = await Deno.makeTempDir({ dir: TMP, prefix: "installed-" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `args` in a clean environment: the tests' own plus `env`. */
async function run(
  command: string[],
  env: Record<string, string> = {},
  { stdin, cwd = ROOT }: { stdin?: string; cwd?: string } = {},
): Promise<Ran> {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd,
    clearEnv: true,
    env: { ...PASSED_ENV, NO_COLOR: "1", OPENAI_API_KEY: KEY, ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  const ran = {
    code,
    stdout: decoder.decode(stdout),
    stderr: decoder.decode(stderr),
  };
  assert.ok(!ran.stdout.includes(KEY) && !ran.stderr.includes(KEY));
  return ran;
}

/** The prompts saved in a database file, read from that file alone. */
function savedPrompts(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT prompt FROM exchanges ORDER BY id").all()
      .map((row) => row.prompt as string);
  } finally {
    db.close();
  }
}

/** The two everyday ways to run it: the installed command and the start task. */
const WAYS: [string, string[]][] = [
  ["installed gpt4o", [SHIM]],
  ["deno task start", ["deno", "task", "--quiet", "start"]],
];

installedTest(
  "the installed command closes its history: the database file alone holds the exchange",
  async (dir) => {
    await using server = startServer();
    const ran = await run([SHIM, "Who decides?"], {
      OPENAI_BASE_URL: server.url("echo"),
    });
    assert.deepEqual(ran, { code: 0, stdout: "1: Who decides?\n", stderr: "" });
    // Closed, SQLite folds its write-ahead log into the file and removes it.
    assert.deepEqual(
      [...Deno.readDirSync(HISTORY)].map((entry) => entry.name),
      ["history.db"],
    );
    Deno.copyFileSync(`${HISTORY}/history.db`, `${dir}/copy.db`);
    assert.deepEqual(savedPrompts(`${dir}/copy.db`), ["Who decides?"]);
  },
);

installedTest(
  "a 120-turn piped chat of the installed command under ulimit -n 64 saves every turn",
  async () => {
    await using server = startServer();
    const lines = Array.from({ length: 120 }, (_, i) => `turn ${i + 1}`);
    const ran = await run(
      ["bash", "-c", 'ulimit -n 64 && exec "$0" --chat', SHIM],
      { OPENAI_BASE_URL: server.url("echo") },
      { stdin: `${lines.join("\n")}\n` },
    );
    assert.equal(ran.stderr, "");
    assert.equal(ran.code, 0);
    assert.deepEqual(savedPrompts(`${HISTORY}/history.db`), lines);
  },
  permitted && hasBash,
);

installedTest(
  "the history follows XDG_DATA_HOME and GPT4O_HISTORY as they are when it runs",
  async (dir) => {
    await using server = startServer();
    for (const [way, command] of WAYS) {
      const places: [Record<string, string>, string][] = [
        [{ XDG_DATA_HOME: `${dir}/data` }, `${dir}/data/gpt4o/history.db`],
        [
          { GPT4O_HISTORY: `${dir}/any/folder/file.db` },
          `${dir}/any/folder/file.db`,
        ],
      ];
      for (const [env, path] of places) {
        await Deno.remove(`${dir}/data`, { recursive: true }).catch(() => {});
        await Deno.remove(`${dir}/any`, { recursive: true }).catch(() => {});
        const ran = await run([...command, "Where?"], {
          OPENAI_BASE_URL: server.url("echo"),
          ...env,
        });
        assert.deepEqual(ran, {
          code: 0,
          stdout: "1: Where?\n",
          stderr: "",
        }, `${way} ${JSON.stringify(env)}`);
        assert.deepEqual(savedPrompts(path), ["Where?"], way);
      }
    }
    assert.throws(() => Deno.statSync(HISTORY), Deno.errors.NotFound);
  },
);

installedTest(
  "a HOME with a comma grants no folder it names, and the answer comes with one line",
  async (dir) => {
    await using server = startServer();
    const home = `${dir}/c,${dir}/d`;
    Deno.mkdirSync(home, { recursive: true });
    for (const [way, command] of WAYS) {
      const ran = await run([...command, "Hi"], {
        OPENAI_BASE_URL: server.url("echo"),
        HOME: home,
      });
      assert.deepEqual(ran, {
        code: 0,
        stdout: "1: Hi\n",
        stderr:
          `history not saved: cannot open the history at ${home}/.local/` +
          "share/gpt4o/history.db: its folder's path holds a comma, which " +
          "Deno's permission flags cannot name: set GPT4O_HISTORY to a file " +
          "in a folder without one\n",
      }, way);
    }
    assert.deepEqual([...Deno.readDirSync(home)], [], "nothing was written");
  },
);

installedTest(
  "the installed command runs with the Deno that installed it, whatever is on PATH",
  async (dir) => {
    await using server = startServer();
    const ran = await run([SHIM, "Hi"], {
      OPENAI_BASE_URL: server.url("echo"),
      PATH: `${dir}/no-deno-here`,
    });
    assert.deepEqual(ran, { code: 0, stdout: "1: Hi\n", stderr: "" });
  },
);

installedTest(
  "the installed command needs nothing from this folder: it may move or go",
  async (dir) => {
    await using server = startServer();
    // The tests install under .tmp/ here; nothing else of the clone is named.
    const clone = ["main.ts", "src/", "dist/", "deno.json", "node_modules/"]
      .map((name) => `${ROOT}${name}`);
    for (const file of [SHIM, BUNDLE]) {
      const text = Deno.readTextFileSync(file);
      assert.deepEqual(clone.filter((path) => text.includes(path)), [], file);
    }
    const ran = await run([SHIM, "Hi"], {
      OPENAI_BASE_URL: server.url("echo"),
    }, { cwd: dir });
    assert.deepEqual(ran, { code: 0, stdout: "1: Hi\n", stderr: "" });
  },
);

installedTest(
  "a GPT4O_HISTORY from .env outside the granted folder never prompts at a terminal: the answer, then one line",
  async (dir) => {
    await using server = startServer();
    Deno.writeTextFileSync(
      `${dir}/.env`,
      `GPT4O_HISTORY=${dir}/elsewhere/h.db\n`,
    );
    const commands: [string, string[]][] = [
      ["main.ts", ["deno", "run", ...launchedFlags(), MAIN, "Hi"]],
      ["installed gpt4o", [SHIM, "Hi"]],
    ];
    for (const [way, command] of commands) {
      const terminal = atTerminal(command, server.url("echo"), { cwd: dir });
      const { code, output } = await terminal.end();
      assert.deepEqual({ code, output }, {
        code: 0,
        output: "1: Hi\nhistory not saved: cannot open the history at " +
          `${dir}/elsewhere/h.db: this run may not write its folder: set ` +
          "GPT4O_HISTORY in the environment, not in .env (gpt4o and deno " +
          "task start grant the folder it names), or give deno run " +
          `--allow-read=${dir}/elsewhere --allow-write=${dir}/elsewhere\n`,
      }, way);
    }
    assert.throws(
      () => Deno.statSync(`${dir}/elsewhere`),
      Deno.errors.NotFound,
    );
  },
  permitted && hasScript,
);

Deno.test({
  name:
    "deno task install says where the command went and how to put it on PATH" +
    (permitted ? "" : ` (${SKIP_HINT})`),
  ignore: !permitted,
  async fn() {
    const root = await Deno.makeTempDir({ dir: TMP, prefix: "root-" });
    try {
      const ran = await run(["deno", "task", "--quiet", "install"], {
        DENO_INSTALL_ROOT: root,
      });
      const deno = (await run(["deno", "eval", "console.log(Deno.execPath())"]))
        .stdout.trim();
      assert.deepEqual(ran, {
        code: 0,
        stdout: `installed ${root}/bin/gpt4o\n` +
          `  it runs ${root}/lib/gpt4o/gpt4o.js with ${deno}\n` +
          `${root}/bin is not on your PATH: add  export PATH="${root}/bin:$PATH"  ` +
          "to ~/.profile (or your shell's rc file), then open a new terminal\n",
        stderr: "",
      });
      // A reinstall keeps the chunks of the install before it (a chat
      // started earlier may yet load one) and removes older ones.
      const lib = `${root}/lib/gpt4o`;
      const chunks = Deno.readTextFileSync(`${lib}/chunks.txt`);
      assert.match(chunks, /^markdown-[A-Z0-9]{8}\.js$/m);
      Deno.writeTextFileSync(
        `${lib}/chunks.txt`,
        `${chunks}kept-BBBBBBBB.js\n`,
      );
      Deno.writeTextFileSync(`${lib}/kept-BBBBBBBB.js`, "");
      Deno.writeTextFileSync(`${lib}/gone-AAAAAAAA.js`, "");
      const again = await run(["deno", "task", "--quiet", "install"], {
        DENO_INSTALL_ROOT: root,
      });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(
        {
          kept: existsSync(`${lib}/kept-BBBBBBBB.js`),
          gone: existsSync(`${lib}/gone-AAAAAAAA.js`),
          listed: Deno.readTextFileSync(`${lib}/chunks.txt`),
        },
        { kept: true, gone: false, listed: chunks },
      );
      const removed = await run(["deno", "task", "--quiet", "uninstall"], {
        DENO_INSTALL_ROOT: root,
      });
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual(
        [...Deno.readDirSync(`${root}/bin`)].concat([
          ...Deno.readDirSync(`${root}/lib`),
        ]),
        [],
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
