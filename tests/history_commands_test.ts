/** The whole program in-process: searching, naming, deleting, exporting and importing the history, and its usage. */
import assert from "node:assert/strict";
import {
  answering,
  CONFIG_PATH,
  historyTest,
  json,
  KEY,
  minute,
  run,
  savedList,
  savedTurns,
  sentMessages,
  tempFolder,
} from "../testdata/harness.ts";
import { completion } from "../testdata/fixtures.ts";
import { History } from "../src/history/store.ts";
import { createHash } from "node:crypto";

const sha256Of = (bytes: Uint8Array) =>
  createHash("sha256").update(bytes).digest("hex");

/** A history in a temporary folder, and the environment that uses it. */
async function withHistory() {
  const tmp = await tempFolder();
  const path = `${tmp.dir}/history.db`;
  return {
    path,
    env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
    [Symbol.asyncDispose]: () => tmp[Symbol.asyncDispose](),
  };
}

historyTest(
  "main() --search lists the conversations that hold the words, prompt matches first, with the match marked; --json as an array",
  async () => {
    await using h = await withHistory();
    const { env } = h;
    await run(["Tell me about juries"], {
      env,
      reply: answering("A jury may hear an appeal in some courts."),
    });
    await run(["How does an appeal reach the Supreme Court?"], {
      env,
      reply: answering("Through a petition."),
    });
    await run(["Best pasta?"], { env, reply: answering("Carbonara.") });
    const [, appeal, juries] = savedList(h.path);
    const text = await run(["--search", "appeal"], { env });
    assert.deepEqual(
      { code: text.code, stdout: text.stdout, stderr: text.stderr },
      {
        code: 0,
        stdout: `2  ${minute(new Date(appeal.updated))}  ` +
          "How does an appeal reach the Supreme Court?\n" +
          "    How does an «appeal» reach the Supreme Court?\n" +
          `1  ${minute(new Date(juries.updated))}  Tell me about juries\n` +
          "    A jury may hear an «appeal» in some courts.\n",
        stderr: "",
      },
    );
    const asJson = await run(["--search", "appeal", "--json"], { env });
    const hits = JSON.parse(asJson.stdout);
    assert.deepEqual(hits.map((hit: { id: number }) => hit.id), [2, 1]);
    assert.deepEqual(Object.keys(hits[0]), [
      "id",
      "title",
      "created",
      "updated",
      "snippet",
      "score",
    ]);
    assert.ok(hits[0].score > hits[1].score);
    const words = await run(["--search", "supreme", "court"], { env });
    assert.match(words.stdout, /^2 /);
    const none = await run(["--search", "zebra"], { env });
    assert.deepEqual([none.code, none.stdout], [
      0,
      'no conversation holds "zebra"\n',
    ]);
  },
);

historyTest(
  "main() --search with no words, or with a prompt's options, exits 2 and reads nothing",
  async () => {
    await using h = await withHistory();
    for (
      const [args, stderr] of [
        [
          ["--search"],
          '--search needs words to look for: gpt4o --search "supreme court" (see --help)\n',
        ],
        [
          ["--search", "x", "--chat"],
          "--search asks nothing: give it no prompt, --chat, --continue or --conversation (see --help)\n",
        ],
        [
          ["--search", "x", "--usage"],
          "use one of --search, --usage at a time, not several (see --help)\n",
        ],
      ] as const
    ) {
      const result = await run([...args], { env: h.env });
      assert.deepEqual([result.code, result.stdout, result.stderr], [
        2,
        "",
        stderr,
      ]);
    }
  },
);

historyTest(
  "main() --title names the conversation; --conversation NAME follows it up; --history shows the name",
  async () => {
    await using h = await withHistory();
    const { env } = h;
    const first = await run(["--title", "court notes", "What is certiorari?"], {
      env,
      reply: answering("A writ."),
    });
    assert.deepEqual([first.code, first.stderr], [0, ""]);
    await run(["Unrelated"], { env, reply: answering("Sure.") });
    const next = await run(
      ["--conversation", "court notes", "And mandamus?"],
      { env, reply: answering("An order.") },
    );
    assert.deepEqual([next.code, next.stderr], [0, ""]);
    assert.deepEqual(sentMessages(next.requests), [[
      "system: You are a helpful assistant.",
      "user: What is certiorari?",
      "assistant: A writ.",
      "user: And mandamus?",
    ]]);
    const listed = savedList(h.path);
    assert.deepEqual(
      listed.map(({ id, title, name, turns }) => ({ id, title, name, turns })),
      [
        { id: 1, title: "court notes", name: "court notes", turns: 2 },
        { id: 2, title: "Unrelated", name: undefined, turns: 1 },
      ],
    );
    const shown = await run(["--history"], { env });
    assert.match(shown.stdout, /^1 .* 2 turns {2}court notes\n2 /);
    // -c with --title renames the conversation it follows up.
    await run(["-c", "--title", "misc", "More?"], {
      env,
      reply: answering("No."),
    });
    assert.equal(savedList(h.path)[0].name, "misc");
  },
);

historyTest(
  "main() --title refuses a name another conversation has, naming it, before anything is sent",
  async () => {
    await using h = await withHistory();
    const { env } = h;
    await run(["--title", "taxes", "Q1"], { env, reply: answering("A1") });
    const clash = await run(["--title", "taxes", "Q2"], { env });
    assert.deepEqual(
      [clash.code, clash.stdout, clash.stderr, clash.requests.length],
      [
        2,
        "",
        'the name "taxes" is taken by conversation 1: follow it up with ' +
        "--conversation 1, or choose another name\n",
        0,
      ],
    );
    const unknown = await run(["--conversation", "nope", "Q"], { env });
    assert.deepEqual([unknown.code, unknown.stderr, unknown.requests.length], [
      2,
      'there is no conversation named "nope": --history lists them\n',
      0,
    ]);
    for (
      const [args, stderr] of [
        [
          ["--title", "2026", "Q"],
          `--title takes a name with a letter in it (a number is a conversation's id), not "2026" (see --help)\n`,
        ],
        [
          ["--title", "x", "--no-history", "Q"],
          "--title names a conversation in the history: not with --no-history (see --help)\n",
        ],
        [
          ["--title", "x", "--history"],
          "--title names the conversation a question starts or follows up: not with --history (see --help)\n",
        ],
      ] as const
    ) {
      const result = await run([...args], { env });
      assert.deepEqual([result.code, result.stderr, result.requests.length], [
        2,
        stderr,
        0,
      ]);
    }
  },
);

historyTest(
  "main() --chat: /title names the conversation, before its first answer or after; /search lists what holds the words",
  async () => {
    await using h = await withHistory();
    const { env } = h;
    await run(["--title", "taken", "Q0"], { env, reply: answering("A0") });
    const chat = await run(["--chat"], {
      env,
      lines: [
        "/title appeals",
        "How do appeals work?",
        "/title taken",
        "/title appeals, renamed",
        "/search appeals",
        "/search",
        "/title 12",
      ],
      reply: answering("Step by step."),
    });
    assert.equal(chat.code, 0);
    assert.equal(
      chat.stderr,
      'the conversation is named "appeals" once its first answer is saved\n' +
        'the name "taken" is taken by conversation 1: follow it up with ' +
        "--conversation 1, or choose another name\n" +
        'conversation 2 is named "appeals, renamed"\n' +
        `2  ${
          minute(new Date(savedList(h.path)[0].updated))
        }  appeals, renamed\n` +
        "    How do «appeals» work?\n" +
        '/search takes words to look for: /search "supreme court"\n' +
        `/title takes a name with a letter in it (a number is a conversation's id), not "12"\n`,
    );
    assert.deepEqual(savedList(h.path).map(({ id, name }) => [id, name]), [
      [2, "appeals, renamed"],
      [1, "taken"],
    ]);
  },
);

/** Saves conversations straight into the history at `path`, last used `days` ago each. */
function saveAged(path: string, ...conversations: [string, number][]) {
  using history = History.open(path);
  for (const [prompt, days] of conversations) {
    const at = new Date(Date.now() - days * 86_400_000);
    history.save({
      system: "You are a helpful assistant.",
      prompt,
      model: "gpt-4o",
      endpoint: "api.openai.com/v1",
      answer: `About ${prompt}.`,
      outcome: "answered",
      started: at,
      finished: at,
    });
  }
}

historyTest(
  "main() --delete asks at a terminal, then deletes the conversations named by id or name, and says what it did",
  async () => {
    await using h = await withHistory();
    const { env, path } = h;
    saveAged(path, ["juries", 3], ["appeals", 2], ["pasta", 1]);
    await run(["--conversation", "2", "--title", "appeal notes", "More?"], {
      env,
      reply: answering("Yes."),
    });
    const declined = await run(["--delete", "1", "appeal notes"], {
      env,
      terminal: true,
      lines: ["n"],
    });
    assert.deepEqual(
      [declined.code, declined.stdout, declined.stderr],
      [
        0,
        'delete 2 conversations (1 "juries", 2 "appeal notes") for good? [y/N] ',
        "nothing was deleted\n",
      ],
    );
    assert.equal(savedList(path).length, 3);
    const done = await run(["--delete", "1", "appeal notes"], {
      env,
      terminal: true,
      lines: ["y"],
    });
    assert.deepEqual(
      [done.code, done.stdout, done.stderr],
      [
        0,
        'delete 2 conversations (1 "juries", 2 "appeal notes") for good? [y/N] ' +
        "deleted 2 conversations (3 turns)\n",
        "",
      ],
    );
    assert.deepEqual(savedList(path).map(({ id }) => id), [3]);
    const search = await run(["--search", "juries"], { env });
    assert.equal(search.stdout, 'no conversation holds "juries"\n');
  },
);

historyTest(
  "main() --delete without a terminal needs --yes; an unknown one deletes nothing; Ctrl-C at the question stops",
  async () => {
    await using h = await withHistory();
    const { env, path } = h;
    saveAged(path, ["juries", 3], ["appeals", 2]);
    const piped = await run(["--delete", "1"], { env });
    assert.deepEqual([piped.code, piped.stdout, piped.stderr], [
      2,
      "",
      '--delete deletes 1 conversation (1 "juries") for good: give --yes to ' +
      "do it without a terminal to ask (see --help)\n",
    ]);
    const unknown = await run(["--delete", "1", "9", "--yes"], { env });
    assert.deepEqual([unknown.code, unknown.stderr], [
      2,
      "there is no conversation 9: --history lists them\n",
    ]);
    const stopped = await run(["--delete", "2"], {
      env,
      terminal: true,
      lines: ["\x03"],
    });
    assert.equal(stopped.code, 130);
    assert.equal(savedList(path).length, 2);
    const yes = await run(["--delete", "2", "2", "--yes"], { env });
    assert.deepEqual([yes.code, yes.stdout, yes.stderr], [
      0,
      "deleted 1 conversation (1 turn)\n",
      "",
    ]);
    assert.deepEqual(savedList(path).map(({ id }) => id), [1]);
  },
);

historyTest(
  "main() --prune AGE deletes the conversations unused for that long, oldest first in the question",
  async () => {
    await using h = await withHistory();
    const { env, path } = h;
    saveAged(
      path,
      ["a", 90],
      ["b", 60],
      ["c", 45],
      ["d", 40],
      ["e", 35],
      ["f", 31],
      ["recent", 2],
    );
    const asked = await run(["--prune", "30d"], {
      env,
      terminal: true,
      lines: ["yes"],
    });
    assert.deepEqual([asked.code, asked.stdout], [
      0,
      'delete 6 conversations (1 "a", 2 "b", 3 "c", 4 "d", 5 "e", and 1 more) ' +
      "for good? [y/N] deleted 6 conversations (6 turns)\n",
    ]);
    assert.deepEqual(savedList(path).map(({ title }) => title), ["recent"]);
    const none = await run(["--prune", "1w", "--yes"], { env });
    assert.deepEqual([none.code, none.stdout], [
      0,
      "no conversation has gone unused for 1w\n",
    ]);
  },
);

/** A PNG's bytes, read when a test needs them (plain `deno test` may read nothing). */
const pixel = () =>
  Deno.readFileSync(
    new URL("../testdata/attachments/pixel.png", import.meta.url),
  );

historyTest(
  "main() --export prints conversations as JSON in OpenAI's format; --import adds them under new ids, and -c continues one",
  async () => {
    const PIXEL = pixel();
    await using from = await withHistory();
    await run(["--title", "court notes", "What is certiorari?"], {
      env: from.env,
      reply: answering("A writ."),
    });
    await run(["-c", "-s", "Be brief.", "And mandamus?"], {
      env: from.env,
      reply: answering("An order."),
    });
    {
      using history = History.open(from.path);
      const at = new Date("2026-11-02T09:00:00Z");
      history.save({
        system: "You are a helpful assistant.",
        prompt: "What is in it?",
        model: "openrouter:openai/gpt-4o",
        endpoint: "openrouter.ai/api/v1",
        answer: "Two notes.",
        outcome: "answered",
        started: at,
        finished: at,
        attachments: [
          {
            name: "pixel.png",
            kind: "png",
            bytes: PIXEL,
            sha256: sha256Of(PIXEL),
          },
          {
            name: "https://example.com/a.png",
            kind: "url",
            url: "https://example.com/a.png",
          },
        ],
        toolMessages: [
          {
            role: "assistant",
            content: null,
            tool_calls: [{
              id: "call_1",
              type: "function",
              function: { name: "search", arguments: '{"q":"court"}' },
            }],
          },
          { role: "tool", tool_call_id: "call_1", content: "court.md" },
        ],
      });
    }
    const all = await run(["--export"], { env: from.env });
    assert.deepEqual([all.code, all.stderr], [0, ""]);
    const conversations = JSON.parse(all.stdout);
    const [first, second] = [1, 2].map((id) =>
      savedList(from.path).find((each) => each.id === id)!
    );
    assert.deepEqual(conversations, [
      {
        id: 1,
        title: "court notes",
        name: "court notes",
        created: first.created,
        updated: first.updated,
        model: "gpt-4o",
        messages: [
          { role: "system", content: "You are a helpful assistant." },
          { role: "user", content: "What is certiorari?" },
          { role: "assistant", content: "A writ." },
          { role: "system", content: "Be brief." },
          { role: "user", content: "And mandamus?" },
          { role: "assistant", content: "An order." },
        ],
      },
      {
        id: 2,
        title: "What is in it?",
        created: second.created,
        updated: second.updated,
        model: "openrouter:openai/gpt-4o",
        messages: [
          { role: "system", content: "You are a helpful assistant." },
          {
            role: "user",
            content: [
              { type: "text", text: "What is in it?" },
              {
                type: "image_url",
                image_url: {
                  url: `data:image/png;base64,${PIXEL.toBase64()}`,
                },
              },
              {
                type: "image_url",
                image_url: { url: "https://example.com/a.png" },
              },
            ],
          },
          {
            role: "assistant",
            content: null,
            tool_calls: [{
              id: "call_1",
              type: "function",
              function: { name: "search", arguments: '{"q":"court"}' },
            }],
          },
          { role: "tool", tool_call_id: "call_1", content: "court.md" },
          { role: "assistant", content: "Two notes." },
        ],
      },
    ]);
    const one = await run(["--export", "court notes"], { env: from.env });
    assert.deepEqual(JSON.parse(one.stdout), [conversations[0]]);

    await using to = await withHistory();
    await run(["Already here"], { env: to.env, reply: answering("Yes.") });
    const imported = await run(["--import", "-"], {
      env: to.env,
      stdin: all.stdout,
    });
    assert.deepEqual([imported.code, imported.stdout, imported.stderr], [
      0,
      "imported 2 conversations (ids 2–3)\n",
      "",
    ]);
    const again = JSON.parse(
      (await run(["--export", "2", "3"], { env: to.env })).stdout,
    );
    assert.deepEqual(
      again,
      conversations.map((each: { id: number }, i: number) => ({
        ...each,
        id: i + 2,
      })),
    );
    const followUp = await run([
      "--conversation",
      "3",
      "-m",
      "gpt-4o",
      "Which one first?",
    ], {
      env: to.env,
      reply: answering("court.md."),
    });
    assert.equal(followUp.code, 0, followUp.stderr);
    const sent = followUp.requests[0].body.messages as { role: string }[];
    assert.deepEqual(sent.map((message) => message.role), [
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
    ]);
    // Imported twice: the name is another conversation's by then.
    const twice = await run(["--import", "-"], {
      env: to.env,
      stdin: one.stdout,
    });
    assert.deepEqual([twice.code, twice.stdout, twice.stderr], [
      0,
      "imported 1 conversation (id 4)\n",
      'conversation 4 is imported without its name "court notes": ' +
      "conversation 2 has it (--title names it anew)\n",
    ]);
  },
);

historyTest(
  "main() --import refuses a bad file whole, naming the first problem's place, and imports nothing",
  async (t) => {
    await using h = await withHistory();
    const good = {
      title: "t",
      created: "2026-11-01T10:00:00.000Z",
      updated: "2026-11-01T10:00:00.000Z",
      model: "gpt-4o",
      messages: [
        { role: "user", content: "Q" },
        { role: "assistant", content: "A" },
      ],
    };
    const cases: [string, string, string][] = [
      ["not JSON", "[{", "not JSON"],
      ["not an array", "{}", "the file: not a JSON array of conversations"],
      [
        "a bad date in the second",
        JSON.stringify([good, { ...good, created: "yesterday" }]),
        "[1].created: not a date and time (ISO 8601)",
      ],
      [
        "a question with no answer",
        JSON.stringify([{
          ...good,
          messages: [{ role: "user", content: "Q" }],
        }]),
        "[0].messages[0]: a user message with no answer after it",
      ],
      [
        "an image that is no image",
        JSON.stringify([{
          ...good,
          messages: [{
            role: "user",
            content: [{
              type: "image_url",
              image_url: { url: "data:image/png;base64,aGVsbG8=" },
            }],
          }, { role: "assistant", content: "A" }],
        }]),
        "[0].messages[0].content[0].image_url.url: not a PNG, JPEG, WebP, " +
        "GIF or PDF as its media type image/png says",
      ],
      [
        "an unknown role",
        JSON.stringify([{ ...good, messages: [{ role: "x", content: "" }] }]),
        "[0].messages[0].role: not system, user, assistant or tool",
      ],
    ];
    for (const [name, stdin, problem] of cases) {
      await t.step(name, async () => {
        const result = await run(["--import", "-"], { env: h.env, stdin });
        assert.equal(result.code, 2);
        assert.equal(result.stdout, "");
        assert.ok(
          result.stderr.startsWith(`--import -: ${problem}`),
          result.stderr,
        );
      });
    }
    assert.deepEqual(savedList(h.path), []);
  },
);

/** A completion whose usage is `usage`. */
function used(usage: Record<string, unknown>, text = "Done.") {
  return () => json({ ...completion(text), usage });
}

historyTest(
  "main() keeps each exchange's tokens and cost; --usage sums them per model and provider, and in total, at the prices each had",
  async () => {
    await using h = await withHistory();
    const env = {
      ...h.env,
      OPENROUTER_API_KEY: "sk-or-v1-TESTKEY0123456789",
    };
    const configured = { ...env, GPT4O_CONFIG: CONFIG_PATH };
    const prices = (input: number, output: number) =>
      `[prices."gpt-4o"]\ninput = ${input}\noutput = ${output}\ncached_input = 1.25\n`;
    // OpenAI's API, at the config's prices: 1,000 in (400 cached), 500 out.
    const priced = await run(["-v", "Q1"], {
      env: configured,
      config: prices(2.5, 10),
      reply: used({
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 400 },
        completion_tokens_details: { reasoning_tokens: 200 },
      }),
    });
    assert.equal(priced.code, 0, priced.stderr);
    assert.match(
      priced.stderr,
      /, tokens 1000 in \+ 500 out = 1500, cost \$0\.007 \(at the config's prices\), \d+ ms\n$/,
    );
    // The price changes: the first exchange keeps what it cost.
    await run(["Q2"], {
      env: configured,
      config: prices(5, 20),
      reply: used({
        prompt_tokens: 100,
        completion_tokens: 100,
        total_tokens: 200,
      }),
    });
    // OpenRouter reports its cost.
    await run(["-m", "openrouter:openai/gpt-4o", "Q3"], {
      env,
      reply: used({
        prompt_tokens: 10,
        completion_tokens: 20,
        total_tokens: 30,
        cost: 0.00042,
      }),
    });
    // No price, no report.
    await run(["-m", "gpt-4o-mini", "Q4"], {
      env: configured,
      config: prices(2.5, 10),
      reply: used({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }),
    });
    const saved = savedTurns(h.path, 1)![0] as {
      cost?: unknown;
      usage?: unknown;
    };
    assert.deepEqual([saved.usage, saved.cost], [
      {
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        reasoning_tokens: 200,
        cached_tokens: 400,
      },
      {
        usd: 0.007,
        source: "prices",
        price: { input: 2.5, output: 10, cached_input: 1.25 },
      },
    ]);
    const text = await run(["--usage"], { env });
    assert.deepEqual([text.code, text.stderr], [0, ""]);
    assert.equal(
      text.stdout,
      [
        "model                     at                    turns     in  out  reasoning  cached  cost",
        "gpt-4o                    api.openai.com/v1         2  1,100  600        200     400  $0.0095",
        "openrouter:openai/gpt-4o  openrouter.ai/api/v1      1     10   20          0       0  $0.00042",
        "gpt-4o-mini               api.openai.com/v1         1      7    3          0       0  ?",
        "total                                               4  1,117  623        200     400  $0.00992",
        '1 exchange without a known cost (the server reported none and the config file has no [prices."MODEL"])',
        "",
      ].join("\n"),
    );
    const asJson = JSON.parse(
      (await run(["--usage", "--json"], { env })).stdout,
    );
    assert.deepEqual(asJson.total, {
      exchanges: 4,
      prompt_tokens: 1117,
      completion_tokens: 623,
      reasoning_tokens: 200,
      cached_tokens: 400,
      cost: 0.00992,
      unpriced: 1,
    });
    assert.deepEqual(
      asJson.rows.map((
        row: { model: string; cost: number },
      ) => [row.model, row.cost]),
      [
        ["gpt-4o", 0.0095],
        ["openrouter:openai/gpt-4o", 0.00042],
        ["gpt-4o-mini", 0],
      ],
    );
    const recent = await run(["--usage", "--since", "1h", "--json"], { env });
    assert.equal(JSON.parse(recent.stdout).total.exchanges, 4);
    {
      using history = History.open(h.path);
      const old = new Date(Date.now() - 10 * 86_400_000);
      history.save({
        system: "",
        prompt: "old",
        model: "gpt-4o",
        endpoint: "api.openai.com/v1",
        answer: "a",
        outcome: "answered",
        started: old,
        finished: old,
        cost: { usd: 5, source: "server" },
      });
    }
    const week = JSON.parse(
      (await run(["--usage", "--since", "1w", "--json"], { env })).stdout,
    );
    assert.deepEqual([week.total.exchanges, week.total.cost], [4, 0.00992]);
    assert.ok(typeof week.since === "string");
    const all = JSON.parse((await run(["--usage", "--json"], { env })).stdout);
    assert.deepEqual([all.total.exchanges, all.total.cost], [5, 5.00992]);
  },
);

historyTest("main() --usage of an empty history says so", async () => {
  await using h = await withHistory();
  const none = await run(["--usage"], { env: h.env });
  assert.deepEqual([none.code, none.stdout], [0, "no exchanges yet\n"]);
  const since = await run(["--usage", "--since", "2w"], { env: h.env });
  assert.deepEqual([since.code, since.stdout], [
    0,
    "no exchanges in the last 2w\n",
  ]);
});
