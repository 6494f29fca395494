/**
 * The whole program in-process, probed as a hostile server, a hostile file or
 * a hostile working folder would: no secret leaves by a side door, nothing a
 * server sends acts on the terminal, and the history keeps what it was given.
 */
import assert from "node:assert/strict";
import {
  ANSWER,
  chunk,
  completion,
  sse,
  streamOf,
} from "../testdata/fixtures.ts";
import {
  answering,
  historyTest,
  json,
  KEY,
  pieces,
  run,
  savedTurns,
  tempFolder,
} from "../testdata/harness.ts";
import { History } from "../src/history/store.ts";
import { screenOf } from "../testdata/screen.ts";

const GROQ_KEY = "gsk-groq-SECRET-0123456789abcdef";
const HEADER_SECRET = "gw-token-SECRET-0123456789";

// --- secrets -------------------------------------------------------------------

Deno.test("main() follows no redirect to another server: nothing goes there, and one line says where it pointed", async () => {
  const { code, stdout, stderr, requests } = await run([], {
    env: {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: "http://127.0.0.1:1337/v1",
      OPENAI_CUSTOM_HEADERS: `X-Gw-Token: ${HEADER_SECRET}`,
      OPENAI_ORG_ID: "org-SECRET-0123456789",
    },
    reply: () =>
      new Response(null, {
        status: 307,
        headers: {
          location: "http://collector.example/v1/chat/completions?k=1",
        },
      }),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 2,
    stdout: "",
    stderr: "127.0.0.1:1337 redirected the request (307) to " +
      "http://collector.example/v1/chat/completions, which is not followed " +
      "so that no key or header goes to another server: if the API is there, " +
      "set OPENAI_BASE_URL=http://collector.example/v1\n",
  });
  assert.deepEqual(requests.map(({ url }) => url), [
    "http://127.0.0.1:1337/v1/chat/completions",
  ]);
});

Deno.test("main() follows a 307 or 308 within the same server, with its body", async () => {
  let n = 0;
  const { code, stdout, requests } = await run(["Hi"], {
    env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: "http://127.0.0.1:1337/v1" },
    reply: () =>
      n++ === 0
        ? new Response(null, {
          status: 308,
          headers: { location: "/v2/chat/completions" },
        })
        : json(completion()),
  });
  assert.deepEqual([code, stdout], [0, `${ANSWER}\n`]);
  assert.deepEqual(requests.map(({ url, body }) => [url, body.model]), [
    ["http://127.0.0.1:1337/v1/chat/completions", "gpt-4o"],
    ["http://127.0.0.1:1337/v2/chat/completions", "gpt-4o"],
  ]);
});

historyTest(
  "main() masks every secret it can read, whichever provider answers: in output and in the history",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = {
      OPENAI_API_KEY: KEY,
      GROQ_API_KEY: GROQ_KEY,
      OPENAI_CUSTOM_HEADERS: `X-Gw-Token: ${HEADER_SECRET}`,
      OLLAMA_HOST: "http://admin:S3cretPassw0rd99@127.0.0.1:11434",
      GPT4O_HISTORY: path,
    };
    const echo = `keys ${KEY} ${GROQ_KEY} ${HEADER_SECRET} S3cretPassw0rd99`;
    const { code, stdout, requests } = await run(
      ["-m", "ollama:llama3.2", `Say ${GROQ_KEY}`],
      { env, reply: answering(echo) },
    );
    assert.equal(code, 0);
    assert.equal(stdout, "keys [redacted] [redacted] [redacted] [redacted]\n");
    assert.equal(requests[0].url, "http://127.0.0.1:11434/v1/chat/completions");
    const [turn] = savedTurns(path, 1)!;
    assert.deepEqual([turn.prompt, turn.answer], [
      "Say [redacted]",
      "keys [redacted] [redacted] [redacted] [redacted]",
    ]);
    const bytes = new TextDecoder().decode(Deno.readFileSync(path));
    for (const secret of [GROQ_KEY, HEADER_SECRET, "S3cretPassw0rd99"]) {
      assert.ok(!bytes.includes(secret), secret);
    }
  },
);

historyTest(
  "main() sends no secret it knows: the prompt, a file named on its own, the system message, an attachment's text and the chat's earlier answers go masked, as --show shows them",
  async (t) => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const file = `${tmp.dir}/.env`;
    Deno.writeTextFileSync(
      file,
      `OPENAI_API_KEY=${KEY}\nGROQ_API_KEY=${GROQ_KEY}\n` +
        `X_GW=${HEADER_SECRET}\nPASS=S3cretPassw0rd99\nQUERY=q-0123456789abcdef\n`,
    );
    const env = {
      OPENAI_API_KEY: KEY,
      GROQ_API_KEY: GROQ_KEY,
      OPENAI_CUSTOM_HEADERS: `X-Gw-Token: ${HEADER_SECRET}`,
      OPENAI_BASE_URL:
        "http://admin:S3cretPassw0rd99@127.0.0.1:1337/v1?api-key=q-0123456789abcdef",
      GPT4O_HISTORY: path,
    };
    const masked = "OPENAI_API_KEY=[redacted]\nGROQ_API_KEY=[redacted]\n" +
      "X_GW=[redacted]\nPASS=[redacted]\nQUERY=[redacted]\n";
    const fence = "`".repeat(3);
    const prompt = `Say ${
      KEY.slice(0, 20)
    }\n\n${file}\n${fence}\n${masked}${fence}`;
    await t.step("a single question, a file with it", async () => {
      const { code, stderr, requests } = await run(
        ["-s", `Mine: ${HEADER_SECRET}`, "-f", file, `Say ${KEY.slice(0, 20)}`],
        { env },
      );
      assert.deepEqual([code, stderr], [0, ""]);
      assert.deepEqual(requests[0].body.messages, [
        { role: "system", content: "Mine: [redacted]" },
        {
          role: "user",
          content: prompt.replace(KEY.slice(0, 20), "[redacted]"),
        },
      ]);
      const shown = await run(["--show", "1", "--json"], { env });
      assert.deepEqual(
        JSON.parse(shown.stdout).messages,
        requests[0].body.messages.concat({
          role: "assistant",
          content: ANSWER,
        }),
      );
    });
    await t.step("an image's text part", async () => {
      const { code, requests } = await run(
        ["-a", "testdata/attachments/pixel.png", "-f", file, "Hi"],
        { env },
      );
      assert.equal(code, 0);
      const [message] = (requests[0].body.messages as {
        content: { type: string; text?: string }[];
      }[]).slice(-1);
      assert.deepEqual(message.content[0], {
        type: "text",
        text: `Hi\n\n${file}\n${fence}\n${masked}${fence}`,
      });
      assert.equal(message.content[1].type, "image_url");
    });
    await t.step("a chat's earlier answer that echoed a key", async () => {
      const { code, requests } = await run(["--chat"], {
        env,
        lines: [`Remember ${GROQ_KEY}`, "And?"],
        reply: answering(`It is ${GROQ_KEY}.`, "Done."),
      });
      assert.equal(code, 0);
      assert.deepEqual((requests[1].body.messages as unknown[]).slice(1), [
        { role: "user", content: "Remember [redacted]" },
        { role: "assistant", content: "It is [redacted]." },
        { role: "user", content: "And?" },
      ]);
    });
  },
);

historyTest(
  "main() keeps no key of the base URL's path in the history's endpoint",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code } = await run(["Hi"], {
      env: {
        OPENAI_BASE_URL:
          "http://127.0.0.1:1337/proxy/sk-path-0123456789abcdefgh/v1",
        GPT4O_HISTORY: path,
      },
    });
    assert.equal(code, 0);
    assert.equal(
      savedTurns(path, 1)![0].endpoint,
      "127.0.0.1:1337/proxy/[redacted]/v1",
    );
  },
);

Deno.test("main() --providers never shows OLLAMA_HOST's user, password or query", async () => {
  const { code, stdout } = await run(["--providers"], {
    env: {
      OLLAMA_HOST:
        "https://admin:S3cretPassw0rd99@ollama.example/?token=T0ken0123456789",
    },
  });
  assert.equal(code, 0);
  assert.match(
    stdout,
    /^ollama +https:\/\/ollama\.example\/v1 +- +no key needed/m,
  );
  for (const secret of ["admin", "S3cretPassw0rd99", "T0ken0123456789"]) {
    assert.ok(!stdout.includes(secret), secret);
  }
});

Deno.test("main() sends no key of the environment to a server only .env names: exit 2 naming both", async (t) => {
  const dotenv = "OPENAI_BASE_URL=http://collector.example/v1\n";
  await t.step("a key from the environment", async () => {
    const { code, stdout, stderr, requests } = await run([], {
      env: { OPENAI_API_KEY: KEY },
      dotenv,
    });
    assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
      code: 2,
      stdout: "",
      stderr:
        ".env in this directory sets OPENAI_BASE_URL, and OPENAI_API_KEY " +
        "comes from your environment: a secret from the environment goes " +
        "only to a server the environment names (or to -m provider:); set " +
        "OPENAI_BASE_URL in the environment, or OPENAI_API_KEY in that .env\n",
      sent: 0,
    });
  });
  await t.step("custom headers from the environment", async () => {
    const { code, stderr, requests } = await run([], {
      env: { OPENAI_CUSTOM_HEADERS: `X-Gw-Token: ${HEADER_SECRET}` },
      dotenv,
    });
    assert.equal(code, 2);
    assert.match(
      stderr,
      /, and OPENAI_CUSTOM_HEADERS comes from your environment/,
    );
    assert.equal(requests.length, 0);
  });
  await t.step(
    "the key from the same .env, or none, is sent there",
    async () => {
      for (
        const [file, token] of [[
          `${dotenv}OPENAI_API_KEY=sk-file-0123456789\n`,
          "sk-file-0123456789",
        ], [dotenv, "secret"]]
      ) {
        const { code, requests } = await run([], { env: {}, dotenv: file });
        assert.equal(code, 0);
        assert.deepEqual(
          requests.map(({ url, authorization }) => [url, authorization]),
          [["http://collector.example/v1/chat/completions", `Bearer ${token}`]],
        );
      }
    },
  );
  await t.step(
    "a base URL from the environment takes the key from .env",
    async () => {
      const { code, requests } = await run([], {
        env: { OPENAI_BASE_URL: "http://127.0.0.1:1337/v1" },
        dotenv: "OPENAI_API_KEY=sk-file-0123456789\n",
      });
      assert.equal(code, 0);
      assert.equal(requests[0].authorization, "Bearer sk-file-0123456789");
    },
  );
});

// --- the terminal ------------------------------------------------------------------

const HOSTILE = "\x1b]0;pwned\x07Hi\x1b[2J\x1b[8mhidden\x1b[0m\r\n";
const SHOWN = "␛]0;pwned␇Hi␛[2J␛[8mhidden␛[0m\n";

Deno.test("main() shows a server's control sequences on a terminal instead of obeying them, and pipes the exact text", async (t) => {
  await t.step("an answer, at a terminal", async () => {
    const { stdout } = await run([], {
      stdoutTerminal: true,
      reply: () => json(completion(HOSTILE)),
    });
    assert.equal(stdout, SHOWN);
  });
  await t.step("a streamed answer, at a terminal", async () => {
    const { stdout } = await run(["--stream"], {
      stdoutTerminal: true,
      reply: () => pieces([streamOf(["\x1b]0;pw", "ned\x07Hi", "\x1b[2J"])]),
    });
    assert.equal(screenOf(stdout), "␛]0;pwned␇Hi␛[2J\n");
  });
  await t.step("an answer, into a pipe: byte for byte", async () => {
    const { stdout } = await run([], {
      reply: () => json(completion(HOSTILE)),
    });
    assert.equal(stdout, HOSTILE);
  });
  await t.step(
    "an error, a refusal and the -v model name, on stderr always",
    async () => {
      const error = await run([], {
        reply: () => json({ error: { message: `bad\x1b[2J${HOSTILE}` } }, 400),
      });
      assert.equal(
        error.stderr,
        `api.openai.com refused the request (400): bad␛[2J${SHOWN.trimEnd()}\n`,
      );
      const refused = await run([], {
        reply: () => json(completion(null, { refusal: "No\x1b[8m." })),
      });
      assert.equal(refused.stderr, "the model refused: No␛[8m.\n");
      const verbose = await run(["-v"], {
        reply: () => json({ ...completion(), model: "gpt\x1b]0;x\x07" }),
      });
      assert.ok(verbose.stderr.startsWith("model gpt␛]0;x␇, tokens"));
    },
  );
  await t.step(
    "reasoning: the server's escapes shown, the program's dim kept",
    async () => {
      const { stderr } = await run(["--stream", "--reasoning"], {
        terminal: true,
        reply: () =>
          pieces([sse([
            chunk({ content: null, reasoning_content: "think\x1b[8m" }),
            chunk({ content: "Paris" }),
            chunk({}, "stop"),
          ])]),
      });
      assert.equal(stderr, "\x1b[2mthink␛[8m\x1b[22m\n\n");
    },
  );
});

historyTest(
  "main() --show replays a saved answer's control sequences visible at a terminal, exact into a pipe",
  async () => {
    await using tmp = await tempFolder();
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: `${tmp.dir}/h.db` };
    await run(["Hi"], { env, reply: () => json(completion("a\x1b[2Jb")) });
    const terminal = await run(["--show", "1"], { env, stdoutTerminal: true });
    assert.ok(terminal.stdout.includes("\na␛[2Jb\n"), terminal.stdout);
    const piped = await run(["--show", "1"], { env });
    assert.ok(piped.stdout.includes("\na\x1b[2Jb\n"), piped.stdout);
  },
);

// --- the history -------------------------------------------------------------------

historyTest(
  "main() -c sends an answer with a NUL whole, as it was saved",
  async () => {
    await using tmp = await tempFolder();
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: `${tmp.dir}/h.db` };
    await run(["Hi"], { env, reply: () => json(completion("be\0fore after")) });
    const { requests } = await run(["-c", "More"], { env });
    assert.deepEqual(requests[0].body.messages, [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "be\0fore after" },
      { role: "user", content: "More" },
    ]);
  },
);

historyTest(
  "main() -c says so in one line when a follow-up sends more than a million characters of earlier turns",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/h.db`;
    {
      using history = History.open(path);
      const at = new Date();
      history.save({
        system: "s",
        prompt: "Hi",
        model: "gpt-4o",
        endpoint: "api.openai.com/v1",
        answer: "x".repeat(1_200_000),
        outcome: "answered",
        started: at,
        finished: at,
      });
    }
    const { code, stderr } = await run(["-c", "More"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
    });
    assert.deepEqual([code, stderr], [
      0,
      "following up conversation 1 sends its earlier turns: 1.2 million " +
      "characters with each request (a new question without -c, or /clear " +
      "in the chat, sends none)\n",
    ]);
  },
);

Deno.test("main() -c says in one line that it may not read where the history is", async () => {
  const { code, stderr, requests } = await run(["-c", "Hi"], {
    env: { OPENAI_API_KEY: KEY },
    denied: ["GPT4O_HISTORY"],
  });
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 2,
    stderr: "no permission to read GPT4O_HISTORY, XDG_DATA_HOME, HOME or " +
      "APPDATA: run `deno task start`, or add --no-history\n",
    sent: 0,
  });
});

// --- messages ------------------------------------------------------------------------

Deno.test("main() points out a provider one or two letters off, and sends the model as named", async () => {
  const { code, stderr, requests } = await run(["-m", "olama:llama3.2", "Hi"], {
    env: { OPENAI_BASE_URL: "http://127.0.0.1:1337/v1" },
  });
  assert.equal(code, 0);
  assert.equal(
    stderr,
    'olama: names no provider: did you mean ollama:? (sending the model "olama:llama3.2" as named)\n',
  );
  assert.deepEqual(requests.map(({ url, body }) => [url, body.model]), [
    ["http://127.0.0.1:1337/v1/chat/completions", "olama:llama3.2"],
  ]);
});

Deno.test("main() --history with --no-history asks nothing: exit 2", async () => {
  for (
    const args of [["--history", "--no-history"], ["--no-history", "--history"]]
  ) {
    const { code, stderr, requests } = await run(args);
    assert.deepEqual({ code, stderr, sent: requests.length }, {
      code: 2,
      stderr: "use --history or --no-history, not both (see --help)\n",
      sent: 0,
    }, args.join(" "));
  }
});

Deno.test("main() --stream ends a stream of null content and one of empty content alike", async () => {
  const runs = await Promise.all([null, ""].map((content) =>
    run(["--stream"], {
      reply: () =>
        pieces([
          sse([
            chunk({ role: "assistant", content }),
            chunk({ content }, "stop"),
          ]) + "data: [DONE]\n\n",
        ]),
    })
  ));
  assert.deepEqual(
    runs.map(({ code, stdout, stderr }) => ({ code, stdout, stderr })),
    [
      {
        code: 1,
        stdout: "",
        stderr: "the server returned no text (finish_reason: stop)\n",
      },
      {
        code: 1,
        stdout: "",
        stderr: "the server returned no text (finish_reason: stop)\n",
      },
    ],
  );
});

Deno.test("main() --stream takes a JSON answer without finish_reason as a whole answer", async () => {
  const body = completion() as { choices: Record<string, unknown>[] };
  delete body.choices[0].finish_reason;
  const { code, stdout, stderr } = await run(["--stream"], {
    reply: () => json(body),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr: "",
  });
});
