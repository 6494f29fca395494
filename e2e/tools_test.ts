/**
 * End to end: tools from real MCP servers nobody here wrote, run from npm in
 * Deno's sandbox (`@modelcontextprotocol/server-filesystem`), with the local
 * test server playing a model that calls them; consent at a real terminal;
 * and no server left running once the program ends.
 */
import assert from "node:assert/strict";
import {
  atTerminal,
  e2e,
  hasScript,
  installed,
  launchedFlags,
  MAIN,
  PASSED_ENV,
  program,
  seen,
  SHIM,
  SKIP_HINT,
  spawn,
  TESTDATA,
  TMP,
  until,
} from "../testdata/e2e.ts";
import { startServer } from "../testdata/server.ts";
import { Screen } from "../testdata/screen.ts";
import { assertOpenAIRequest, assertToolSequence } from "../testdata/openai.ts";

const FILESYSTEM = "npm:@modelcontextprotocol/server-filesystem@2026.8.31";
const EVERYTHING = "npm:@modelcontextprotocol/server-everything@2026.8.31";
const TEST_SERVER = `${TESTDATA}mcp_server.ts`;

/** A folder of notes, and a config file whose `files` server may read it alone. */
async function notes(): Promise<
  AsyncDisposable & { dir: string; config: string }
> {
  await Deno.mkdir(TMP, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: TMP, prefix: "tools-" });
  await Deno.mkdir(`${dir}/notes`);
  await Deno.writeTextFile(`${dir}/notes/court.md`, "Certiorari is granted.\n");
  await Deno.writeTextFile(`${dir}/secret.txt`, "not for the model\n");
  const config = `${dir}/config.toml`;
  await Deno.writeTextFile(
    config,
    `[mcp.files]
module = "${FILESYSTEM}"
args = ["${dir}/notes"]
allow_read = ["${dir}/notes"]

[mcp.t]
module = "${TEST_SERVER}"
allow_write = ["${dir}"]

[mcp.every]
module = "${EVERYTHING}"
`,
  );
  return {
    dir,
    config,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

const calls = (...list: [string, Record<string, unknown>][]) =>
  JSON.stringify({
    calls: list.map(([name, args]) => ({ name, arguments: args })),
  });

e2e(
  "-T files: the filesystem server reads a note in its grant, refuses a file outside it, and -c sends the rounds again in order",
  async (server) => {
    await using folder = await notes();
    const env = { GPT4O_CONFIG: folder.config };
    const prompt = calls(
      ["read_text_file", { path: `${folder.dir}/notes/court.md` }],
      ["read_text_file", { path: `${folder.dir}/secret.txt` }],
    );
    const run = await program(["-T", "files", "--yes", prompt], {
      baseURL: server.url("tools"),
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^The tools said: Certiorari is granted\.\n \| error: Access denied - path outside allowed directories: .*secret\.txt not in .*notes\n$/,
    );
    const lines = run.stderr.split("\n");
    assert.match(
      lines[0],
      /^tool files\.read_text_file \{"path":".*court\.md"\}: 23 characters \(\d+ ms\)$/,
    );
    assert.match(
      lines[1],
      /^tool files\.read_text_file \{"path":".*secret\.txt"\}: failed: Access denied/,
    );
    assert.equal(lines.length, 3);

    const again = await program(["-c", "-T", "files", "--yes", prompt], {
      baseURL: server.url("tools"),
      env,
    });
    assert.equal(again.code, 0, again.stderr);
    const requests = server.requests.get("tools")!;
    assert.equal(requests.length, 4);
    for (const body of requests) {
      assertOpenAIRequest(body);
      assertToolSequence(body.messages!);
    }
    // The follow-up's first request holds the first turn's round whole.
    const roles = requests[2].messages!.map((each) =>
      (each as { role: string }).role
    );
    assert.deepEqual(roles, [
      "system",
      "user",
      "assistant",
      "tool",
      "tool",
      "assistant",
      "user",
    ]);
  },
);

e2e(
  "a write the sandbox refuses: the model and the user read the config's fix, not Deno's flag",
  async (server) => {
    await using folder = await notes();
    const path = `${folder.dir}/notes/new.md`;
    const run = await program([
      "-T",
      "files",
      "--yes",
      calls(["write_file", { path, content: "x" }]),
    ], { baseURL: server.url("tools"), env: { GPT4O_CONFIG: folder.config } });
    assert.equal(run.code, 0, run.stderr);
    const fix = `Requires write access to "${path}": add it to allow_write ` +
      "in [mcp.files] of the config file";
    assert.equal(run.stdout, `The tools said: error: ${fix}\n`);
    assert.match(
      run.stderr,
      new RegExp(
        `^tool files\\.write_file \\{"path":"[^"]+","content":"x"\\}: ` +
          `failed: ${RegExp.escape(fix)} \\(\\d+ ms\\)\\n$`,
      ),
    );
  },
);

e2e(
  "a command server whose program is not installed: exit 2, one line naming the program",
  async (server) => {
    await using folder = await notes();
    const config = `${folder.dir}/missing.toml`;
    await Deno.writeTextFile(
      config,
      '[mcp.git]\ncommand = "gpt4o-no-such-program"\n',
    );
    const run = await program(["-T", "git", "Hi"], {
      baseURL: server.url("tools"),
      env: { GPT4O_CONFIG: config },
    });
    assert.deepEqual(seen(run), {
      code: 2,
      stdout: "",
      stderr: "tool server git did not start: gpt4o-no-such-program was not " +
        "found: install it, or give its full path as command in [mcp.git] " +
        "of the config file\n",
    });
    assert.equal(server.requests.get("tools"), undefined);
  },
);

e2e(
  "the everything server's shapes: text, an image, structured content, a resource, progress, and an environment with nothing in it",
  async (server) => {
    await using folder = await notes();
    const run = await program([
      "-T",
      "every",
      "--yes",
      calls(
        ["get-sum", { a: 2, b: 3 }],
        ["get-tiny-image", {}],
        ["get-structured-content", { location: "New York" }],
        ["get-resource-reference", { resourceType: "Text", resourceId: 1 }],
        ["trigger-long-running-operation", { duration: 0, steps: 1 }],
        ["get-env", {}],
      ),
    ], { baseURL: server.url("tools"), env: { GPT4O_CONFIG: folder.config } });
    assert.equal(run.code, 0, run.stderr);
    const results = run.stdout.replace(/^The tools said: /, "").split(" | ");
    assert.equal(results.length, 6, run.stdout);
    assert.equal(results[0], "The sum of 2 and 3 is 5.");
    assert.match(
      results[1],
      /\n\[image image\/png, not shown to the model\]\n/,
    );
    assert.match(
      results[2],
      /^\{"temperature":\d+,"conditions":"\w+","humidity":\d+\}$/,
    );
    assert.match(results[3], /Resource 1: This is a plaintext resource/);
    assert.match(results[4], /^Long running operation completed\./);
    // It may read no variable: the key is not there, nor any other.
    assert.equal(results[5], "{}\n");
  },
);

e2e(
  "--list-tools starts the sandboxed server and lists its tools",
  async (server) => {
    await using folder = await notes();
    const run = await program(["--list-tools", "-T", "files"], {
      baseURL: server.url("tools"),
      env: { GPT4O_CONFIG: folder.config },
    });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split("\n");
    assert.equal(lines[0], `files (sandboxed: read ${folder.dir}/notes)`);
    assert.match(
      run.stdout,
      /\n {2}read_text_file +Read the complete contents/,
    );
    assert.equal(server.requests.get("tools"), undefined);
  },
);

e2e(
  "SIGTERM during a tool call ends the program and its server with it",
  async (server) => {
    await using folder = await notes();
    const beat = `${folder.dir}/beat`;
    const child = spawn(["-T", "t", "--yes", calls(["beat", { path: beat }])], {
      baseURL: server.url("tools"),
      env: { GPT4O_CONFIG: folder.config },
    });
    const exists = () => {
      try {
        return Deno.readTextFileSync(beat) !== "";
      } catch {
        return false;
      }
    };
    await until(exists); // the call is running
    child.kill("SIGTERM");
    const [status] = await Promise.all([
      child.status,
      child.stdout.cancel(),
      child.stderr.cancel(),
    ]);
    assert.equal(status.code, 143);
    const last = Deno.readTextFileSync(beat);
    await new Promise((resolve) => setTimeout(resolve, 200)); // ten beats
    assert.equal(Deno.readTextFileSync(beat), last, "the server still runs");
  },
);

for (const target of ["main.ts", "installed gpt4o"] as const) {
  Deno.test({
    name:
      "in the chat at a real terminal, a tool call is asked about and runs " +
      `on y [${target}]` + (hasScript ? "" : ` (${SKIP_HINT})`),
    ignore: !hasScript,
    async fn() {
      if (target === "installed gpt4o") await installed();
      await using server = startServer();
      await using folder = await notes();
      const env = { ...PASSED_ENV, GPT4O_CONFIG: folder.config };
      const args = ["--chat", "-T", "files", "--no-history"];
      const command = target === "main.ts"
        ? ["deno", "run", ...launchedFlags(env, args), MAIN, ...args]
        : [SHIM, ...args];
      const terminal = atTerminal(command, server.url("tools"), {
        env: { GPT4O_CONFIG: folder.config },
      });
      await terminal.shown("> ");
      const path = `${folder.dir}/notes/court.md`;
      await terminal.type(`${calls(["read_text_file", { path }])}\r`);
      await terminal.shown("[v]iew: ");
      await terminal.type("y\r");
      await terminal.shown("The tools said: Certiorari is granted.");
      await terminal.shown("> ", terminal.find("The tools said"));
      await terminal.type("\x04");
      const { code, output } = await terminal.end();
      assert.equal(code, 0, output);
      assert.ok(
        output.includes(
          `tool files.read_text_file {"path":${JSON.stringify(path)}}: ` +
            "run it? [y]es, [n]o, [a]lways for this tool, [v]iew: y\n",
        ),
        output,
      );
    },
  });
}

e2e(
  "a command server's environment holds PATH, HOME and what its config names, never the key the program was given nor any other variable",
  async (server) => {
    await using folder = await notes();
    const config = `${folder.dir}/command.toml`;
    // The deno it runs finds its cache through env: HOME is the tests' own.
    await Deno.writeTextFile(
      config,
      `[mcp.c]
command = "deno"
args = ["run", "--no-prompt", "--no-config", "--cached-only", "--allow-env", "${TEST_SERVER}"]
allow_env = ["GPT4O_NOTES"]
env = { DENO_DIR = ${JSON.stringify(PASSED_ENV.DENO_DIR)} }
`,
    );
    const run = await program(
      ["-T", "c", "--yes", calls(["env", { name: "*" }])],
      {
        baseURL: server.url("tools"),
        env: {
          GPT4O_CONFIG: config,
          GPT4O_NOTES: "/home/me/notes",
          GPT4O_WORK_KEY: "sk-work-0123456789abcdef0123",
          HTTPS_PROXY: "http://127.0.0.1:9",
        },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      `The tools said: ${
        JSON.stringify({
          // A value of the env table is masked like a key.
          DENO_DIR: "[redacted]",
          GPT4O_NOTES: "/home/me/notes",
          HOME: PASSED_ENV.HOME,
          NO_COLOR: "1",
          PATH: PASSED_ENV.PATH,
        })
      }\n`,
    );
  },
);

/** The program, `args` given, at a real terminal with the notes' config. */
function atTerminalWithTools(
  target: "main.ts" | "installed gpt4o",
  server: { url: (name: string) => string },
  config: string,
  args: string[],
) {
  const env = { ...PASSED_ENV, GPT4O_CONFIG: config };
  const command = target === "main.ts"
    ? ["deno", "run", ...launchedFlags(env, args), MAIN, ...args]
    : [SHIM, ...args];
  return atTerminal(command, server.url("tools"), {
    env: { GPT4O_CONFIG: config },
  });
}

for (const target of ["main.ts", "installed gpt4o"] as const) {
  Deno.test({
    name:
      "at a real terminal, a call whose key hides 2,600 blank characters and " +
      "a made-up path is asked about in one screen, the real path before " +
      `run it? [${target}]` + (hasScript ? "" : ` (${SKIP_HINT})`),
    ignore: !hasScript,
    async fn() {
      if (target === "installed gpt4o") await installed();
      await using server = startServer();
      await using folder = await notes();
      const hostile = {
        [`${"\u2800".repeat(2600)}"path": "README.md"`]: "",
        path: ".git/hooks/pre-commit",
      };
      const terminal = atTerminalWithTools(target, server, folder.config, [
        "--no-history",
        "-T",
        "t",
        calls(["echo", hostile]),
      ]);
      await terminal.shown("[a]lways for this tool");
      // What an 80x24 window shows (the size the program was told).
      const window = new Screen({ columns: 80, rows: 24 })
        .write(terminal.raw).window;
      const start = window.indexOf("tool t.echo ");
      const path = window.indexOf('"path":".git/hooks/pre-commit"');
      const question = window.indexOf("run it? [y]es, [n]o");
      assert.ok(start >= 0 && start < path && path < question, window);
      assert.ok(!window.includes("\u2800"), window);
      await terminal.type("n\r");
      const { code, output } = await terminal.end();
      assert.equal(code, 0, output);
      assert.ok(
        output.includes(
          `tool t.echo {"⟨U+2800⟩⟨U+2800⟩"…(+2600)"ath\\": \\"README.md\\"":` +
            `"","path":".git/hooks/pre-commit"}: run it? [y]es, [n]o, ` +
            "[a]lways for this tool, [v]iew: n\ntool t.echo declined\n" +
            "The tools said: error: the user declined this call\n",
        ),
        output,
      );
    },
  });

  Deno.test({
    name: "at a real terminal, a y typed before the question shows does not " +
      `answer it: only what is typed after does [${target}]` +
      (hasScript ? "" : ` (${SKIP_HINT})`),
    ignore: !hasScript,
    async fn(t) {
      if (target === "installed gpt4o") await installed();
      await using server = startServer();
      await using folder = await notes();
      for (
        const [after, said] of [
          ["n", "error: the user declined this call"],
          ["y", "typed ahead"],
        ] as const
      ) {
        await t.step(`y typed ahead, ${after} after`, async () => {
          const terminal = atTerminalWithTools(
            target,
            server,
            folder.config,
            [
              "--no-history",
              "-T",
              "t",
              calls(["echo", { text: "typed ahead" }]),
            ],
          );
          // Typed as the program starts, long before it asks.
          await terminal.type("y\r");
          await terminal.shown("[v]iew: ");
          const mark = terminal.length;
          await terminal.type(`${after}\r`);
          await terminal.shown("The tools said: ", mark);
          const { code, output } = await terminal.end();
          assert.equal(code, 0, output);
          assert.match(
            output,
            new RegExp(
              `^y\n.*\\[v\\]iew: ${after}\n.*\nThe tools said: ${said}\n$`,
            ),
          );
        });
      }
    },
  });
}
