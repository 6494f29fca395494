/** The whole program in-process: saving, continuing and browsing the history. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { DEFAULT_SYSTEM } from "../src/cli/options.ts";
import {
  ANSWER,
  apiError,
  chunk,
  completion,
  sse,
  streamOf,
} from "../testdata/fixtures.ts";
import { History } from "../src/history/store.ts";
import { type Message } from "../src/history/conversation.ts";
import {
  answering,
  historyTest,
  json,
  KEY,
  minute,
  pieces,
  run,
  savedList,
  savedTurns,
  tempFolder,
  USAGE_SAVED,
} from "../testdata/harness.ts";

historyTest(
  "main() saves an exchange: prompt, system, model, endpoint without credentials, answer, outcome, usage",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr } = await run(["-s", "Be brief.", "Hi"], {
      env: {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL:
          "http://alice:pa55w0rd-xyz@127.0.0.1:1337/v1/?api-key=qk-1234567890",
        GPT4O_HISTORY: path,
      },
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: "",
    });
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 1 },
    ]);
    assert.deepEqual(savedTurns(path, 1), [{
      system: "Be brief.",
      prompt: "Hi",
      model: "gpt-4o",
      endpoint: "127.0.0.1:1337/v1",
      answer: ANSWER,
      outcome: "answered",
      usage: USAGE_SAVED,
    }]);
  },
);

historyTest(
  "main() keeps history in $HOME/.local/share/gpt4o/history.db, private, when GPT4O_HISTORY is unset",
  async () => {
    await using tmp = await tempFolder();
    const { code, stderr } = await run(["Hi"], {
      // An empty GPT4O_HISTORY counts as unset.
      env: { OPENAI_API_KEY: KEY, HOME: tmp.dir, GPT4O_HISTORY: "" },
    });
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
    const folder = `${tmp.dir}/.local/share/gpt4o`;
    assert.equal(Deno.statSync(folder).mode! & 0o777, 0o700);
    assert.equal(Deno.statSync(`${folder}/history.db`).mode! & 0o777, 0o600);
    assert.equal(savedTurns(`${folder}/history.db`, 1)?.[0].prompt, "Hi");
  },
);

historyTest(
  "main() -c sends the latest conversation's turns before the new prompt and adds to it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("Paris.", "About 2.1 million.", "Rome.");
    await run(["-m", "gpt-4o-mini", "-s", "Be brief.", "Capital of France?"], {
      env,
      reply,
    });
    const { code, stdout, stderr, requests } = await run(
      ["-c", "Its population?"],
      { env, reply },
    );
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "About 2.1 million.\n",
      stderr: "",
    });
    assert.deepEqual(requests[0].body, {
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Capital of France?" },
        { role: "assistant", content: "Paris." },
        { role: "user", content: "Its population?" },
      ],
    });
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 2 },
    ]);
    assert.deepEqual(savedTurns(path, 1)?.map((turn) => turn.prompt), [
      "Capital of France?",
      "Its population?",
    ]);
    // -m and -s given with -c win over the conversation's.
    const third = await run(["--continue", "-m", "gpt-4o", "Of Italy?"], {
      env,
      reply,
    });
    assert.equal(third.requests[0].body.model, "gpt-4o");
    assert.equal(
      (third.requests[0].body.messages as Message[]).length,
      6,
    );
  },
);

historyTest(
  "main() --conversation <id> follows up that conversation, not the latest",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("One.", "Two.", "One again.");
    await run(["First"], { env, reply });
    await run(["Second"], { env, reply });
    const { code, stdout, requests } = await run(
      ["--conversation", "1", "More"],
      { env, reply },
    );
    assert.deepEqual({ code, stdout }, { code: 0, stdout: "One again.\n" });
    assert.deepEqual(requests[0].body.messages, [
      { role: "system", content: DEFAULT_SYSTEM },
      { role: "user", content: "First" },
      { role: "assistant", content: "One." },
      { role: "user", content: "More" },
    ]);
    assert.deepEqual(
      savedList(path).map(({ id, turns, title }) => ({ id, turns, title })),
      [
        { id: 1, turns: 2, title: "First" },
        { id: 2, turns: 1, title: "Second" },
      ],
    );
  },
);

historyTest(
  "main() exits 2 with one line and sends nothing for an unknown conversation, or -c with none",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const cases: [string[], Record<string, string>, string][] = [
      [
        ["-c", "More"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        "there is no conversation to continue yet: ask a question first\n",
      ],
      [
        ["--conversation", "9", "More"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        "there is no conversation 9: --history lists them\n",
      ],
      [
        ["--show", "9"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        "there is no conversation 9: --history lists them\n",
      ],
      [
        ["-c", "More"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: "off" },
        "history is off (GPT4O_HISTORY=off): unset GPT4O_HISTORY to keep and use it\n",
      ],
    ];
    for (const [args, env, line] of cases) {
      const { code, stdout, stderr, requests } = await run(args, { env });
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr: line,
        sent: 0,
      }, args.join(" "));
    }
    assert.deepEqual(savedList(path), []);
  },
);

historyTest(
  "main() exits 2 with one line and sends nothing when -c or --show finds a damaged conversation",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    assert.equal((await run(["Hi"], { env })).code, 0);
    // A stored tool round that is not JSON, as a hand edit leaves it.
    const db = new DatabaseSync(path);
    db.exec("UPDATE exchanges SET tool_messages = '[{'");
    db.close();
    const line = `the history at ${path} is damaged: conversation 1 has tool ` +
      "messages that are not the ones chat completions take; start a new " +
      "conversation, or set GPT4O_HISTORY to another file\n";
    for (const args of [["-c", "More"], ["--show", "1"]]) {
      const { code, stdout, stderr, requests } = await run(args, { env });
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr: line,
        sent: 0,
      }, args.join(" "));
    }
  },
);

historyTest(
  "main() --history lists the latest conversations, as text and as JSON",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const empty = await run(["--history"], { env });
    assert.deepEqual(
      { code: empty.code, stdout: empty.stdout, stderr: empty.stderr },
      { code: 0, stdout: "no conversations yet\n", stderr: "" },
    );
    await run(["What is certiorari?\nExplain briefly."], { env });
    await run(["-c", "And mandamus?"], { env });
    await run(["-m", "gpt-4o-mini", "Hi"], { env });
    const [second, first] = savedList(path);
    const text = await run(["--history"], { env });
    assert.deepEqual(
      { code: text.code, stdout: text.stdout, stderr: text.stderr },
      {
        code: 0,
        stdout:
          `2  ${minute(new Date(second.updated))}  gpt-4o-mini   1 turn  Hi\n` +
          `1  ${
            minute(new Date(first.updated))
          }  gpt-4o       2 turns  What is certiorari?\n`,
        stderr: "",
      },
    );
    const asJson = await run(["--history", "--json"], { env });
    assert.equal(asJson.code, 0);
    const listed = JSON.parse(asJson.stdout);
    assert.deepEqual(listed, [
      {
        id: 2,
        created: second.created,
        updated: second.updated,
        model: "gpt-4o-mini",
        turns: 1,
        title: "Hi",
      },
      {
        id: 1,
        created: first.created,
        updated: first.updated,
        model: "gpt-4o",
        turns: 2,
        title: "What is certiorari?",
      },
    ]);
    for (const entry of listed) {
      assert.deepEqual(Object.keys(entry), [
        "id",
        "created",
        "updated",
        "model",
        "turns",
        "title",
      ]);
      assert.equal(new Date(entry.updated).toISOString(), entry.updated);
    }
    assert.equal(
      new Date(first.updated).toISOString(),
      (() => {
        using history = History.open(path);
        return history.get(1)!.turns[1].finished.toISOString();
      })(),
    );
    assert.equal(text.requests.length + asJson.requests.length, 0);
  },
);

historyTest(
  "main() --history N lists the latest N conversations, as text and as JSON; a bad N exits 2 and reads nothing",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    for (const prompt of ["One", "Two", "Three"]) await run([prompt], { env });
    const [third, second] = savedList(path);
    const two = await run(["--history", "2"], { env });
    assert.deepEqual(
      { code: two.code, stdout: two.stdout, stderr: two.stderr },
      {
        code: 0,
        stdout:
          `3  ${minute(new Date(third.updated))}  gpt-4o  1 turn  Three\n` +
          `2  ${minute(new Date(second.updated))}  gpt-4o  1 turn  Two\n`,
        stderr: "",
      },
    );
    const one = await run(["--history=1", "--json"], { env });
    assert.deepEqual(
      JSON.parse(one.stdout).map((each: { id: number }) => each.id),
      [3],
    );
    const all = await run(["--history", "50"], { env });
    assert.equal(all.stdout.split("\n").length - 1, 3);
    const bad = await run(["--history", "0"], { env });
    assert.deepEqual(
      { code: bad.code, stdout: bad.stdout, stderr: bad.stderr },
      {
        code: 2,
        stdout: "",
        stderr: "--history takes how many conversations to list (a number of " +
          'at least 1), not "0" (see --help)\n',
      },
    );
  },
);

historyTest(
  "main() --show prints a conversation as a transcript, and with --json its messages, ready to send again",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("Paris.", "About 2.1 million.");
    await run(["-s", "Be brief.", "Capital of France?"], { env, reply });
    const second = await run(["-c", "Its population?"], { env, reply });
    const [turn] = (() => {
      using history = History.open(path);
      const { turns } = history.get(1)!;
      return [{ from: turns[0].started, to: turns[1].finished }];
    })();
    const [from, to] = [minute(turn.from), minute(turn.to)];
    const text = await run(["--show", "1"], { env });
    assert.deepEqual(
      { code: text.code, stdout: text.stdout, stderr: text.stderr },
      {
        code: 0,
        stdout: [
          `conversation 1  gpt-4o  api.openai.com/v1  ${
            from === to ? from : `${from} – ${to}`
          }`,
          "system: Be brief.",
          "",
          "> Capital of France?",
          "",
          "Paris.",
          "[tokens: 27 prompt, 18 completion, 45 total]",
          "",
          "> Its population?",
          "",
          "About 2.1 million.",
          "[tokens: 27 prompt, 18 completion, 45 total]",
          "",
        ].join("\n"),
        stderr: "",
      },
    );
    const asJson = await run(["--show", "1", "--json"], { env });
    assert.equal(asJson.code, 0);
    const shown = JSON.parse(asJson.stdout);
    assert.deepEqual(shown, {
      id: 1,
      model: "gpt-4o",
      messages: [
        ...second.requests[0].body.messages as Message[],
        { role: "assistant", content: "About 2.1 million." },
      ],
    });
  },
);

historyTest(
  "main() --no-history and GPT4O_HISTORY=off save nothing",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const skipped = await run(["--no-history", "Hi"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
    });
    const off = await run(["Hi"], {
      env: { OPENAI_API_KEY: KEY, HOME: tmp.dir, GPT4O_HISTORY: "OFF" },
    });
    for (const { code, stdout, stderr } of [skipped, off]) {
      assert.deepEqual({ code, stdout, stderr }, {
        code: 0,
        stdout: `${ANSWER}\n`,
        stderr: "",
      });
    }
    assert.deepEqual([...Deno.readDirSync(tmp.dir)], []);
  },
);

historyTest(
  "main() --stream saves an answer cut off or interrupted as far as it got",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const cut = await run(["--stream", "First"], {
      env,
      reply: () =>
        pieces([
          sse([chunk({ content: "A case " }), chunk({ content: "reaches" })]),
        ]),
    });
    const interrupted = await run(["--stream", "Second"], {
      env,
      reply: (_, interrupt) => {
        setTimeout(interrupt, 20);
        return pieces([sse([chunk({ content: "A case" })])], { stall: true });
      },
    });
    assert.deepEqual(
      [cut, interrupted].map(({ code, stdout, stderr }) => ({
        code,
        stdout,
        stderr,
      })),
      [
        {
          code: 1,
          stdout: "A case reaches\n",
          stderr:
            "the answer was cut off: the stream ended before the server finished it\n",
        },
        { code: 130, stdout: "A case\n", stderr: "interrupted\n" },
      ],
    );
    const turn = {
      system: DEFAULT_SYSTEM,
      model: "gpt-4o",
      endpoint: "api.openai.com/v1",
    };
    assert.deepEqual([savedTurns(path, 1), savedTurns(path, 2)], [
      [{
        ...turn,
        prompt: "First",
        answer: "A case reaches",
        outcome: "cut off",
        error:
          "the answer was cut off: the stream ended before the server finished it",
      }],
      [{
        ...turn,
        prompt: "Second",
        answer: "A case",
        outcome: "interrupted",
        error: "interrupted",
      }],
    ]);
    // A follow-up sends the partial answers as they were kept.
    const { requests } = await run(["--conversation", "2", "Go on"], { env });
    assert.deepEqual(requests[0].body.messages, [
      { role: "system", content: DEFAULT_SYSTEM },
      { role: "user", content: "Second" },
      { role: "assistant", content: "A case" },
      { role: "user", content: "Go on" },
    ]);
  },
);

historyTest(
  "main() saves a refusal as refused and a server failure as failed, with their lines",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const refused = await run(["First"], {
      env,
      reply: () =>
        json(
          completion(null, { refusal: "I'm sorry, I can't help with that." }),
        ),
    });
    const failed = await run(["Second"], {
      env,
      reply: () =>
        json(apiError("The server had an error.", "server_error"), 500, {
          "retry-after-ms": "0",
        }),
    });
    const lines = [
      "the model refused: I'm sorry, I can't help with that.",
      "api.openai.com failed (500), still after retries: The server had an error.",
    ];
    assert.deepEqual(
      [refused, failed].map(({ code, stdout, stderr, requests }) => ({
        code,
        stdout,
        stderr,
        tries: requests.length,
      })),
      [
        { code: 1, stdout: "", stderr: `${lines[0]}\n`, tries: 1 },
        { code: 1, stdout: "", stderr: `${lines[1]}\n`, tries: 3 },
      ],
    );
    const turn = {
      system: DEFAULT_SYSTEM,
      model: "gpt-4o",
      endpoint: "api.openai.com/v1",
      answer: "",
    };
    assert.deepEqual([savedTurns(path, 1), savedTurns(path, 2)], [
      [{ ...turn, prompt: "First", outcome: "refused", error: lines[0] }],
      [{ ...turn, prompt: "Second", outcome: "failed", error: lines[1] }],
    ]);
  },
);

historyTest(
  "main() prints the answer with one warning and the same exit code when history cannot be used",
  async () => {
    await using tmp = await tempFolder();
    const corrupt = `${tmp.dir}/corrupt.db`;
    Deno.writeFileSync(
      corrupt,
      new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251),
    );
    const folder = `${tmp.dir}/folder.db`;
    Deno.mkdirSync(folder);
    const cases: [Record<string, string>, string][] = [
      [
        { GPT4O_HISTORY: corrupt },
        `cannot open the history at ${corrupt}: it is not a SQLite database, or ` +
        "it is damaged (move it away, or set GPT4O_HISTORY to another file)",
      ],
      [
        { GPT4O_HISTORY: folder },
        `cannot open the history at ${folder}: is a directory`,
      ],
      [
        { GPT4O_HISTORY: "" }, // counts as unset; and there is no HOME
        "cannot tell where to keep the history: HOME is not set (set " +
        "GPT4O_HISTORY to a file, or GPT4O_HISTORY=off)",
      ],
    ];
    for (const [history, warning] of cases) {
      const env = { OPENAI_API_KEY: KEY, ...history };
      const answered = await run(["Hi"], { env });
      assert.deepEqual(
        {
          code: answered.code,
          stdout: answered.stdout,
          stderr: answered.stderr,
        },
        {
          code: 0,
          stdout: `${ANSWER}\n`,
          stderr: `history not saved: ${warning}\n`,
        },
        warning,
      );
      const streamed = await run(["--stream", "Hi"], {
        env,
        reply: () => pieces([streamOf(["A case"], { finish: "length" })]),
      });
      assert.deepEqual(
        {
          code: streamed.code,
          stdout: streamed.stdout,
          stderr: streamed.stderr,
        },
        {
          code: 0,
          stdout: "A case\n",
          stderr:
            "the answer was cut off at the model's token limit (finish_reason: length)\n" +
            `history not saved: ${warning}\n`,
        },
        warning,
      );
      const failed = await run(["Hi"], {
        env,
        reply: () =>
          json(apiError("Invalid model", "invalid_request_error"), 400),
      });
      assert.deepEqual(
        { code: failed.code, stdout: failed.stdout, stderr: failed.stderr },
        {
          code: 1,
          stdout: "",
          stderr: "api.openai.com refused the request (400): Invalid model\n" +
            `history not saved: ${warning}\n`,
        },
        warning,
      );
    }
    // The corrupt file is left as it was.
    assert.equal(Deno.readFileSync(corrupt).length, 4096);
  },
);

historyTest(
  "main() masks a key pasted into the prompt or the system message, as sent and as saved",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, requests } = await run(
      ["-s", `Key: ${KEY}`, "Is this mine?"],
      {
        env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        stdin: `key=${KEY}\n`,
      },
    );
    assert.equal(code, 0);
    assert.deepEqual(requests[0].body.messages, [
      { role: "system", content: "Key: [redacted]" },
      { role: "user", content: "Is this mine?\n\nkey=[redacted]" },
    ]);
    const [{ system, prompt }] = savedTurns(path, 1)!;
    assert.deepEqual({ system, prompt }, {
      system: "Key: [redacted]",
      prompt: "Is this mine?\n\nkey=[redacted]",
    });
  },
);

historyTest(
  "main() never writes the key to the history, even when the server echoes it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const echoed = await run(["What is my key?"], {
      env,
      reply: () => json(completion(`Your key is ${KEY}.`)),
    });
    const streamed = await run(["--stream", "Again?"], {
      env,
      reply: () =>
        pieces([streamOf(["It is ", KEY.slice(0, 20), KEY.slice(20)])]),
    });
    const quoted = await run(["Once more?"], {
      env,
      reply: () =>
        json(apiError(`Project for key ${KEY} has no access.`, "denied"), 403),
    });
    assert.deepEqual(
      [echoed, streamed, quoted].map(({ code, stdout, stderr }) => ({
        code,
        stdout,
        stderr,
      })),
      [
        { code: 0, stdout: "Your key is [redacted].\n", stderr: "" },
        { code: 0, stdout: "It is [redacted]\n", stderr: "" },
        {
          code: 1,
          stdout: "",
          stderr:
            "api.openai.com denied access (403): Project for key [redacted] has no access.\n",
        },
      ],
    );
    assert.deepEqual(
      [1, 2, 3].map((id) => {
        const [{ answer, error }] = savedTurns(path, id)!;
        return { answer, error };
      }),
      [
        { answer: "Your key is [redacted].", error: undefined },
        { answer: "It is [redacted]", error: undefined },
        {
          answer: "",
          error:
            "api.openai.com denied access (403): Project for key [redacted] has no access.",
        },
      ],
    );
    const bytes = [path, `${path}-wal`].flatMap((file) => {
      try {
        return [new TextDecoder("latin1").decode(Deno.readFileSync(file))];
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return [];
        throw error;
      }
    }).join("");
    assert.ok(bytes.includes("What is my key?"), "the database was not read");
    for (let i = 0; i + 12 <= KEY.length; i++) {
      assert.ok(
        !bytes.includes(KEY.slice(i, i + 12)),
        "the key is in the history",
      );
    }
  },
);

historyTest(
  "main() -c follows up where the conversation went: its provider and model",
  async () => {
    await using tmp = await tempFolder();
    const env = {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: "http://127.0.0.1:1337/v1",
      GPT4O_HISTORY: `${tmp.dir}/history.db`,
    };
    const reply = answering("Hi!", "Still here.");
    const first = await run(["-m", "ollama:llama3.2", "Hi"], { env, reply });
    const second = await run(["-c", "More"], { env, reply });
    assert.deepEqual([first.code, second.code, second.stderr], [0, 0, ""]);
    assert.deepEqual(
      [...first.requests, ...second.requests].map(({ url, body }) => [
        url,
        body.model,
      ]),
      [
        ["http://localhost:11434/v1/chat/completions", "llama3.2"],
        ["http://localhost:11434/v1/chat/completions", "llama3.2"],
      ],
    );
  },
);

historyTest(
  "main() -c says so in one line when the conversation's server is not the one configured now",
  async () => {
    await using tmp = await tempFolder();
    const env = {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: "http://127.0.0.1:1337/v1",
      GPT4O_HISTORY: `${tmp.dir}/history.db`,
    };
    const reply = answering("A.", "B.", "C.");
    await run(["Hi"], { env, reply });
    const moved = { ...env, OPENAI_BASE_URL: "http://127.0.0.1:8080/v1" };
    const followUp = await run(["-c", "More"], { env: moved, reply });
    assert.deepEqual([followUp.code, followUp.stdout, followUp.stderr], [
      0,
      "B.\n",
      "conversation 1 was held with 127.0.0.1:1337/v1; its earlier turns now " +
      "go to 127.0.0.1:8080/v1\n",
    ]);
    // A model named on the command line says where it goes: no note.
    const named = await run(["-c", "-m", "gpt-4o", "Again"], {
      env: { ...env, OPENAI_BASE_URL: "http://127.0.0.1:9090/v1" },
      reply,
    });
    assert.equal(named.stderr, "");
  },
);

historyTest(
  "main() waits for the save when a signal arrives as the answer ends, then exits with the signal's code",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let interrupt: (() => void) | undefined;
    const { code, stdout, stderr } = await run(["Hi"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      reply: (_, signal) => {
        interrupt = () => signal("SIGTERM");
        return json(completion("Done."));
      },
      stdout: (text) => {
        if (text.includes("Done.")) interrupt?.(); // as the answer is printed
      },
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 143,
      stdout: "",
      stderr: "",
    });
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ answer, outcome }) => ({ answer, outcome })),
      [{ answer: "Done.", outcome: "answered" }],
    );
  },
);
