/** The whole program in-process: --chat, its commands, signals and unhappy paths. */
import assert from "node:assert/strict";
import { DEFAULT_SYSTEM } from "../src/cli/options.ts";
import {
  ANSWER,
  apiError,
  chunk,
  sse,
  streamOf,
} from "../testdata/fixtures.ts";
import {
  answering,
  hang,
  historyTest,
  json,
  KEY,
  minute,
  pieces,
  run,
  savedList,
  savedTurns,
  sentMessages,
  tempFolder,
} from "../testdata/harness.ts";

historyTest(
  "main() --chat sends each turn after the earlier ones, streamed, and saves one conversation",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Capital of France?", "", "Its population?"],
      reply: answering("Paris.", "About 2.1 million."),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\n\nAbout 2.1 million.\n",
      stderr: "",
    });
    assert.deepEqual(
      requests.map(({ url, authorization, body }) => ({
        url,
        authorization,
        model: body.model,
        stream: body.stream,
      })),
      [1, 2].map(() => ({
        url: "https://api.openai.com/v1/chat/completions",
        authorization: `Bearer ${KEY}`,
        model: "gpt-4o",
        stream: true,
      })),
    );
    assert.deepEqual(sentMessages(requests), [
      [`system: ${DEFAULT_SYSTEM}`, "user: Capital of France?"],
      [
        `system: ${DEFAULT_SYSTEM}`,
        "user: Capital of France?",
        "assistant: Paris.",
        "user: Its population?",
      ],
    ]);
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 2 },
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ prompt, answer, outcome }) => ({
        prompt,
        answer,
        outcome,
      })),
      [
        { prompt: "Capital of France?", answer: "Paris.", outcome: "answered" },
        {
          prompt: "Its population?",
          answer: "About 2.1 million.",
          outcome: "answered",
        },
      ],
    );
  },
);

Deno.test("main() --chat: /model and /system change the following requests, and a message of several lines is one turn", async () => {
  const { code, stdout, stderr, requests } = await run([
    "--chat",
    "-s",
    "Be brief.",
  ], {
    lines: [
      "Hi",
      "/model gpt-4o-mini",
      "/system Answer in French.",
      '"""',
      "First line",
      "second line",
      '"""',
    ],
    reply: answering("Hello!", "Bonjour !"),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "Hello!\n\nBonjour !\n",
    stderr: "model: gpt-4o-mini\nsystem: Answer in French.\n",
  });
  assert.deepEqual(requests.map(({ body }) => body.model), [
    "gpt-4o",
    "gpt-4o-mini",
  ]);
  assert.deepEqual(sentMessages(requests), [
    ["system: Be brief.", "user: Hi"],
    [
      "system: Answer in French.",
      "user: Hi",
      "assistant: Hello!",
      "user: First line\nsecond line",
    ],
  ]);
});

historyTest(
  "main() --chat /clear starts over: only the system message and the new prompt, in a new conversation",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi", "/clear", "Who are you?", "/exit", "never sent"],
      reply: answering("Hello!", "An assistant."),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Hello!\n\nAn assistant.\n",
      stderr: "a new conversation: earlier turns are no longer sent\n",
    });
    assert.deepEqual(sentMessages(requests), [
      [`system: ${DEFAULT_SYSTEM}`, "user: Hi"],
      [`system: ${DEFAULT_SYSTEM}`, "user: Who are you?"],
    ]);
    assert.deepEqual(
      savedList(path).map(({ id, turns, title }) => ({ id, turns, title })),
      [
        { id: 2, turns: 1, title: "Who are you?" },
        { id: 1, turns: 1, title: "Hi" },
      ],
    );
  },
);

historyTest(
  "main() --chat: Ctrl-C mid-answer keeps the partial answer, saves it as interrupted, and the chat goes on",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Tell me a long story", "Go on"],
      terminal: true, // a person, who goes on after Ctrl-C
      reply: (_, interrupt) => {
        if (n++ > 0) return pieces([streamOf(["The end."])]);
        setTimeout(interrupt, 20);
        return pieces([
          sse([chunk({ role: "assistant", content: "" })]),
          sse([chunk({ content: "Once upon" })]),
        ], { stall: true });
      },
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "> Once upon\n> The end.\n> ",
      stderr:
        "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\ninterrupted\n",
    });
    assert.ok(requests[0].signal.aborted, "the first request was not aborted");
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Tell me a long story",
      "assistant: Once upon",
      "user: Go on",
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ answer, outcome, error }) => ({
        answer,
        outcome,
        error,
      })),
      [
        { answer: "Once upon", outcome: "interrupted", error: "interrupted" },
        { answer: "The end.", outcome: "answered", error: undefined },
      ],
    );
  },
);

historyTest(
  "main() --chat: a failed turn prints its one line, is not sent again, and the chat goes on",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi", "Again"],
      reply: () =>
        n++ === 0
          ? json(apiError("Invalid model", "invalid_request_error"), 400)
          : pieces([streamOf(["Hello!"])]),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 1, // from a pipe: a script learns that a turn failed
      stdout: "Hello!\n",
      stderr: "api.openai.com refused the request (400): Invalid model\n",
    });
    assert.deepEqual(sentMessages(requests), [
      [`system: ${DEFAULT_SYSTEM}`, "user: Hi"],
      [`system: ${DEFAULT_SYSTEM}`, "user: Again"],
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ prompt, outcome }) => ({ prompt, outcome })),
      [{ prompt: "Hi", outcome: "failed" }, {
        prompt: "Again",
        outcome: "answered",
      }],
    );
  },
);

Deno.test("main() --chat ends with exit 2 on a configuration error before reading a line, sending nothing", async () => {
  const lines = ["Hi", "never read"];
  const { code, stdout, stderr, requests } = await run(["--chat"], {
    env: {},
    lines,
    reply: answering("Hello!"),
  });
  assert.deepEqual({ code, stdout, stderr, sent: requests.length, lines }, {
    code: 2,
    stdout: "",
    stderr:
      "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a .env file here " +
      "(a server set in OPENAI_BASE_URL may need none)\n",
    sent: 0,
    lines: ["Hi", "never read"],
  });
});

Deno.test("main() --chat refuses /model for a provider whose key is not set, and goes on", async () => {
  const { code, stdout, stderr, requests } = await run(["--chat"], {
    lines: ["Hi", "/model groq:x", "Again"],
    reply: answering("Hello!", "Hello again!"),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "Hello!\n\nHello again!\n",
    stderr:
      "GROQ_API_KEY is not set: export it, or put GROQ_API_KEY=... in a .env file here; still gpt-4o\n",
  });
  assert.deepEqual(requests.map(({ url, body }) => [url, body.model]), [
    ["https://api.openai.com/v1/chat/completions", "gpt-4o"],
    ["https://api.openai.com/v1/chat/completions", "gpt-4o"],
  ]);
});

historyTest(
  "main() --chat -c resumes the latest conversation and adds to it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("Paris.", "Rome.");
    await run(["-s", "Be brief.", "Capital of France?"], { env, reply });
    const { code, stdout, stderr, requests } = await run(["--chat", "-c"], {
      env,
      lines: ["And of Italy?"],
      reply,
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Rome.\n",
      stderr: "",
    });
    assert.deepEqual(sentMessages(requests), [[
      "system: Be brief.",
      "user: Capital of France?",
      "assistant: Paris.",
      "user: And of Italy?",
    ]]);
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 2 },
    ]);
  },
);

historyTest(
  "main() --chat at a terminal greets on stderr, prompts, and /history lists the conversations",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr } = await run(
      ["--chat", "-m", "gpt-4o-mini"],
      {
        env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        terminal: true,
        lines: ["Hi", "/history", "/nope"],
        reply: answering("Hello!"),
      },
    );
    const [{ updated }] = savedList(path);
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "> Hello!\n> > > ",
      stderr:
        "Chatting with gpt-4o-mini. /help lists the commands; Ctrl-D leaves.\n" +
        `1  ${minute(new Date(updated))}  gpt-4o-mini  1 turn  Hi\n` +
        "unknown command /nope: /help lists the commands\n",
    });
  },
);

// --- chat and history, the unhappy paths ------------------------------------------

historyTest(
  "main() --chat warns once about a history it cannot use, and every turn is still answered",
  async () => {
    await using tmp = await tempFolder();
    const corrupt = `${tmp.dir}/corrupt.db`;
    Deno.writeFileSync(
      corrupt,
      new TextEncoder().encode("not a database\n".repeat(300)),
    );
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: corrupt },
      lines: ["Hi", "Again", "/history"],
      reply: answering("Hello!", "Hello again!"),
    });
    const reason =
      `cannot open the history at ${corrupt}: it is not a SQLite ` +
      "database, or it is damaged (move it away, or set GPT4O_HISTORY to another file)";
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Hello!\n\nHello again!\n",
      stderr: `history not saved: ${reason}\n${reason}\n`,
    });
    // Unsaved turns are still carried forward.
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Hi",
      "assistant: Hello!",
      "user: Again",
    ]);
  },
);

historyTest(
  "main() --chat --no-history saves nothing, and /history says history is off when it is",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const skipped = await run(["--chat", "--no-history"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi"],
    });
    const off = await run(["--chat"], { lines: ["/history"] });
    assert.deepEqual(
      [skipped, off].map(({ code, stdout, stderr }) => ({
        code,
        stdout,
        stderr,
      })),
      [
        { code: 0, stdout: `${ANSWER}\n`, stderr: "" },
        {
          code: 0,
          stdout: "",
          stderr:
            "history is off (GPT4O_HISTORY=off): unset GPT4O_HISTORY to keep and use it\n",
        },
      ],
    );
    assert.deepEqual([...Deno.readDirSync(tmp.dir)], []);
  },
);

historyTest(
  "main() --chat: Ctrl-C before any answer saves the turn as interrupted and does not send it again",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi", "Hello?"],
      terminal: true,
      reply: (seen, interrupt) => {
        if (n++ > 0) return pieces([streamOf(["Yes?"])]);
        setTimeout(interrupt, 10);
        return hang(seen);
      },
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "> > Yes?\n> ",
      stderr:
        "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\ninterrupted\n",
    });
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Hello?",
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ prompt, answer, outcome }) => ({
        prompt,
        answer,
        outcome,
      })),
      [
        { prompt: "Hi", answer: "", outcome: "interrupted" },
        { prompt: "Hello?", answer: "Yes?", outcome: "answered" },
      ],
    );
  },
);

historyTest(
  "main() --history, --show and -c exit 2 with one line when the history cannot be read",
  async () => {
    await using tmp = await tempFolder();
    const corrupt = `${tmp.dir}/corrupt.db`;
    Deno.writeFileSync(
      corrupt,
      new TextEncoder().encode("not a database\n".repeat(300)),
    );
    for (
      const args of [["--history"], ["--show", "1"], ["-c", "Hi"], [
        "--chat",
        "-c",
      ]]
    ) {
      const { code, stdout, stderr, requests } = await run(args, {
        env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: corrupt },
        lines: ["Hi"],
      });
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr: `cannot open the history at ${corrupt}: it is not a SQLite ` +
          "database, or it is damaged (move it away, or set GPT4O_HISTORY to another file)\n",
        sent: 0,
      }, args.join(" "));
    }
  },
);

Deno.test("main() --chat ignores a Ctrl-C between turns, and ends with 143 on SIGTERM at the prompt", async () => {
  const ignored = await run(["--chat"], {
    lines: ["Hi", (interrupt) => interrupt("SIGINT"), "Again"],
  });
  assert.deepEqual(
    {
      code: ignored.code,
      stdout: ignored.stdout,
      sent: ignored.requests.length,
    },
    { code: 0, stdout: `${ANSWER}\n\n${ANSWER}\n`, sent: 2 },
  );
  const stopped = await run(["--chat"], {
    lines: ["Hi", (interrupt) => interrupt("SIGTERM"), "Never sent"],
  });
  assert.deepEqual(
    {
      code: stopped.code,
      stdout: stopped.stdout,
      sent: stopped.requests.length,
    },
    { code: 143, stdout: `${ANSWER}\n`, sent: 1 },
  );
});

Deno.test("main() --chat checks the model's endpoint and key before the first prompt", async () => {
  const lines = ["Hi"];
  const { code, stdout, stderr, requests } = await run(
    ["--chat", "-m", "groq:"],
    { lines, terminal: true },
  );
  assert.deepEqual({ code, stdout, stderr, sent: requests.length, lines }, {
    code: 2,
    stdout: "", // no prompt was shown
    stderr:
      "GROQ_API_KEY is not set: export it, or put GROQ_API_KEY=... in a .env file here\n",
    sent: 0,
    lines: ["Hi"],
  });
});

historyTest(
  "main() --chat -m groq: names the model it resolved, and saves it with its provider",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stderr, requests } = await run(["--chat", "-m", "groq:"], {
      env: { GROQ_API_KEY: "gsk-test-0123456789", GPT4O_HISTORY: path },
      lines: ["Hi"],
      terminal: true,
      reply: answering("Hello!"),
    });
    assert.equal(code, 0);
    assert.equal(
      stderr,
      "Chatting with openai/gpt-oss-120b (groq). /help lists the commands; Ctrl-D leaves.\n",
    );
    assert.deepEqual(
      requests.map(({ url, body }) => [url, body.model]),
      [[
        "https://api.groq.com/openai/v1/chat/completions",
        "openai/gpt-oss-120b",
      ]],
    );
    assert.deepEqual(savedList(path).map(({ model }) => model), [
      "groq:openai/gpt-oss-120b",
    ]);
  },
);

historyTest(
  "main() --chat -c at a terminal says which conversation it resumes and shows its last exchange",
  async () => {
    await using tmp = await tempFolder();
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: `${tmp.dir}/history.db` };
    await run(["Who decides?"], { env, reply: answering("The Court.") });
    const { code, stdout, stderr } = await run(["--chat", "-c", "And then?"], {
      env,
      lines: [],
      terminal: true,
      reply: answering("It rules."),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "> And then?\nIt rules.\n> ",
      stderr:
        "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n" +
        "Resuming conversation 1 (1 turn). Its last exchange:\n" +
        "> Who decides?\nThe Court.\n",
    });
  },
);

historyTest(
  "main() --chat goes on in a new conversation when the database is removed during the chat, saying so once",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const remove = () => {
      Deno.removeSync(path); // closed after each save: no -wal, no -shm
    };
    const { code, stdout, stderr } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["one", remove, "two", "three"],
      reply: answering("1", "2", "3"),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "1\n\n2\n\n3\n",
      stderr:
        `conversation 1 is no longer in the history at ${path} (was the ` +
        "file removed?): this turn and the next are saved as conversation 1\n",
    });
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ prompt }) => prompt),
      ["two", "three"],
    );
  },
);

historyTest(
  "main() -c or --conversation with nothing to ask opens the chat on that conversation at a terminal",
  async (t) => {
    for (const args of [["-c"], ["--conversation", "1"]]) {
      await t.step(args.join(" "), async () => {
        await using tmp = await tempFolder();
        const env = {
          OPENAI_API_KEY: KEY,
          GPT4O_HISTORY: `${tmp.dir}/history.db`,
        };
        await run(["Who decides?"], { env, reply: answering("The Court.") });
        const { code, stdout, stderr, requests } = await run(args, {
          env,
          lines: ["And then?"],
          terminal: true,
          reply: answering("It rules."),
        });
        assert.deepEqual({ code, stdout, stderr }, {
          code: 0,
          stdout: "> It rules.\n> ",
          stderr:
            "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n" +
            "Resuming conversation 1 (1 turn). Its last exchange:\n" +
            "> Who decides?\nThe Court.\n",
        });
        assert.deepEqual(sentMessages(requests), [[
          `system: ${DEFAULT_SYSTEM}`,
          "user: Who decides?",
          "assistant: The Court.",
          "user: And then?",
        ]]);
      });
    }
  },
);

historyTest(
  "main() -c with nothing to ask and no terminal is refused: exit 2, nothing sent; a piped prompt is asked",
  async () => {
    await using tmp = await tempFolder();
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: `${tmp.dir}/history.db` };
    await run(["Who decides?"], { env, reply: answering("The Court.") });
    const refused = await run(["-c"], { env, stdin: " \n" });
    assert.deepEqual(
      { code: refused.code, stderr: refused.stderr, sent: refused.requests },
      {
        code: 2,
        stderr: '-c has nothing to ask: give a prompt (-c "And then?"), ' +
          "pipe one, or run it at a terminal to chat (see --help)\n",
        sent: [],
      },
    );
    const piped = await run(["--conversation", "1"], {
      env,
      stdin: "And then?\n",
      reply: answering("It rules."),
    });
    assert.deepEqual([piped.code, piped.stdout], [0, "It rules.\n"]);
    assert.equal(savedTurns(`${tmp.dir}/history.db`, 1)?.length, 2);
  },
);

Deno.test("main() with no prompt at a terminal asks the demo's question as the demo, and opens the chat as the gpt4o command", async () => {
  const demo = await run([], { lines: [], terminal: true });
  assert.deepEqual(sentMessages(demo.requests), [[
    `system: ${DEFAULT_SYSTEM}`,
    "user: how does a court case get to the Supreme Court?",
  ]]);
  const command = await run([], {
    lines: ["Hi"],
    terminal: true,
    entry: "command",
    reply: answering("Hello."),
  });
  assert.deepEqual([command.code, command.stdout], [0, "> Hello.\n> "]);
  assert.deepEqual(sentMessages(command.requests), [[
    `system: ${DEFAULT_SYSTEM}`,
    "user: Hi",
  ]]);
});
