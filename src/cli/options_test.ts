import assert from "node:assert/strict";
import { testWith } from "../../testdata/permissions.ts";
import {
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_MODEL,
  DEFAULT_SYSTEM,
  DEFAULT_TIMEOUT_SECONDS,
  type Options,
  parseOptions,
  USAGE,
} from "./options.ts";
import { UsageError } from "./usage_error.ts";

Deno.test("parseOptions() leaves the model and system to the demo's defaults when not given", () => {
  assert.deepEqual(parseOptions([]), {
    model: undefined,
    system: undefined,
    role: undefined,
    stream: undefined,
    json: false,
    raw: false,
    extract: undefined,
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    verbose: false,
    reasoning: undefined,
    chat: false,
    continue: false,
    conversation: undefined,
    title: undefined,
    historyCommand: undefined,
    listHistory: false,
    historyLimit: 20,
    show: undefined,
    save: true,
    providers: false,
    roles: false,
    help: false,
    version: false,
    attach: [],
    files: [],
    sampling: {},
    schema: undefined,
    api: "auto",
    models: false,
    tools: [],
    yes: false,
    listTools: false,
    logout: undefined,
    serve: undefined,
    execute: false,
    completion: undefined,
    prompt: "",
  });
  assert.equal(DEFAULT_HISTORY_LIMIT, 20);
  assert.equal(DEFAULT_MODEL, "gpt-4o");
  assert.equal(DEFAULT_SYSTEM, "You are a helpful assistant.");
});

Deno.test("parseOptions() takes --api chat, responses or auto, and refuses another", async (t) => {
  for (const api of ["chat", "responses", "auto"] as const) {
    await t.step(api, () => {
      assert.equal(parseOptions(["--api", api, "Hi"]).api, api);
    });
  }
  await t.step("another", () => {
    assert.throws(() => parseOptions(["--api", "completions", "Hi"]), {
      name: "UsageError",
      message: '--api takes chat, responses or auto, not "completions"',
    });
  });
});

Deno.test("parseOptions() takes a history command with the words after it, and a conversation by id or name", async (t) => {
  const cases: [string[], Partial<Options>][] = [
    [["--search", "supreme", "court"], {
      historyCommand: { kind: "search", words: "supreme court" },
      prompt: "",
    }],
    [["--delete", "3", "tax notes"], {
      historyCommand: { kind: "delete", targets: [3, "tax notes"] },
    }],
    [["--prune", "30d"], {
      historyCommand: {
        kind: "prune",
        age: { text: "30d", ms: 30 * 86_400_000 },
      },
    }],
    [["--export"], { historyCommand: { kind: "export", targets: [] } }],
    [["--import", "-"], { historyCommand: { kind: "import", file: "-" } }],
    [["--usage", "--since", "2w"], {
      historyCommand: {
        kind: "usage",
        since: { text: "2w", ms: 14 * 86_400_000 },
      },
    }],
    [["--conversation", "12", "Hi"], { conversation: 12, prompt: "Hi" }],
    [["--conversation", "tax notes", "Hi"], { conversation: "tax notes" }],
    [["--show", "tax notes"], { show: "tax notes" }],
    [["--title", " tax\tnotes ", "Hi"], { title: "tax notes", prompt: "Hi" }],
  ];
  for (const [args, wanted] of cases) {
    await t.step(args.join(" "), () => {
      const options = parseOptions(args);
      for (const [key, value] of Object.entries(wanted)) {
        assert.deepEqual(options[key as keyof Options], value, key);
      }
    });
  }
});

Deno.test("parseOptions() gathers -T's servers, repeated or listed with commas, and --yes", () => {
  const options = parseOptions([
    "-T",
    "files",
    "--tools=git, web",
    "-Tall",
    "--yes",
    "Hi",
  ]);
  assert.deepEqual(options.tools, ["files", "git", "web", "all"]);
  assert.equal(options.yes, true);
  assert.throws(
    () => parseOptions(["--list-tools", "Hi"]),
    new UsageError(
      "--list-tools asks nothing: give it no prompt, --chat, --continue or --conversation",
    ),
  );
  assert.equal(parseOptions(["--logout", "notion"]).logout, "notion");
  assert.throws(
    () => parseOptions(["--logout", "notion", "Hi"]),
    new UsageError(
      "--logout asks nothing: give it no prompt, --chat, --continue or --conversation",
    ),
  );
});

Deno.test("parseOptions() takes -e (--execute) with the task as the prompt, and refuses it where it cannot propose one command", async (t) => {
  for (
    const args of [["-e", "find", "big", "files"], [
      "--execute",
      "find big files",
    ]]
  ) {
    await t.step(args.join(" "), () => {
      const options = parseOptions(args);
      assert.deepEqual([options.execute, options.prompt], [
        true,
        "find big files",
      ]);
    });
  }
  assert.equal(parseOptions(["Hi"]).execute, false);
  const refused = new UsageError(
    "-e takes one command from one answer: not with --chat (where " +
      "/execute TASK does it), -x, --extract-last or --schema",
  );
  for (
    const args of [
      ["-e", "--chat"],
      ["-e", "-x", "list"],
      ["-e", "--extract-last", "list"],
      ["-e", "--schema", "{}", "list"],
    ]
  ) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseOptions(args), refused);
    });
  }
  await t.step("-e --history", () => {
    assert.throws(
      () => parseOptions(["-e", "--history"]),
      new UsageError("--history asks nothing: not with -e"),
    );
  });
});

Deno.test("parseOptions() gathers -a, -f and the sampling options, --temperature over -o's", () => {
  const options = parseOptions([
    "-a",
    "cat.png",
    "--attach=https://example.com/dog.png",
    "-f",
    "notes.md",
    "--file",
    "src",
    "--temperature",
    "0.2",
    "-o",
    "temperature=1",
    "-o",
    "stop=END",
    "--max-tokens",
    "50",
    "-o",
    "stop=###",
    "--schema",
    "@person.json",
    "Describe",
  ]);
  assert.deepEqual(options.attach, ["cat.png", "https://example.com/dog.png"]);
  assert.deepEqual(options.files, ["notes.md", "src"]);
  assert.deepEqual(options.sampling, {
    temperature: 0.2,
    stop: ["END", "###"],
    max_tokens: 50,
  });
  assert.equal(options.schema, "@person.json");
  assert.equal(options.prompt, "Describe");
});

Deno.test("parseOptions() refuses a bad sampling option, --schema with the chat or -x, and --models with a prompt", async (t) => {
  const cases: [string[], string][] = [
    [
      ["--temperature", "3"],
      '--temperature takes a number from 0 to 2, not "3"',
    ],
    [
      ["--max-tokens", "0"],
      '--max-tokens takes a whole number of at least 1, not "0"',
    ],
    [
      ["-o", "temprature=1"],
      '-o: unknown option "temprature": did you mean temperature? (a name the program does not know goes to the server as it is)',
    ],
    [
      ["--schema", "{}", "--chat"],
      "--schema takes one answer as JSON: not with --chat, -x or --extract-last",
    ],
    [
      ["--schema", "{}", "-x"],
      "--schema takes one answer as JSON: not with --chat, -x or --extract-last",
    ],
    [
      ["--models", "Hi"],
      "--models asks nothing: give it no prompt, --chat, --continue or --conversation",
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseOptions(args), { name: "UsageError", message });
    });
  }
});

Deno.test("parseOptions() reads short and long options and joins the prompt", () => {
  const options = parseOptions([
    "-m",
    "gpt-4o-mini",
    "-s",
    "Be brief.",
    "--stream",
    "--json",
    "--timeout",
    "2.5",
    "-v",
    "why",
    "is",
    "--",
    "--the-sky",
  ]);
  assert.deepEqual(options, {
    ...parseOptions([]),
    model: "gpt-4o-mini",
    system: "Be brief.",
    stream: true,
    json: true,
    timeoutSeconds: 2.5,
    verbose: true,
    prompt: "why is --the-sky",
  });
});

Deno.test("parseOptions() names the offending option in a UsageError", () => {
  const cases: [string[], string][] = [
    [["--nope"], "unknown option --nope"],
    [["-s"], "-s, --system needs a value"],
    [["--json=1"], "--json takes no value"],
    [["--no-json"], "unknown option --no-json"],
    [["--no-model=x"], "unknown option --no-model"],
    [
      ["--show", " "],
      "--show takes a conversation id or name (--history lists them)",
    ],
    [
      ["--conversation", "0"],
      '--conversation takes a conversation id or name (--history lists them), not "0"',
    ],
    [
      ["--prune", "soon"],
      '--prune takes an age such as 30d, 12h, 2w or 1y, not "soon"',
    ],
    [
      ["--usage", "--since", "0d"],
      '--since takes an age such as 30d, 12h, 2w or 1y, not "0d"',
    ],
    [["--since", "3d"], "--since goes with --usage"],
    [
      ["--delete"],
      "--delete needs the ids or names of the conversations to delete (--history lists them)",
    ],
    [["--prune", "3d", "x"], '--prune takes no prompt: "x" is not for it'],
    [
      ["--export", "--import", "f.json"],
      "use one of --export, --import at a time, not several",
    ],
    [
      ["-c", "--conversation", "3"],
      "use either --continue or --conversation, not both",
    ],
    [
      ["--history", "-c"],
      "--history asks nothing: give it no prompt, --chat, --continue or --conversation",
    ],
    [
      ["--show", "1", "why?"],
      "--show asks nothing: give it no prompt, --chat, --continue or --conversation",
    ],
    [
      ["--providers", "--chat"],
      "--providers asks nothing: give it no prompt, --chat, --continue or --conversation",
    ],
    [
      ["-m", "-v"],
      '-m needs a value; write --model=VALUE for one that starts with "-"',
    ],
    [["--timeout", ""], '--timeout takes a positive number of seconds, not ""'],
    [
      ["--timeout", "1e400"],
      '--timeout takes a positive number of seconds, not "1e400"',
    ],
    [
      ["--timeout", "NaN"],
      '--timeout takes a positive number of seconds, not "NaN"',
    ],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parseOptions(args),
      new UsageError(message),
      args.join(" "),
    );
  }
});

Deno.test("parseOptions() reads the history, chat, provider and reasoning options", () => {
  const options = parseOptions([
    "--chat",
    "--continue",
    "--no-history",
    "--no-reasoning",
  ]);
  assert.deepEqual(
    [
      options.chat,
      options.continue,
      options.save,
      options.reasoning,
    ],
    [true, true, false, false],
  );
  assert.equal(parseOptions(["--providers"]).providers, true);
  assert.deepEqual(
    [parseOptions(["--history"]).listHistory, parseOptions(["--history"]).save],
    [true, true],
  );
  assert.equal(parseOptions(["--show", "12"]).show, 12);
  assert.equal(parseOptions(["--conversation", "7"]).conversation, 7);
  assert.equal(parseOptions(["--reasoning"]).reasoning, true);
  assert.deepEqual(
    [parseOptions(["--stream"]), parseOptions(["--no-stream"])].map((each) =>
      each.stream
    ),
    [true, false],
  );
  assert.equal(parseOptions(["--", "--no-stream"]).prompt, "--no-stream");
});

Deno.test("parseOptions() says which option a mistyped one may mean", async (t) => {
  const cases: [string[], string][] = [
    [["--strem"], "unknown option --strem: did you mean --stream?"],
    [["--strem=1"], "unknown option --strem: did you mean --stream?"],
    [["--histroy"], "unknown option --histroy: did you mean --history?"],
    [["--sytem", "x"], "unknown option --sytem: did you mean --system?"],
    [["--Model", "x"], "unknown option --Model: did you mean --model?"],
    [
      ["--max_tokens", "5"],
      "unknown option --max_tokens: did you mean --max-tokens?",
    ],
    [["--verb"], "unknown option --verb: did you mean --verbose?"],
    [["--conv", "3"], "unknown option --conv: did you mean --conversation?"],
    [
      ["--no-reasonin"],
      "unknown option --no-reasonin: did you mean --no-reasoning?",
    ],
    [["--ext"], "unknown option --ext"],
    [["--colour"], "unknown option --colour"],
    [["-V"], "unknown option -V: did you mean -v?"],
    [["-M", "x"], "unknown option -M: did you mean -m?"],
    [["-xC"], "unknown option -C: did you mean -c?"],
    [["-t", "files"], "unknown option -t: did you mean -T?"],
    [["-q"], "unknown option -q"],
    [["-stream", "Hi"], "unknown option -stream: did you mean --stream?"],
    [["-version"], "unknown option -version: did you mean --version?"],
    [["-model=x"], "unknown option -model: did you mean --model?"],
    [["-list-tools"], "unknown option -list-tools: did you mean --list-tools?"],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseOptions(args), new UsageError(message));
    });
  }
  await t.step(
    "a short option's value that spells no option is a value",
    () => {
      assert.equal(parseOptions(["-Tall"]).tools[0], "all");
      assert.equal(parseOptions(["-stalk", "Hi"]).system, "talk");
      assert.equal(parseOptions(["--", "-stream"]).prompt, "-stream");
    },
  );
});

Deno.test("parseOptions() takes --history N, --history=N or --history alone (the latest 20)", async (t) => {
  const cases: [string[], number, boolean][] = [
    [["--history"], 20, false],
    [["--history", "5"], 5, false],
    [["--history=5"], 5, false],
    [["--history", "5", "--json"], 5, true],
    [["--json", "--history", "1"], 1, true],
    [["--history", "--json"], 20, true],
    [["--history", "007"], 7, false],
  ];
  for (const [args, limit, json] of cases) {
    await t.step(args.join(" "), () => {
      const options = parseOptions(args);
      assert.deepEqual(
        [
          options.listHistory,
          options.historyLimit,
          options.json,
          options.prompt,
        ],
        [true, limit, json, ""],
      );
    });
  }
  await t.step(
    "--no-history takes no count: a number after it is the prompt",
    () => {
      const options = parseOptions(["--no-history", "5"]);
      assert.deepEqual([options.save, options.listHistory, options.prompt], [
        false,
        false,
        "5",
      ]);
    },
  );
});

Deno.test("parseOptions() refuses a --history count that is not a number of at least 1", async (t) => {
  const refused = (text: string) =>
    "--history takes how many conversations to list (a number of at least " +
    `1), not ${JSON.stringify(text)}`;
  const cases: [string[], string][] = [
    [["--history", "0"], refused("0")],
    [["--history", "-3"], refused("-3")],
    [["--history", "2.5"], refused("2.5")],
    [["--history", "ten"], refused("ten")],
    [["--history", "1e3"], refused("1e3")],
    [["--history", "99999999999999999999"], refused("99999999999999999999")],
    [["--history="], refused("")],
    [["--history=all"], refused("all")],
    [
      ["--history", "5", "Hi"],
      "--history asks nothing: give it no prompt, --chat, --continue or --conversation",
    ],
    [
      ["Hi", "--history"],
      "--history asks nothing: give it no prompt, --chat, --continue or --conversation",
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseOptions(args), new UsageError(message));
    });
  }
});

Deno.test("--help fits a terminal of 80 columns", () => {
  const wide = USAGE.split("\n").filter((line) => line.length > 80);
  assert.deepEqual(wide, []);
});

const README = new URL("../../README.md", import.meta.url);
testWith({ name: "read", path: "README.md" })(
  "the README's list of options is --help's",
  () => {
    const options = USAGE.split("Options:\n")[1].split("\n\n")[0];
    assert.ok(
      Deno.readTextFileSync(README).includes(
        `gpt4o [options] [prompt...]\n${options}\n\`\`\``,
      ),
      "the README's options differ from --help",
    );
  },
);
