/** The whole program in-process: -e, a shell command proposed, checked, and run only with consent. */
import assert from "node:assert/strict";
import { dangerOf } from "../src/shell/danger.ts";
import { apiError } from "../testdata/fixtures.ts";
import { History } from "../src/history/store.ts";
import {
  answering,
  historyTest,
  json,
  KEY,
  minute,
  run,
  type Setup,
  tempFolder,
} from "../testdata/harness.ts";

/** The flagged example and the safe one: flagged or not by any danger check. */
const FLAGGED = "rm -rf build";
const SAFE = "ls -la";

/** What the danger check says of the flagged example, whichever it is. */
const REASONS = dangerOf(FLAGGED, "bash").map((each) => each.reason);

const BASH = { OPENAI_API_KEY: KEY, SHELL: "/bin/bash" };

/** The system message of a proposal for `os` and `shell`. */
const proposing = (os: string, shell: string) =>
  "You turn a task into a shell command. The user's operating system is " +
  `${os} and their shell is ${shell}. Reply with only one command that ` +
  `does the task, ready to run in ${shell}: no explanation, no markdown.`;

/** A run at a terminal: stdin, stdout and stderr are one, colors off. */
const terminal = (setup: Setup): Setup => ({
  terminal: true,
  stdoutTerminal: true,
  noColor: true,
  ...setup,
});

/** The command as the terminal shows it: framed as code, 80 columns. */
const framed = (command: string) =>
  `┌─ bash ${"─".repeat(72)}\n${
    command.split("\n").map((line) => `│ ${line}\n`).join("")
  }└${"─".repeat(79)}\n`;

const QUESTION = "[e]xecute, [m]odify, [d]escribe, [c]opy, [a]bort: ";

Deno.test("main() -e asks for one command for the user's system and shell, as the system message names them", async (t) => {
  const seven = "C:\\Users\\ada\\Documents\\PowerShell\\Modules;" +
    "C:\\Program Files\\PowerShell\\Modules;" +
    "c:\\program files\\powershell\\7\\Modules";
  const cases: [
    string,
    typeof Deno.build.os,
    Record<string, string>,
    string,
  ][] = [
    ["sh, without $SHELL", "linux", {}, proposing("Linux", "sh")],
    ["bash", "linux", { SHELL: "/bin/bash" }, proposing("Linux", "bash")],
    [
      "zsh on macOS",
      "darwin",
      { SHELL: "/bin/zsh" },
      proposing("macOS", "zsh"),
    ],
    [
      "fish",
      "freebsd",
      { SHELL: "/usr/local/bin/fish" },
      proposing("FreeBSD", "fish"),
    ],
    [
      "PowerShell",
      "windows",
      { PSModulePath: seven },
      proposing("Windows", "pwsh"),
    ],
    [
      "cmd",
      "windows",
      { ComSpec: "C:\\WINDOWS\\system32\\cmd.exe" },
      proposing("Windows", "cmd"),
    ],
  ];
  for (const [name, os, env, system] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, requests, ran } = await run(
        ["-e", "find", "the files over 100 MB here"],
        { os, env: { OPENAI_API_KEY: KEY, ...env }, reply: answering(SAFE) },
      );
      assert.deepEqual({ code, stdout, stderr, ran }, {
        code: 0,
        stdout: `${SAFE}\n`,
        stderr: "",
        ran: [],
      });
      assert.deepEqual(requests.map(({ url, body }) => ({ url, body })), [{
        url: "https://api.openai.com/v1/chat/completions",
        body: {
          model: "gpt-4o",
          messages: [
            { role: "system", content: system },
            { role: "user", content: "find the files over 100 MB here" },
          ],
        },
      }]);
    });
  }
});

Deno.test("main() -e takes a fenced block's content as the command, else the answer's text, trimmed", async (t) => {
  const cases: [string, string, string][] = [
    ["plain", `  ${SAFE}  \n`, SAFE],
    [
      "fenced",
      "Here it is:\n\n```bash\nfind . -size +100M\n```\n",
      "find . -size +100M",
    ],
    ["fenced in two lines", "```sh\ncd build\nmake\n```", "cd build\nmake"],
  ];
  for (const [name, answer, command] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr } = await run(["-e", "do it"], {
        env: BASH,
        reply: answering(answer),
      });
      assert.deepEqual({ code, stdout, stderr }, {
        code: 0,
        stdout: `${command}\n`,
        stderr: "",
      });
    });
  }
});

Deno.test("main() -e into a pipe prints the command alone and never runs it; a flagged one is told why on stderr", async (t) => {
  const cases: [string, Setup, string][] = [
    [
      "stdout a pipe, stdin a terminal",
      { terminal: true, lines: ["e", "yes"] },
      "",
    ],
    [
      "stdin a pipe, stdout a terminal",
      { stdoutTerminal: true, stdin: "" },
      "",
    ],
    ["both pipes", { stdin: "in the build folder" }, "in the build folder"],
  ];
  for (const [name, setup, more] of cases) {
    await t.step(name, async () => {
      for (const command of [SAFE, FLAGGED]) {
        const { code, stdout, stderr, ran, requests } = await run(
          ["-e", "clean up"],
          { env: BASH, reply: answering(command), ...setup },
        );
        assert.deepEqual({ code, stdout, stderr, ran }, {
          code: 0,
          stdout: `${command}\n`,
          stderr: command === FLAGGED
            ? `gpt4o: this command ${REASONS.join(", ")}: not run\n`
            : "",
          ran: [],
        });
        const sent = requests[0].body.messages as { content: string }[];
        assert.equal(
          sent[1].content,
          more ? `clean up\n\n${more}` : "clean up",
        );
      }
    });
  }
});

Deno.test("main() -e --json prints the command, its danger and the shell, and runs nothing, at a terminal too", async (t) => {
  for (const setup of [{}, terminal({ lines: ["e", "yes"] })]) {
    await t.step(setup.terminal ? "at a terminal" : "into a pipe", async () => {
      const cases: [string, string[]][] = [[SAFE, []], [FLAGGED, REASONS]];
      for (const [command, danger] of cases) {
        const { code, stdout, stderr, ran } = await run(
          ["-e", "--json", "clean up"],
          { env: BASH, reply: answering(command), ...setup },
        );
        assert.deepEqual({ code, stderr, ran }, {
          code: 0,
          stderr: "",
          ran: [],
        });
        assert.equal(
          stdout,
          `${JSON.stringify({ command, danger, shell: "bash" }, null, 2)}\n`,
        );
      }
    });
  }
});

Deno.test("main() -e at a terminal shows the command and asks; e runs it in the user's shell, and its exit code is the program's", async (t) => {
  const cases: [
    string,
    Record<string, string>,
    typeof Deno.build.os,
    string,
    string[],
  ][] = [
    ["bash", BASH, "linux", "/bin/bash", ["-c", SAFE]],
    ["sh, without $SHELL", { OPENAI_API_KEY: KEY }, "linux", "sh", [
      "-c",
      SAFE,
    ]],
    [
      "PowerShell",
      {
        OPENAI_API_KEY: KEY,
        PSModulePath: "C:\\a\\WindowsPowerShell\\Modules;C:\\b;C:\\c",
      },
      "windows",
      "powershell",
      ["-Command", SAFE],
    ],
    ["cmd", { OPENAI_API_KEY: KEY }, "windows", "cmd.exe", [
      "/d",
      "/s",
      "/c",
      `"${SAFE}"`,
    ]],
  ];
  for (const [name, env, os, program, args] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, ran } = await run(
        ["-e", "list"],
        terminal({
          env,
          os,
          reply: answering(SAFE),
          lines: ["e"],
          run: () => 3,
        }),
      );
      assert.deepEqual({ code, stderr, ran }, {
        code: 3,
        stderr: "",
        ran: [{ program, args }],
      });
      assert.ok(stdout.endsWith(`${QUESTION}execute\n`), stdout);
    });
  }
  await t.step("the screen, exact", async () => {
    const { stdout } = await run(
      ["-e", "list"],
      terminal({
        env: BASH,
        reply: answering(SAFE),
        lines: ["e"],
      }),
    );
    assert.equal(stdout, `${framed(SAFE)}${QUESTION}execute\n`);
  });
});

Deno.test("main() -e at a terminal: Enter, a and Ctrl-C run nothing; c copies the command through the terminal and ends", async (t) => {
  const cases: [string, string, number, string, string][] = [
    ["Enter", "\r", 0, "abort", ""],
    ["a", "a", 0, "abort", ""],
    ["Ctrl-C", "\x03", 130, "^C", ""],
    [
      "c",
      "c",
      0,
      "copy",
      "copied the command (1 line) to the clipboard, through the terminal (OSC 52)\n",
    ],
  ];
  for (const [name, key, exit, said, told] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, ran } = await run(
        ["-e", "list"],
        terminal({
          env: BASH,
          reply: answering(SAFE),
          lines: [key],
        }),
      );
      assert.deepEqual({ code, stderr, ran }, {
        code: exit,
        stderr: told,
        ran: [],
      });
      const copied = key === "c"
        ? `\x1b]52;c;${new TextEncoder().encode(SAFE).toBase64()}\x07`
        : "";
      assert.equal(stdout, `${framed(SAFE)}${QUESTION}${said}\n${copied}`);
    });
  }
});

Deno.test("main() -e at a terminal: a flagged command shows its reasons, and after e only yes runs it (--yes does not)", async (t) => {
  for (
    const [line, runs] of [["y", false], ["yes", true], ["", false]] as const
  ) {
    await t.step(JSON.stringify(line), async () => {
      const { code, stdout, stderr, ran } = await run(
        ["-e", "--yes", "clean up"],
        terminal({
          env: BASH,
          reply: answering(FLAGGED),
          lines: ["e", line],
        }),
      );
      assert.deepEqual({ code, ran }, {
        code: 0,
        ran: runs ? [{ program: "/bin/bash", args: ["-c", FLAGGED] }] : [],
      });
      assert.equal(
        stderr,
        "--yes approves tool calls, and no tool server is enabled (-T NAME, " +
          "or tools in the config file): it does nothing here (-e asks " +
          "before its command runs all the same)\n",
      );
      assert.equal(
        stdout,
        framed(FLAGGED) +
          REASONS.map((reason) => `  ⚠ ${reason}\n`).join("") +
          `${QUESTION}execute\n` +
          "Type yes to run it, anything else aborts: ",
      );
    });
  }
});

Deno.test("main() -e at a terminal: d has the model describe it, m edits it, then it is asked again", async () => {
  const { code, stdout, stderr, ran, requests } = await run(
    ["-e", "list the files"],
    terminal({
      env: BASH,
      reply: answering(SAFE, "It lists the files, hidden ones too."),
      lines: ["d", "m", "ls -l", "e"],
    }),
  );
  assert.deepEqual({ code, stderr, ran }, {
    code: 0,
    stderr: "",
    ran: [{ program: "/bin/bash", args: ["-c", "ls -l"] }],
  });
  assert.equal(
    stdout,
    `${framed(SAFE)}${QUESTION}describe\n` +
      "It lists the files, hidden ones too.\n" +
      `${framed(SAFE)}${QUESTION}modify\n$ ${SAFE}` +
      `${framed("ls -l")}${QUESTION}execute\n`,
  );
  assert.deepEqual(requests[1].body.messages, [
    {
      role: "system",
      content: "You explain shell commands. The user's operating system is " +
        "Linux and their shell is bash. Say briefly what the command does, " +
        "part by part, and what it changes or could harm.",
    },
    { role: "user", content: "list the files" },
    { role: "assistant", content: SAFE },
    { role: "user", content: "Describe this command:\n\n```bash\nls -la\n```" },
  ]);
});

Deno.test("main() -e refuses what it cannot do, in one line, before anything is sent", async (t) => {
  await t.step("no task", async () => {
    for (const args of [["-e"], ["-e", "  "]]) {
      const { code, stdout, stderr, requests } = await run(args, { env: BASH });
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr:
          '-e takes a task: gpt4o -e "find the files over 100 MB here" (see --help)\n',
        sent: 0,
      });
    }
  });
  await t.step("a terminal where the shell may not be started", async () => {
    const { code, stdout, stderr, requests } = await run(
      ["-e", "list"],
      terminal({
        env: { OPENAI_API_KEY: KEY, SHELL: "/bin/zsh" },
        mayRun: (program) => program !== "/bin/zsh",
      }),
    );
    assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
      code: 2,
      stdout: "",
      stderr: "-e runs the command in your shell, /bin/zsh, and this run may " +
        "not start it: use the gpt4o command or deno task start, or give " +
        "deno run --allow-run=/bin/zsh\n",
      sent: 0,
    });
  });
  await t.step("into a pipe, the shell is not needed", async () => {
    const { code, stdout } = await run(["-e", "list"], {
      env: BASH,
      mayRun: () => false,
      reply: answering(SAFE),
    });
    assert.deepEqual({ code, stdout }, { code: 0, stdout: `${SAFE}\n` });
  });
});

Deno.test("main() -e runs nothing when the model fails or proposes nothing", async (t) => {
  await t.step("the server fails", async () => {
    const { code, stdout, stderr, ran } = await run(
      ["-e", "list"],
      terminal({
        env: BASH,
        reply: () =>
          json(apiError("The server had an error", "server_error"), 500),
        lines: ["e"],
      }),
    );
    assert.deepEqual({ code, stdout, ran }, { code: 1, stdout: "", ran: [] });
    assert.match(stderr, /server had an error/);
  });
  await t.step("an empty answer", async () => {
    const { code, stdout, stderr, ran } = await run(
      ["-e", "list"],
      terminal({
        env: BASH,
        reply: answering(" \n"),
        lines: ["e"],
      }),
    );
    assert.deepEqual({ code, stdout, stderr, ran }, {
      code: 1,
      stdout: "",
      stderr: "the model's answer holds no command to run\n",
      ran: [],
    });
  });
});

historyTest(
  "main() -e keeps each proposal and every decision with the exchange, masked, and --show prints them under it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { ...BASH, GPT4O_HISTORY: path };
    await run(
      ["-e", "list the files"],
      terminal({
        env,
        reply: answering(SAFE, "It lists them."),
        lines: ["d", "m", `ls -l ${KEY}`, "e"],
        run: () => 2,
      }),
    );
    await run(
      ["-e", "clean up"],
      terminal({
        env,
        reply: answering(FLAGGED),
        lines: ["y"],
      }),
    );
    await run(["-e", "clean up"], { env, reply: answering(FLAGGED) });
    using history = History.open(path);
    const first = history.get(1)!;
    assert.deepEqual(
      first.turns.map(({ prompt, answer, executions }) => ({
        prompt,
        answer,
        executions: executions?.map(({ at: _, ...each }) => each),
      })),
      [
        {
          prompt: "list the files",
          answer: SAFE,
          executions: [
            { command: SAFE, shell: "bash", danger: [], decision: "described" },
            {
              command: "ls -l [redacted]",
              shell: "bash",
              danger: [],
              decision: "modified",
            },
            {
              command: "ls -l [redacted]",
              shell: "bash",
              danger: [],
              decision: "executed",
              exitCode: 2,
            },
          ],
        },
        {
          prompt: "Describe this command:\n\n```bash\nls -la\n```",
          answer: "It lists them.",
          executions: undefined,
        },
      ],
    );
    for (const [id, decision] of [[2, "aborted"], [3, "printed"]] as const) {
      assert.deepEqual(
        history.get(id)!.turns[0].executions?.map(({ at: _, ...each }) => each),
        [{ command: FLAGGED, shell: "bash", danger: REASONS, decision }],
      );
    }
    const shown = await run(["--show", "1"], { env });
    const when = minute(first.turns[0].started);
    const to = minute(first.turns[1].finished);
    assert.equal(
      shown.stdout,
      [
        `conversation 1  gpt-4o  api.openai.com/v1  ${
          when === to ? when : `${when} – ${to}`
        }`,
        `system: ${proposing("Linux", "bash")}`,
        "",
        "> list the files",
        "",
        SAFE,
        `$ ${SAFE}  (described)`,
        "$ ls -l [redacted]  (modified)",
        "$ ls -l [redacted]  (executed, exit 2)",
        "system: You explain shell commands. The user's operating system is " +
        "Linux and their shell is bash. Say briefly what the command does, " +
        "part by part, and what it changes or could harm.",
        "",
        "> Describe this command:",
        "> ",
        "> ```bash",
        "> ls -la",
        "> ```",
        "",
        "It lists them.",
        "",
      ].join("\n"),
    );
    const flagged = await run(["--show", "2"], { env });
    assert.ok(
      flagged.stdout.endsWith(
        `\n${FLAGGED}\n$ ${FLAGGED}  (aborted${
          REASONS.map((reason) => `; ⚠ ${reason}`).join("")
        })\n`,
      ),
      flagged.stdout,
    );
  },
);

historyTest(
  "main() --chat /execute proposes a command as a turn of the conversation, asks at the terminal, and the chat goes on",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr, ran, requests } = await run(
      ["--chat"],
      terminal({
        env: { ...BASH, GPT4O_HISTORY: path },
        reply: answering(SAFE, "It listed them."),
        lines: ["/e list the files", "e", "What did it do?"],
        run: () => 0,
      }),
    );
    assert.deepEqual({ code, ran }, {
      code: 0,
      ran: [{ program: "/bin/bash", args: ["-c", SAFE] }],
    });
    assert.equal(
      stderr,
      "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n",
    );
    assert.ok(
      stdout.startsWith(`> ${framed(SAFE)}${QUESTION}execute\n> `),
      stdout,
    );
    assert.deepEqual(requests[1].body.messages, [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "list the files" },
      { role: "assistant", content: SAFE },
      { role: "user", content: "What did it do?" },
    ]);
    using history = History.open(path);
    const turns = history.get(1)!.turns;
    assert.deepEqual(
      turns.map((turn) => turn.executions?.map((each) => each.decision)),
      [["executed"], undefined],
    );
  },
);

Deno.test("main() --chat /execute from a pipe prints the command and runs nothing; /execute alone says what it takes", async () => {
  const { code, stdout, stderr, ran } = await run(["--chat"], {
    env: BASH,
    reply: answering(FLAGGED),
    lines: ["/execute clean up", "/execute"],
  });
  assert.deepEqual({ code, stdout, ran }, {
    code: 0,
    stdout: `${FLAGGED}\n`,
    ran: [],
  });
  assert.equal(
    stderr,
    `gpt4o: this command ${REASONS.join(", ")}: not run\n` +
      '/execute takes a task: /execute "find the files over 100 MB here"\n',
  );
});

Deno.test("main() -e at a terminal: SIGTERM or SIGHUP at the question ends the run with its code, nothing run", async (t) => {
  for (const [signal, exit] of [["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    await t.step(signal, async () => {
      const { code, ran } = await run(
        ["-e", "list"],
        terminal({
          env: BASH,
          reply: answering(SAFE),
          lines: [(interrupt) => interrupt(signal), "e"],
        }),
      );
      assert.deepEqual({ code, ran }, { code: exit, ran: [] });
    });
  }
});

Deno.test("main() -e at a terminal: a shell that cannot start is one line, exit 1", async () => {
  const { code, stderr, ran } = await run(
    ["-e", "list"],
    terminal({
      env: { OPENAI_API_KEY: KEY, SHELL: "/nowhere/zsh" },
      reply: answering(SAFE),
      lines: ["e"],
      run: () => {
        throw new Deno.errors.NotFound(
          "No such file or directory (os error 2)",
        );
      },
    }),
  );
  assert.deepEqual({ code, stderr, ran }, {
    code: 1,
    stderr:
      "cannot start your shell, /nowhere/zsh: No such file or directory " +
      "(os error 2) (set SHELL to one that runs)\n",
    ran: [{ program: "/nowhere/zsh", args: ["-c", SAFE] }],
  });
});

Deno.test("main() --chat /execute at a terminal where the shell may not be started says so, sends nothing, and the chat goes on", async () => {
  const { code, stderr, requests } = await run(
    ["--chat"],
    terminal({
      env: BASH,
      mayRun: () => false,
      reply: answering("Hello."),
      lines: ["/e list the files", "Hi"],
    }),
  );
  assert.equal(code, 0);
  assert.equal(
    stderr,
    "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n" +
      "/execute runs the command in your shell, /bin/bash, and this run may not " +
      "start it: use the gpt4o command or deno task start, or give deno run " +
      "--allow-run=/bin/bash\n",
  );
  assert.deepEqual(
    requests.map((seen) =>
      (seen.body.messages as { content: string }[]).at(-1)
    ),
    [{ role: "user", content: "Hi" }],
  );
});
