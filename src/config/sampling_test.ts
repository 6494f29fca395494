import assert from "node:assert/strict";
import { ConfigError } from "./connection.ts";
import { UsageError } from "../cli/usage_error.ts";
import {
  checkOptions,
  describeOptions,
  mergeOptions,
  OPTION_NAMES,
  parseOption,
  parseOptionFlags,
  refusedByOpenAI,
  requestFields,
  type SamplingOptions,
} from "./sampling.ts";

const ALL_NAMES = "temperature, top_p, max_tokens, seed, stop, " +
  "presence_penalty, frequency_penalty, reasoning_effort";

Deno.test("OPTION_NAMES lists every option once, in the order they are sent", () => {
  assert.deepEqual(OPTION_NAMES.join(", "), ALL_NAMES);
});

Deno.test("parseOptionFlags() takes each option's values within its range", async (t) => {
  const cases: [string, SamplingOptions][] = [
    ["temperature=0", { temperature: 0 }],
    ["temperature=2", { temperature: 2 }],
    ["temperature=0.2", { temperature: 0.2 }],
    ["temperature=.5", { temperature: 0.5 }],
    ["temperature=1e0", { temperature: 1 }],
    ["top_p=0", { top_p: 0 }],
    ["top_p=1", { top_p: 1 }],
    ["top_p=0.95", { top_p: 0.95 }],
    ["max_tokens=1", { max_tokens: 1 }],
    ["max_tokens=4096", { max_tokens: 4096 }],
    ["max_tokens=1e3", { max_tokens: 1000 }],
    ["seed=0", { seed: 0 }],
    ["seed=-42", { seed: -42 }],
    ["seed=9007199254740991", { seed: 9007199254740991 }],
    ["stop=END", { stop: ["END"] }],
    ["stop= ", { stop: [" "] }],
    ["stop=a=b", { stop: ["a=b"] }],
    ["presence_penalty=-2", { presence_penalty: -2 }],
    ["presence_penalty=2", { presence_penalty: 2 }],
    ["presence_penalty=+0.5", { presence_penalty: 0.5 }],
    ["frequency_penalty=-1.5", { frequency_penalty: -1.5 }],
    ["frequency_penalty=2", { frequency_penalty: 2 }],
    ...["none", "minimal", "low", "medium", "high", "xhigh"].map((
      effort,
    ): [string, SamplingOptions] => [
      `reasoning_effort=${effort}`,
      { reasoning_effort: effort as SamplingOptions["reasoning_effort"] },
    ]),
  ];
  for (const [flag, options] of cases) {
    await t.step(
      flag,
      () => assert.deepEqual(parseOptionFlags([flag]), options),
    );
  }
});

Deno.test("parseOptionFlags() refuses a value out of range or not strictly a number, quoting it", async (t) => {
  const number = (name: string, range: string, text: string) =>
    [
      `${name}=${text}`,
      `-o ${name} takes a number from ${range}, not "${text}"`,
    ] as const;
  const cases: (readonly [string, string])[] = [
    number("temperature", "0 to 2", "3"),
    number("temperature", "0 to 2", "-0.1"),
    number("temperature", "0 to 2", ""),
    number("temperature", "0 to 2", "0x1"),
    number("temperature", "0 to 2", " 1"),
    number("temperature", "0 to 2", "1,5"),
    number("temperature", "0 to 2", "hot"),
    number("temperature", "0 to 2", "NaN"),
    number("temperature", "0 to 2", "Infinity"),
    number("top_p", "0 to 1", "1.01"),
    number("top_p", "0 to 1", "-1"),
    number("presence_penalty", "-2 to 2", "2.5"),
    number("presence_penalty", "-2 to 2", "-3"),
    number("frequency_penalty", "-2 to 2", "1e400"),
    number("frequency_penalty", "-2 to 2", "-2.01"),
    [
      "max_tokens=1.5",
      '-o max_tokens takes a whole number of at least 1, not "1.5"',
    ],
    [
      "max_tokens=0",
      '-o max_tokens takes a whole number of at least 1, not "0"',
    ],
    [
      "max_tokens=0x10",
      '-o max_tokens takes a whole number of at least 1, not "0x10"',
    ],
    [
      "max_tokens=1e400",
      '-o max_tokens takes a whole number of at least 1, not "1e400"',
    ],
    [
      "seed=1.5",
      '-o seed takes a whole number between -2^53 and 2^53, not "1.5"',
    ],
    [
      "seed=9007199254740992",
      '-o seed takes a whole number between -2^53 and 2^53, not "9007199254740992"',
    ],
    ["seed=", '-o seed takes a whole number between -2^53 and 2^53, not ""'],
    ["stop=", '-o stop takes a non-empty text, not ""'],
    [
      "reasoning_effort=max",
      '-o reasoning_effort takes one of none, minimal, low, medium, high, xhigh, not "max"',
    ],
    [
      "reasoning_effort=High",
      '-o reasoning_effort takes one of none, minimal, low, medium, high, xhigh, not "High"',
    ],
  ];
  for (const [flag, message] of cases) {
    await t.step(flag, () => {
      assert.throws(() => parseOptionFlags([flag]), new UsageError(message));
    });
  }
});

Deno.test("parseOptionFlags() refuses a value without NAME=", async (t) => {
  for (const flag of ["temperature", "=0.2", ""]) {
    await t.step(JSON.stringify(flag), () => {
      assert.throws(
        () => parseOptionFlags([flag]),
        new UsageError(`-o takes NAME=VALUE, not ${JSON.stringify(flag)}`),
      );
    });
  }
});

Deno.test("parseOptionFlags() refuses a near miss of an option it knows, saying which", async (t) => {
  const says = (name: string, near: string) =>
    `-o: unknown option "${name}": did you mean ${near}? (a name the ` +
    "program does not know goes to the server as it is)";
  const cases: [string, string][] = [
    ["temprature", says("temprature", "temperature")],
    [
      "max-tokens",
      '-o: "max-tokens" is no option\'s name (a name is letters, digits and ' +
      "_): did you mean max_tokens?",
    ],
    ["Seed", says("Seed", "seed")],
    [
      "top-k",
      '-o: "top-k" is no option\'s name (a name is letters, digits and _): ' +
      "did you mean top_k?",
    ],
  ];
  for (const [name, message] of cases) {
    await t.step(name, () => {
      assert.throws(
        () => parseOptionFlags([`${name}=1`]),
        new UsageError(message),
      );
    });
  }
});

Deno.test("parseOptionFlags() passes on an option it does not know, as the JSON its value is", () => {
  assert.deepEqual(
    parseOptionFlags([
      "top_k=40",
      "min_p=0.05",
      "think=false",
      'logit_bias={"50256":-100}',
      "mode=fast",
      'quoted="7"',
      "top_k=20",
      "toString=x",
    ]),
    {
      extra: {
        top_k: 20,
        min_p: 0.05,
        think: false,
        logit_bias: { "50256": -100 },
        mode: "fast",
        quoted: "7",
        toString: "x",
      },
    },
  );
});

Deno.test("parseOptionFlags() keeps the later of an option given twice, but adds up stop sequences", () => {
  assert.deepEqual(
    parseOptionFlags([
      "temperature=1",
      "stop=END",
      "seed=1",
      "temperature=0.2",
      "stop=###",
    ]),
    { temperature: 0.2, stop: ["END", "###"], seed: 1 },
  );
  assert.deepEqual(parseOptionFlags([]), {});
});

Deno.test("parseOptionFlags() takes up to 4 stop sequences", () => {
  const stops = ["stop=a", "stop=b", "stop=c", "stop=d"];
  assert.deepEqual(parseOptionFlags(stops), { stop: ["a", "b", "c", "d"] });
  assert.throws(
    () => parseOptionFlags([...stops, "stop=e"]),
    new UsageError("-o stop takes up to 4 stop sequences"),
  );
});

Deno.test("parseOption() names the flag it was given by", () => {
  assert.equal(parseOption("temperature", "0.7", "--temperature"), 0.7);
  assert.deepEqual(parseOption("stop", "END"), ["END"]);
  assert.throws(
    () => parseOption("max_tokens", "many", "--max-tokens"),
    new UsageError(
      '--max-tokens takes a whole number of at least 1, not "many"',
    ),
  );
});

const WHERE = "roles.lawyer.options in /x/config.toml";

Deno.test("checkOptions() takes a config file's typed values", () => {
  const table = {
    temperature: 0.2,
    top_p: 1,
    max_tokens: 800,
    seed: -3n,
    stop: ["END", "###"],
    presence_penalty: -2,
    frequency_penalty: 0.5,
    reasoning_effort: "low",
  };
  assert.deepEqual(checkOptions(table, WHERE), {
    options: { ...table, seed: -3 },
    warnings: [],
  });
  assert.deepEqual(checkOptions({ stop: "END" }, WHERE), {
    options: { stop: ["END"] },
    warnings: [],
  });
  assert.deepEqual(checkOptions(undefined, WHERE), {
    options: {},
    warnings: [],
  });
  assert.deepEqual(checkOptions({}, WHERE), { options: {}, warnings: [] });
});

Deno.test("checkOptions() refuses a value of the wrong type or range, naming the setting", async (t) => {
  const at = (name: string) => `roles.lawyer.options.${name} in /x/config.toml`;
  const cases: [Record<string, unknown>, string][] = [
    [
      { temperature: 3 },
      `${at("temperature")} must be a number from 0 to 2, not 3`,
    ],
    [
      { temperature: "0.2" },
      `${at("temperature")} must be a number from 0 to 2, not "0.2"`,
    ],
    [
      { temperature: true },
      `${at("temperature")} must be a number from 0 to 2, not true`,
    ],
    [
      { temperature: NaN },
      `${at("temperature")} must be a number from 0 to 2, not NaN`,
    ],
    [{ top_p: 1.5 }, `${at("top_p")} must be a number from 0 to 1, not 1.5`],
    [
      { max_tokens: 0 },
      `${at("max_tokens")} must be a whole number of at least 1, not 0`,
    ],
    [
      { max_tokens: 1.5 },
      `${at("max_tokens")} must be a whole number of at least 1, not 1.5`,
    ],
    [
      { max_tokens: [100] },
      `${at("max_tokens")} must be a whole number of at least 1, not a list`,
    ],
    [
      { seed: 2n ** 60n },
      `${
        at("seed")
      } must be a whole number between -2^53 and 2^53, not 1152921504606846976`,
    ],
    [
      { seed: new Date(0) },
      `${at("seed")} must be a whole number between -2^53 and 2^53, not a date`,
    ],
    [
      { presence_penalty: -2.5 },
      `${at("presence_penalty")} must be a number from -2 to 2, not -2.5`,
    ],
    [
      { frequency_penalty: { a: 1 } },
      `${at("frequency_penalty")} must be a number from -2 to 2, not a table`,
    ],
    [
      { reasoning_effort: "max" },
      `${
        at("reasoning_effort")
      } must be one of none, minimal, low, medium, high, xhigh, not "max"`,
    ],
    [
      { stop: 1 },
      `${
        at("stop")
      } must be a non-empty text or a list of 1 to 4 of them, not 1`,
    ],
    [
      { stop: [] },
      `${at("stop")} must be a list of 1 to 4 stop sequences, not a list of 0`,
    ],
    [
      { stop: ["a", "b", "c", "d", "e"] },
      `${at("stop")} must be a list of 1 to 4 stop sequences, not a list of 5`,
    ],
    [{ stop: ["a", 2] }, `${at("stop")} must hold non-empty texts only, not 2`],
    [{ stop: "" }, `${at("stop")} must hold non-empty texts only, not ""`],
  ];
  for (const [table, message] of cases) {
    await t.step(message.replace(/ in \/x.*must/, " must"), () => {
      assert.throws(() => checkOptions(table, WHERE), new ConfigError(message));
    });
  }
});

Deno.test("checkOptions() refuses options that are not a table", () => {
  assert.throws(
    () => checkOptions(["temperature"], "options in /x/config.toml"),
    new ConfigError("options in /x/config.toml must be a table, not a list"),
  );
  assert.throws(
    () => checkOptions(0.2, "options"),
    new ConfigError("options must be a table, not 0.2"),
  );
});

Deno.test("checkOptions() warns of a near miss and leaves it out, and passes another name on", () => {
  assert.deepEqual(
    checkOptions(
      { temprature: 1, seed: 1, logit_bias: {}, top_k: 40n, "a-b": 1 },
      WHERE,
    ),
    {
      options: { seed: 1, extra: { logit_bias: {}, top_k: 40 } },
      warnings: [
        "unknown setting roles.lawyer.options.temprature in /x/config.toml, " +
        "ignored (did you mean temperature?)",
        "unknown setting roles.lawyer.options.a-b in /x/config.toml, ignored",
      ],
    },
  );
  assert.deepEqual(checkOptions({ seeds: 1 }, "options"), {
    options: {},
    warnings: ["unknown setting options.seeds, ignored (did you mean seed?)"],
  });
});

Deno.test("mergeOptions() and requestFields() carry the options passed on: to OpenAI's API only those it takes", () => {
  const merged = mergeOptions(
    { extra: { top_k: 40, user: "ada" } },
    { extra: { top_k: 20 } },
  );
  assert.deepEqual(merged, { extra: { top_k: 20, user: "ada" } });
  assert.deepEqual(requestFields(merged, "compatible"), {
    top_k: 20,
    user: "ada",
  });
  assert.deepEqual(requestFields(merged, "openai"), { user: "ada" });
  assert.deepEqual(refusedByOpenAI(merged), ["top_k"]);
  assert.equal(describeOptions(merged), "top_k=20 user=ada");
});

Deno.test("mergeOptions() lets a later layer override an earlier one, option by option", () => {
  const config: SamplingOptions = { temperature: 1, top_p: 0.9, stop: ["A"] };
  const role: SamplingOptions = { temperature: 0.5, seed: 1 };
  const saved: SamplingOptions = { stop: ["B", "C"], temperature: undefined };
  const flags: SamplingOptions = { temperature: 0, max_tokens: 10 };
  const merged = mergeOptions(config, role, undefined, saved, flags);
  assert.deepEqual(merged, {
    temperature: 0,
    top_p: 0.9,
    max_tokens: 10,
    seed: 1,
    stop: ["B", "C"],
  });
  merged.stop!.push("D");
  assert.deepEqual(saved.stop, ["B", "C"]);
  assert.deepEqual(mergeOptions(), {});
  assert.deepEqual(mergeOptions(undefined, {}), {});
});

const EVERY: SamplingOptions = {
  temperature: 0.2,
  top_p: 0.5,
  max_tokens: 100,
  seed: 7,
  stop: ["END"],
  presence_penalty: 1,
  frequency_penalty: -1,
  reasoning_effort: "high",
};

Deno.test("requestFields() sends max_tokens as max_completion_tokens to OpenAI", () => {
  assert.deepEqual(requestFields(EVERY, "openai"), {
    temperature: 0.2,
    top_p: 0.5,
    max_completion_tokens: 100,
    seed: 7,
    stop: ["END"],
    presence_penalty: 1,
    frequency_penalty: -1,
    reasoning_effort: "high",
  });
});

Deno.test("requestFields() sends max_tokens as max_tokens to a compatible server", () => {
  assert.deepEqual(requestFields(EVERY, "compatible"), {
    temperature: 0.2,
    top_p: 0.5,
    max_tokens: 100,
    seed: 7,
    stop: ["END"],
    presence_penalty: 1,
    frequency_penalty: -1,
    reasoning_effort: "high",
  });
});

Deno.test("requestFields() sends no field for an absent option", () => {
  const fields = requestFields({ seed: 0, temperature: undefined }, "openai");
  assert.deepEqual(fields, { seed: 0 });
  assert.deepEqual(Object.keys(fields), ["seed"]);
  assert.deepEqual(requestFields({}, "compatible"), {});
});

Deno.test("describeOptions() lists the options on one line, in their order", () => {
  assert.equal(
    describeOptions({ stop: ["END"], temperature: 0.2, max_tokens: 100 }),
    'temperature=0.2 max_tokens=100 stop=["END"]',
  );
  assert.equal(
    describeOptions(EVERY),
    "temperature=0.2 top_p=0.5 max_tokens=100 seed=7 " +
      'stop=["END"] presence_penalty=1 frequency_penalty=-1 ' +
      "reasoning_effort=high",
  );
  assert.equal(
    describeOptions({ stop: ['say "end"', "\n"] }),
    'stop=["say \\"end\\"","\\n"]',
  );
  assert.equal(describeOptions({}), "");
});
