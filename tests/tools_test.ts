/**
 * Tools in-process: the program run whole with a model that calls tools
 * (`toolModel` of the test server) and a real tool server process
 * (`testdata/mcp_server.ts`) started in Deno's sandbox as the config says.
 */
import assert from "node:assert/strict";
import stringWidth from "string-width";
import {
  CONFIG_PATH,
  historyTest,
  KEY,
  run,
  savedTurns,
  tempFolder,
} from "../testdata/harness.ts";
import { toolModel } from "../testdata/server.ts";
import { assertToolSequence } from "../testdata/openai.ts";
import { startHttpToolServer } from "../testdata/mcp_http.ts";
import { completion } from "../testdata/fixtures.ts";
import { testWith } from "../testdata/permissions.ts";
import {
  calls,
  canRun,
  DENO_ENV,
  FILES,
  LISTED,
  toolTest,
  withTools,
} from "../testdata/tools.ts";
import { LINE_LIMIT } from "../src/tools/limits.ts";
import { TOOL_ARGUMENTS_BYTES } from "../src/tools/limits.ts";

toolTest(
  "with --yes the model's call runs, its result goes back as a tool message, and the answer is printed",
  async () => {
    const { code, stdout, stderr, requests } = await withTools([
      "-T",
      "t",
      "--yes",
      calls(["echo", { text: "hi there" }]),
    ]);
    assert.equal(code, 0);
    assert.equal(stdout, "The tools said: hi there\n");
    assert.match(
      stderr,
      /^tool t\.echo \{"text":"hi there"\}: 8 characters \(\d+ ms\)\n$/,
    );
    assert.equal(requests.length, 2);
    const offered = requests[0].body.tools as {
      function: { name: string; description: string };
    }[];
    assert.deepEqual(offered.map((tool) => tool.function.name), [
      "echo",
      "read",
      "env",
      "slow",
      "beat",
      "big",
      "import",
      "stall",
      "crash",
    ]);
    assert.deepEqual(requests[0].body.tools?.[0 as never], {
      type: "function",
      function: {
        name: "echo",
        description: "Says the text back.\nA second line.",
        parameters: {
          type: "object",
          properties: { text: { type: "string" } },
          required: ["text"],
        },
      },
    });
    assert.deepEqual((requests[1].body.messages as unknown[]).slice(2), [
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "call_0_0",
          type: "function",
          function: { name: "echo", arguments: '{"text":"hi there"}' },
        }],
      },
      { role: "tool", tool_call_id: "call_0_0", content: "hi there" },
    ]);
  },
);

toolTest(
  "streamed tool-call deltas, interleaved and split, are put together before the calls run",
  async () => {
    const { code, stdout, requests } = await withTools([
      "-T",
      "t",
      "--yes",
      "--stream",
      calls(["echo", { text: "one" }], ["echo", { text: "two, and more" }]),
    ]);
    assert.equal(code, 0);
    assert.equal(stdout, "The tools said: one | two, and more\n");
    const [call] = (requests[1].body.messages as { tool_calls?: unknown }[])
      .slice(2);
    assert.deepEqual(call.tool_calls, [
      {
        id: "call_0_0",
        type: "function",
        function: { name: "echo", arguments: '{"text":"one"}' },
      },
      {
        id: "call_0_1",
        type: "function",
        function: { name: "echo", arguments: '{"text":"two, and more"}' },
      },
    ]);
  },
);

toolTest(
  "consent on a terminal: y runs the call, n declines it, a runs it and the tool's later calls",
  async (t) => {
    const prompt = (text: string) =>
      `tool t.echo {"text":"${text}"}: run it? [y]es, [n]o, [a]lways for this tool, [v]iew: `;
    for (
      const [answers, asked, said] of [
        [["y", "y"], [prompt("1"), prompt("2")], "1 | 2"],
        [
          ["n", "yes"],
          [prompt("1"), prompt("2")],
          "error: the user declined this call | 2",
        ],
        [["a"], [prompt("1")], "1 | 2"],
        [
          ["", ""],
          [prompt("1"), prompt("2")],
          "error: the user declined this call | error: the user declined this call",
        ],
      ] as const
    ) {
      await t.step(answers.join(", ") || "Enter", async () => {
        const { code, stdout, stderr } = await withTools(
          ["-T", "t", calls(["echo", { text: "1" }], ["echo", { text: "2" }])],
          { terminal: true, lines: [...answers] },
        );
        assert.equal(code, 0);
        assert.equal(stdout, `${asked.join("")}The tools said: ${said}\n`);
        // On a terminal each line is dimmed.
        const line = (answer: string) =>
          /^(y|yes|a)$/.test(answer)
            ? "\x1b\\[2mtool t\\.echo \\{.*?\\}: 1 character \\(\\d+ ms\\)\x1b\\[22m"
            : "\x1b\\[2mtool t\\.echo declined\x1b\\[22m";
        const outcomes = answers[0] === "a" ? ["a", "a"] : answers;
        assert.match(
          stderr,
          new RegExp(`^${outcomes.map(line).join("\n")}\n$`),
        );
      });
    }
  },
);

toolTest(
  "without a terminal an unapproved call is refused, the model is told, and stderr says how to approve it; allow approves it",
  async () => {
    const refused = await withTools([
      "-T",
      "t",
      calls(["echo", { text: "x" }]),
    ]);
    assert.equal(refused.code, 0);
    assert.equal(
      refused.stdout,
      "The tools said: error: the user did not approve this call (no terminal " +
        "to ask); do not try it again\n",
    );
    assert.equal(
      refused.stderr,
      "tool t.echo refused: there is no terminal to ask; approve it with " +
        '--yes, or allow = ["echo"] in [mcp.t] of the config file\n',
    );
    const allowed = await withTools(
      ["-T", "t", calls(["echo", { text: "x" }])],
      {
        table: 'allow = ["echo"]',
      },
    );
    assert.equal(allowed.stdout, "The tools said: x\n");
  },
);

toolTest("the calls of one round run side by side", async () => {
  const { code, stdout } = await withTools([
    "-T",
    "t",
    "--yes",
    calls(["slow", { ms: 300 }], ["slow", { ms: 300 }]),
  ]);
  assert.equal(code, 0);
  // The server counts the calls running when each ends.
  assert.equal(
    stdout,
    "The tools said: slept 300 ms, 2 running | slept 300 ms, 2 running\n",
  );
});

toolTest(
  "a model that never stops calling tools is stopped at tool_rounds: exit 1, one line",
  async () => {
    const { code, stdout, stderr, requests } = await withTools(
      [
        "-T",
        "t",
        "--yes",
        JSON.stringify({
          calls: [{ name: "echo", arguments: { text: "again" } }],
          rounds: "forever",
        }),
      ],
      { more: "tool_rounds = 3" },
    );
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.equal(requests.length, 4);
    assert.equal(
      stderr.split("\n").at(-2),
      "the model called tools for 3 rounds without answering: stopped " +
        "(tool_rounds in the config file allows more)",
    );
  },
);

toolTest(
  "a server that crashes in the middle of a call: the model gets the error, stderr names the server",
  async () => {
    const { code, stdout, stderr } = await withTools([
      "-T",
      "t",
      "--yes",
      calls(["crash", {}]),
    ]);
    assert.equal(code, 0);
    assert.match(stdout, /^The tools said: error: the tool server t failed: /);
    assert.match(
      stderr,
      /^tool t\.crash: the server failed: .*\(it said: crash: giving up\)\n$/,
    );
  },
);

toolTest(
  "a sandboxed server reads only what it was granted: Deno refuses the rest, and the model is told",
  async () => {
    const inside = `${FILES}hello.py`;
    const { code, stdout } = await withTools([
      "-T",
      "t",
      "--yes",
      calls(["read", { path: inside }], ["read", { path: "/etc/hostname" }]),
    ]);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      `The tools said: ${
        Deno.readTextFileSync(inside)
      } | error: Requires read ` +
        'access to "/etc/hostname": add it to allow_read in [mcp.t] of the ' +
        "config file\n",
    );
  },
);

toolTest(
  "a server's environment holds no key: only what allow_env names, from its env table",
  async () => {
    const { stdout } = await withTools(
      [
        "-T",
        "t",
        "--yes",
        calls(
          ["env", { name: "OPENAI_API_KEY" }],
          ["env", { name: "HOME" }],
          ["env", { name: "NOTES" }],
        ),
      ],
      { table: 'allow_env = ["NOTES"]\nenv = { NOTES = "/notes" }' },
    );
    assert.equal(stdout, "The tools said: (unset) | (unset) | /notes\n");
  },
);

toolTest(
  "--list-tools lists each enabled server, its sandbox and its tools' first lines",
  async () => {
    const { code, stdout, requests } = await withTools([
      "--list-tools",
      "-T",
      "all",
    ]);
    assert.equal(code, 0);
    assert.equal(requests.length, 0);
    assert.equal(
      stdout,
      LISTED("t", `read ${FILES}`),
    );
  },
);

toolTest(
  "tools are off unless asked for; a name no [mcp] declares, or a server that does not start, is exit 2 with one line",
  async (t) => {
    await t.step("off", async () => {
      const { requests } = await withTools([calls(["echo", { text: "x" }])]);
      assert.equal(requests[0].body.tools, undefined);
    });
    await t.step("unknown", async () => {
      const { code, stderr, requests } = await withTools(["-T", "tt", "Hi"]);
      assert.equal(code, 2);
      assert.equal(
        stderr,
        `there is no tool server tt in ${CONFIG_PATH}: did you mean t?\n`,
      );
      assert.equal(requests.length, 0);
    });
    await t.step("does not start", async () => {
      const { code, stderr, requests } = await run(["-T", "gone", "Hi"], {
        config: '[mcp.gone]\nmodule = "/nowhere/server.ts"\n',
        env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH, ...DENO_ENV },
      });
      assert.equal(code, 2);
      assert.equal(
        stderr,
        "tool server gone did not start: its module /nowhere/server.ts " +
          'could not be loaded: Module not found "file:///nowhere/server.ts"; ' +
          "check module in [mcp.gone] of the config file\n",
      );
      assert.equal(requests.length, 0);
    });
  },
);

toolTest(
  "Ctrl-C at the question about a call stops the run: nothing runs, exit 130",
  async () => {
    const { code, stdout, stderr, requests } = await withTools(
      ["-T", "t", calls(["echo", { text: "x" }])],
      { terminal: true, lines: ["\x03"] },
    );
    assert.equal(code, 130);
    assert.equal(requests.length, 1);
    assert.equal(
      stdout,
      'tool t.echo {"text":"x"}: run it? [y]es, [n]o, [a]lways for this tool, [v]iew: ',
    );
    assert.equal(stderr, "interrupted\n");
  },
);

toolTest(
  "v at the question shows the call in full, masked and made visible, then asks again",
  async (t) => {
    const text = `${"x".repeat(300)}\u202e`;
    const args = { [`key ${KEY}`]: 1, text };
    const question =
      `tool t.echo {"key [redacted]":1,"text":"${"x".repeat(40)}"…(+228)"${
        "x".repeat(32)
      }⟨U+202E⟩"}: ` +
      "run it? [y]es, [n]o, [a]lways for this tool, [v]iew: ";
    const view = 'tool t.echo, in full:\n{\n  "key [redacted]": 1,\n' +
      `  "text": "${"x".repeat(300)}⟨U+202E⟩"\n}\n`;
    for (
      const [answers, said] of [
        [["v", "y"], `${"x".repeat(300)}\u202e`],
        [["view", "V", "n"], "error: the user declined this call"],
      ] as const
    ) {
      await t.step(answers.join(", "), async () => {
        const { code, stdout } = await withTools(
          ["-T", "t", calls(["echo", args])],
          { terminal: true, lines: [...answers] },
        );
        assert.equal(code, 0);
        assert.equal(
          stdout,
          `${question}${view}`.repeat(answers.length - 1) + question +
            `The tools said: ${said}\n`,
        );
      });
    }
  },
);

toolTest(
  "a hostile call's question fits the screen: a long key, many keys, the server's NOT sandboxed before them",
  async () => {
    const { code, stdout } = await withTools(
      [
        "-T",
        "t",
        calls(["echo", {
          [`${"\u2800".repeat(2600)}"path":"README.md"`]: "",
          path: ".git/hooks/pre-commit",
          ...Object.fromEntries(
            Array.from({ length: 40 }, (_, i) => [`k${i}`, "v".repeat(100)]),
          ),
        }]),
      ],
      { terminal: true, lines: ["n"], columns: 80, rows: 10 },
    );
    assert.equal(code, 0);
    const entry = `"${"v".repeat(40)}"…(+20)"${"v".repeat(40)}"`;
    assert.equal(
      stdout,
      `tool t.echo {"⟨U+2800⟩⟨U+2800⟩"…(+2599)"path\\":\\"README.md\\"":"",` +
        `"path":".git/hooks/pre-commit","k0":${entry},"k1":${entry},` +
        `"k2":${entry},"k3":${entry},…(+36 of 42 arguments)}: run it? ` +
        "[y]es, [n]o, " +
        "[a]lways for this tool, [v]iew: The tools said: error: the user " +
        "declined this call\n",
    );
    // The question takes at most the window's rows less two.
    const question = stdout.slice(0, stdout.indexOf("The tools said"));
    assert.ok(stringWidth(question) <= 80 * 8, `${stringWidth(question)}`);
  },
);

toolTest(
  "a call that takes longer than the server's timeout: the model gets the error, and the server, which stays, is stopped",
  async () => {
    const { code, stdout, stderr } = await withTools(
      ["-T", "t", "--yes", calls(["slow", { ms: 10_000 }])],
      // Still in the call, it stays once its input closes: it is stopped.
      { table: "timeout = 0.5", serverArgs: ["", "stay"] },
    );
    assert.equal(code, 0);
    assert.equal(
      stdout,
      "The tools said: error: the tool server t failed: it did not answer " +
        "in time (it said: slow: started 10000)\n",
    );
    assert.equal(
      stderr,
      "tool t.slow: the server failed: it did not answer in time (it said: " +
        "slow: started 10000)\n",
    );
  },
);

toolTest(
  "a server that stops reading in the middle of a call's arguments: each call fails at its timeout, and the run ends",
  async () => {
    const text = "x".repeat(500_000);
    const run = withTools(
      ["-T", "t", "--yes", calls(["stall", {}], ["echo", { text }])],
      { table: "timeout = 0.3" },
    );
    // Not a wait: the run that cannot end fails here rather than hang.
    let guard: ReturnType<typeof setTimeout> | undefined;
    const { code, stdout, stderr } = await Promise.race([
      run,
      new Promise<never>((_, reject) => {
        guard = setTimeout(
          () => reject(new Error("the run did not end")),
          20_000,
        );
      }),
    ]).finally(() => clearTimeout(guard));
    assert.equal(code, 0, stderr);
    const failed = "error: the tool server t failed: it did not answer in time";
    assert.equal(stdout, `The tools said: ${failed} | ${failed}\n`);
    assert.equal(
      stderr,
      "tool t.stall: the server failed: it did not answer in time\n" +
        "tool t.echo: the server failed: it did not answer in time\n",
    );
  },
);

toolTest(
  "--timeout counts only while the model's server is awaited, not while a tool runs",
  async () => {
    const { code, stdout } = await withTools([
      "-T",
      "t",
      "--yes",
      "--timeout",
      "0.3",
      calls(["slow", { ms: 500 }]),
    ]);
    assert.equal(code, 0);
    assert.equal(stdout, "The tools said: slept 500 ms, 1 running\n");
  },
);

toolTest("Ctrl-C during a tool call stops it and the run", async () => {
  const { code, stderr, requests } = await withTools(
    ["-T", "t", calls(["slow", { ms: 30_000 }])],
    {
      terminal: true,
      lines: [(interrupt) => {
        setTimeout(() => interrupt("SIGINT"), 300);
      }, "y"],
    },
  );
  assert.equal(code, 130);
  assert.equal(requests.length, 1);
  assert.match(stderr, /interrupted\n$/);
});

toolTest(
  "--json prints the completion with the tool rounds as tool_messages",
  async () => {
    const { code, stdout } = await withTools([
      "-T",
      "t",
      "--yes",
      "--json",
      calls(["echo", { text: "x" }]),
    ]);
    assert.equal(code, 0);
    const printed = JSON.parse(stdout);
    assert.equal(printed.choices[0].message.content, "The tools said: x");
    assert.deepEqual(printed.tool_messages, [
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "call_0_0",
          type: "function",
          function: { name: "echo", arguments: '{"text":"x"}' },
        }],
      },
      { role: "tool", tool_call_id: "call_0_0", content: "x" },
    ]);
  },
);

if (canRun) {
  historyTest(
    "a key in a call's arguments or its result is masked on stderr, in the answer, in the history and in what goes back to the model",
    async () => {
      await using folder = await tempFolder();
      const path = `${folder.dir}/h.db`;
      const { code, stdout, stderr, requests } = await withTools(
        ["-T", "t", "--yes", calls(["echo", { text: `my key ${KEY}` }])],
        { env: { GPT4O_HISTORY: path } },
      );
      assert.equal(code, 0);
      assert.ok(stdout.startsWith("The tools said: my key "), stdout);
      assert.ok(stderr.startsWith('tool t.echo {"text":"my key '), stderr);
      // The prompt itself held the key: the tool's result goes back masked.
      const results = (requests[1].body.messages as { role: string }[])
        .filter((message) => message.role === "tool");
      assert.deepEqual(results, [{
        role: "tool",
        tool_call_id: "call_0_0",
        content: "my key [redacted]",
      }]);
      const [turn] = savedTurns(path, 1)!;
      assert.equal(turn.toolMessages?.length, 2);
      assert.ok(
        !JSON.stringify(turn).includes(KEY.slice(8)),
        "the key was saved",
      );
    },
  );
}

if (canRun) {
  historyTest(
    "a call whose arguments are over 1 MiB, streamed or not, is not run: the model is told, and the history keeps a stand-in",
    async (t) => {
      const text = "x".repeat(TOOL_ARGUMENTS_BYTES);
      const standIn = '{"left_out":"arguments over 1 MiB"}';
      for (const stream of [false, true]) {
        await t.step(stream ? "streamed" : "not streamed", async () => {
          await using folder = await tempFolder();
          const path = `${folder.dir}/h.db`;
          const { code, stdout, stderr, requests } = await withTools(
            [
              "-T",
              "t",
              "--yes",
              stream ? "--stream" : "--no-stream",
              calls(["echo", { text }], ["echo", { text: "small" }]),
            ],
            { env: { GPT4O_HISTORY: path } },
          );
          assert.equal(code, 0, stderr);
          const told = "error: the arguments are over 1 MiB, the most a call " +
            "may have: it was not run; pass less in each call";
          assert.equal(stdout, `The tools said: ${told} | small\n`);
          assert.match(
            stderr,
            /^tool echo: arguments over 1 MiB, not run \(the model was told\)\ntool t\.echo \{"text":"small"\}: 5 characters \(\d+ ms\)\n$/,
          );
          const sent = (requests[1].body.messages as unknown[]).slice(2);
          const rounds = [
            {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "call_0_0",
                  type: "function",
                  function: { name: "echo", arguments: standIn },
                },
                {
                  id: "call_0_1",
                  type: "function",
                  function: { name: "echo", arguments: '{"text":"small"}' },
                },
              ],
            },
            { role: "tool", tool_call_id: "call_0_0", content: told },
            { role: "tool", tool_call_id: "call_0_1", content: "small" },
          ];
          assert.deepEqual(sent, rounds);
          const [turn] = savedTurns(path, 1)!;
          assert.deepEqual(turn.toolMessages, rounds);
        });
      }
    },
  );
}

testWith({ name: "net", host: "127.0.0.1" })(
  "a url server is reached over Streamable HTTP with its headers, which are masked like keys",
  async () => {
    await using http = startHttpToolServer();
    const token = "mcp-token-0123456789abcdef";
    const { code, stdout, stderr } = await run(
      ["-T", "remote", "--yes", calls(["whoami", {}])],
      {
        config: `[mcp.remote]\nurl = "${http.url}"\n` +
          `headers = { Authorization = "Bearer ${token}" }\n`,
        env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH },
        reply: (seen) => toolModel(seen.body),
      },
    );
    assert.equal(code, 0, stderr);
    assert.ok(http.authorizations.every((each) => each === `Bearer ${token}`));
    assert.ok(!stdout.includes(token) && !stderr.includes(token));
    // The header's value is a secret: the model's answer quoting it is masked.
    assert.equal(stdout, "The tools said: you sent [redacted]\n");
  },
);

testWith({ name: "net", host: "127.0.0.1" })(
  "a url server is spoken to in its own revision of MCP: server/discover to one of 2026-07-28, initialize to one of 2025-11-25 after it refuses the probe",
  async (t) => {
    const cases = [{
      era: "2025-11-25",
      sse: false,
      // It refuses server/discover (no session): the 2025 handshake follows.
      posts: [
        "server/discover 2026-07-28",
        "initialize",
        "notifications/initialized 2025-11-25",
        "tools/list 2025-11-25",
        "tools/call 2025-11-25",
      ],
    }, {
      era: "2026-07-28",
      sse: false,
      // No initialize, which it would refuse: each request stands alone.
      posts: [
        "server/discover 2026-07-28",
        "tools/list 2026-07-28",
        "tools/call 2026-07-28",
      ],
    }, {
      era: "2026-07-28",
      sse: true,
      posts: [
        "server/discover 2026-07-28",
        "tools/list 2026-07-28",
        "tools/call 2026-07-28",
      ],
    }] as const;
    for (const { era, sse, posts } of cases) {
      await t.step(`${era}${sse ? ", server-sent events" : ""}`, async () => {
        await using http = startHttpToolServer({ era, sse });
        const { code, stdout, stderr } = await run(
          ["-T", "remote", "--yes", calls(["whoami", {}])],
          {
            config: `[mcp.remote]\nurl = "${http.url}"\n`,
            env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH },
            reply: (seen) => toolModel(seen.body),
          },
        );
        assert.equal(code, 0, stderr);
        assert.equal(stdout, "The tools said: you sent no header\n");
        assert.deepEqual(http.posts, posts);
      });
    }
  },
);

testWith({ name: "net", host: "127.0.0.1" })(
  "what the MCP SDK prints while the tools are in use is one line on stderr, masked and made visible; the console is its own again after",
  async () => {
    // A tool the 2026 revision's client must leave out, and says so with
    // console.warn: its header's name, an escape sequence and the key, is
    // not a token.
    await using http = startHttpToolServer({
      era: "2026-07-28",
      more: [{
        name: "sneaky",
        inputSchema: {
          type: "object",
          properties: {
            q: { type: "string", "x-mcp-header": `\x1b]0;pwned\x07${KEY}` },
          },
        },
      }],
    });
    const methods = ["log", "info", "debug", "warn", "error"] as const;
    const before = methods.map((name) => console[name]);
    const { code, stdout, stderr } = await run(
      ["-T", "remote", "--yes", calls(["whoami", {}])],
      {
        config: `[mcp.remote]\nurl = "${http.url}"\n`,
        env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH },
        reply: (seen) => toolModel(seen.body),
      },
    );
    assert.equal(code, 0, stderr);
    assert.equal(stdout, "The tools said: you sent no header\n");
    assert.equal(
      stderr.replace(/: \d+ characters \(\d+ ms\)/, ": N characters (N ms)"),
      "tool server: [mcp-sdk] excluding tool 'sneaky' from tools/list: " +
        "invalid x-mcp-header declaration — q: x-mcp-header " +
        "'␛]0;pwned␇[redacted]' is not a valid RFC 9110 token (no spaces, " +
        "control characters or HTTP delimiters)\n" +
        "tool remote.whoami {}: N characters (N ms)\n",
    );
    assert.deepEqual(methods.map((name) => console[name]), before);
  },
);

testWith({ name: "net", host: "127.0.0.1" })(
  "a url server's answer over the limit is a failed call the model reads, at once",
  async () => {
    await using http = startHttpToolServer({ sse: true });
    const { code, stdout, stderr } = await run(
      ["-T", "remote", "--yes", calls(["big", { bytes: LINE_LIMIT }])],
      {
        config: `[mcp.remote]\nurl = "${http.url}"\ntimeout = 20\n`,
        env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH },
        reply: (seen) => toolModel(seen.body),
      },
    );
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      "The tools said: error: the tool server remote failed: its answer was " +
        "over 32 MiB, the most one message may hold\n",
    );
    assert.equal(
      stderr,
      "tool remote.big: the server failed: its answer was over 32 MiB, the " +
        "most one message may hold\n",
    );
  },
);

toolTest(
  "a tool's name from its server is shown made visible in the consent prompt: its escape sequences cannot act on the terminal",
  async () => {
    const prefix = "\x1b]0;pwned\x07\x1b[2K\r";
    const { code, stdout } = await withTools(
      ["-T", "t", calls(["__0_pwned___2Kecho", { text: "x" }])],
      { terminal: true, lines: ["y"], serverArgs: [prefix] },
    );
    assert.equal(code, 0);
    assert.ok(!stdout.includes("\x1b"), JSON.stringify(stdout));
    assert.match(
      stdout,
      /^tool t\.␛\]0;pwned␇␛\[2K␍?echo \{"text":"x"\}: run it\? \[y\]es, \[n\]o, \[a\]lways for this tool, \[v\]iew: The tools said: x\n$/,
    );
  },
);

toolTest(
  "a result over the old 10 MiB line limit is cut for the model, and the server goes on",
  async () => {
    const { code, stdout, stderr } = await withTools([
      "-T",
      "t",
      "--yes",
      calls(["big", { bytes: 11 * 1024 * 1024 }], ["echo", {
        text: "still here",
      }]),
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      `The tools said: ${"b".repeat(100_000)}\n[… ${
        11 * 1024 * 1024 - 100_000
      } more characters left out] | still here\n`,
    );
  },
);

toolTest(
  "a result over the line limit is a failed call the model reads, at once, and the server goes on",
  async () => {
    const { code, stdout, stderr } = await withTools([
      "-T",
      "t",
      "--yes",
      calls(["big", { bytes: LINE_LIMIT }], ["echo", { text: "still here" }]),
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      "The tools said: error: the tool server t failed: its answer was over " +
        "32 MiB, the most one message may hold | still here\n",
    );
    assert.match(
      stderr,
      /^tool t\.big: the server failed: its answer was over 32 MiB, the most one message may hold\ntool t\.echo \{"text":"still here"\}: 10 characters \(\d+ ms\)\n$/,
    );
  },
);

toolTest(
  "a server whose list of tools never ends is read a page a cursor; one whose listing fails is exit 2, one line naming it",
  async (t) => {
    await t.step("the same cursor again", async () => {
      const { code, stdout } = await withTools(["--list-tools", "-T", "t"], {
        serverArgs: ["", "endless-cursor"],
      });
      assert.equal(code, 0);
      // Its line, then its 9 tools, once each.
      assert.equal(stdout.split("\n").length, 11);
    });
    await t.step("listing fails", async () => {
      const { code, stderr, requests } = await withTools(["-T", "t", "Hi"], {
        serverArgs: ["", "fail-list"],
      });
      assert.equal(code, 2);
      assert.equal(
        stderr,
        "tool server t did not list its tools: list failed\n",
      );
      assert.equal(requests.length, 0);
    });
  },
);

toolTest(
  "calls without ids, or with one id twice, get ids of their own that their results answer",
  async () => {
    const { code, stdout, stderr, requests } = await withTools([
      "-T",
      "t",
      "--yes",
      "Hi",
    ], {
      reply: (seen) => {
        assertToolSequence(seen.body.messages as unknown[]);
        if ((seen.body.messages as unknown[]).length > 2) {
          return Response.json(completion("done"));
        }
        const call = (text: string, id?: string) => ({
          ...(id === undefined ? {} : { id }),
          type: "function",
          function: { name: "echo", arguments: JSON.stringify({ text }) },
        });
        return Response.json({
          id: "c",
          object: "chat.completion",
          created: 1,
          model: "m",
          choices: [{
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: [call("a"), call("b", "same"), call("c", "same")],
            },
            finish_reason: "tool_calls",
          }],
        });
      },
    });
    assert.equal(code, 0, stderr);
    assert.equal(stdout, "done\n");
    const sent = (requests[1].body.messages as {
      tool_calls?: { id: string }[];
      tool_call_id?: string;
    }[]).slice(2);
    assert.deepEqual(sent[0].tool_calls?.map((call) => call.id), [
      "call_0_0",
      "same",
      "call_0_2",
    ]);
    assert.deepEqual(sent.slice(1).map((each) => each.tool_call_id), [
      "call_0_0",
      "same",
      "call_0_2",
    ]);
  },
);

toolTest(
  "a call of a whole completion without a type, or of a type not known, is a function's call, as in a stream; one with no function is no tool's",
  async () => {
    const { code, stdout, stderr } = await withTools(
      ["-T", "t", "--yes", "Hi"],
      {
        reply: (seen) => {
          if ((seen.body.messages as unknown[]).length > 2) {
            const said = (seen.body.messages as { content?: unknown }[])
              .slice(3).map((each) => each.content);
            return Response.json(
              completion(`The tools said: ${said.join(" | ")}`),
            );
          }
          const echo = (text: string) => ({
            name: "echo",
            arguments: JSON.stringify({ text }),
          });
          return Response.json({
            ...completion(null),
            choices: [{
              index: 0,
              message: {
                role: "assistant",
                content: null,
                tool_calls: [
                  { id: "a", function: echo("no type") },
                  { id: "b", type: "mystery", function: echo("unknown type") },
                  { id: "c", type: "mystery" },
                ],
              },
              finish_reason: "tool_calls",
            }],
          });
        },
      },
    );
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      "The tools said: no type | unknown type | error: there is no tool " +
        "named ; the tools are echo, read, env, slow, beat, big, import, " +
        "stall, crash\n",
    );
  },
);

toolTest(
  "a round of more calls than may run at once runs none of them, and the model reads why for each",
  async () => {
    const { code, stdout, stderr } = await withTools(
      ["-T", "t", "--yes", "Hi"],
      {
        reply: (seen) => {
          const sent = seen.body.messages as { content?: unknown }[];
          if (sent.length > 2) {
            const said = new Set(sent.slice(3).map((each) => each.content));
            return Response.json(
              completion(
                `${sent.length - 3} results: ${[...said].join(" | ")}`,
              ),
            );
          }
          return Response.json({
            ...completion(null),
            choices: [{
              index: 0,
              message: {
                role: "assistant",
                content: null,
                tool_calls: Array.from({ length: 129 }, (_, i) => ({
                  id: `c${i}`,
                  type: "function",
                  function: { name: "echo", arguments: '{"text":"x"}' },
                })),
              },
              finish_reason: "tool_calls",
            }],
          });
        },
      },
    );
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      "129 results: error: 129 calls in one round, more than the 128 that " +
        "may run at once: none was run; call fewer tools at a time\n",
    );
    assert.equal(
      stderr,
      "tool 129 calls in one round, more than the 128 that may run at once: " +
        "none of them was run (the model was told)\n",
    );
  },
);
