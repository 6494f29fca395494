import assert from "node:assert/strict";
import { FLAGS, NEGATABLE, parseOptions, USAGE } from "./options.ts";
import {
  COMPLETE_KINDS,
  type Completion,
  completionOf,
  HIDDEN_FLAGS,
  isCompleteCall,
  SHELLS,
} from "./completion_options.ts";
import {
  completionScript,
  CONVERSATION_WORDS,
  flagsOf,
  VALUES,
} from "./completions.ts";
import { OPTION_NAMES } from "../config/sampling.ts";
import { UsageError } from "./usage_error.ts";

/** Every option a user types, straight from the definitions: long, short, `--no-`. */
const DEFINED = Object.entries(FLAGS).filter(([name]) =>
  !HIDDEN_FLAGS.includes(name)
);
const TYPED = [
  ...DEFINED.flatMap(([name, flag]) => [
    ...("short" in flag ? [`-${flag.short}`] : []),
    `--${name}`,
  ]),
  ...NEGATABLE,
];
/** The options that take a value, as typed. */
const TAKING = DEFINED.filter(([, flag]) => flag.type === "string")
  .flatMap(([name, flag]) => [
    ...("short" in flag ? [`-${flag.short}`] : []),
    `--${name}`,
  ]);

Deno.test("the bash script completes every option of the definitions, and knows each that takes a value", () => {
  const script = completionScript("bash");
  const flags = /^_gpt4o_flags=\((.*)\)$/m.exec(script)?.[1].split(" ");
  assert.deepEqual(flags, TYPED);
  const arms = [...script.matchAll(/^ {2}(-[^)]*)\) /gm)]
    .flatMap((match) => match[1].split(" | "));
  assert.deepEqual(arms, TAKING);
});

Deno.test("the zsh script has an _arguments spec for every option of the definitions, a value for each that takes one", () => {
  const script = completionScript("zsh");
  const specs = [
    ...script.matchAll(/^ {4}'(\*|\([^)]*\))(-[\w-]+)([+=]?)\[/gm),
  ];
  assert.deepEqual(specs.map((match) => match[2]), TYPED);
  assert.deepEqual(
    specs.filter((match) => match[3] !== "").map((match) => match[2]),
    TAKING,
  );
});

Deno.test("the fish script has a complete line for every option of the definitions, a value for each that takes one", () => {
  const script = completionScript("fish");
  const lines = script.split("\n").filter((line) =>
    line.startsWith("complete -c gpt4o -") && / -l /.test(line)
  );
  const named = (line: string) => [
    ...(/ -s (\w)/.exec(line) ? [`-${/ -s (\w)/.exec(line)![1]}`] : []),
    `--${/ -l ([\w-]+)/.exec(line)![1]}`,
  ];
  // One line each with what it does; an option with values has theirs first.
  const described = lines.filter((line) => / -d '/.test(line));
  assert.deepEqual(described.flatMap(named), TYPED);
  assert.deepEqual(
    described.filter((line) => / -[xr]\b/.test(line)).flatMap(named),
    TAKING,
  );
});

Deno.test("every option the scripts complete has the words --help gives it", () => {
  const flags = flagsOf();
  assert.deepEqual(flags.map((flag) => flag.long), [
    ...DEFINED.map(([name]) => `--${name}`),
    ...NEGATABLE,
  ]);
  // --help's lines of an option joined; --since is told of in --usage's.
  const joined = USAGE.replaceAll(/\n {27}/g, " ");
  for (const flag of flags) {
    assert.notEqual(flag.description, "", `${flag.long} has no --help line`);
    assert.ok(
      joined.includes(` ${flag.description}\n`) || flag.long === "--since",
      flag.long,
    );
  }
  assert.equal(
    flags.find((flag) => flag.long === "--no-stream")?.description,
    "print the answer once it is whole",
  );
  assert.deepEqual(
    flags.find((flag) => flag.long === "--delete"),
    {
      long: "--delete",
      placeholder: "id|name",
      repeatable: false,
      description: "delete conversations (asks first; --yes to not)",
      excludes: ["--delete"],
    },
  );
});

Deno.test("the hidden --complete is in no script and no --help", () => {
  assert.doesNotMatch(completionScript("bash"), /^_gpt4o_flags=.*--complete /m);
  assert.doesNotMatch(completionScript("zsh"), /--complete=\[/);
  assert.doesNotMatch(completionScript("fish"), /-l complete /);
  // It is what the scripts run at a Tab.
  for (const shell of SHELLS) {
    assert.match(completionScript(shell), /command gpt4o --complete /);
  }
  assert.doesNotMatch(USAGE, /--complete\b(?!s)/);
  assert.throws(() => parseOptions(["--complet"]), {
    message: "unknown option --complet: did you mean --completions?",
  });
});

Deno.test("the values the scripts offer are values the options take", async (t) => {
  for (const [name, values] of Object.entries(VALUES)) {
    await t.step(name, () => {
      assert.equal(FLAGS[name as keyof typeof FLAGS].type, "string");
      if (!("words" in values) || name === "option") return;
      for (const word of values.words) {
        assert.doesNotThrow(() => parseOptions([`--${name}`, word]), word);
      }
    });
  }
  assert.deepEqual(
    VALUES.option.words,
    OPTION_NAMES.map((name) => `${name}=`),
  );
  for (const name of OPTION_NAMES) {
    const value = name === "reasoning_effort" ? "low" : "1";
    assert.doesNotThrow(() => parseOptions(["-o", `${name}=${value}`]));
  }
  for (const name of CONVERSATION_WORDS) {
    assert.equal(FLAGS[name].type, "boolean");
    assert.deepEqual(
      parseOptions([`--${name}`, "3", "tax notes"]).historyCommand,
      { kind: name, targets: [3, "tax notes"] },
    );
  }
});

Deno.test("the scripts hold no placeholder, and quote what --help says for each shell", () => {
  for (const shell of SHELLS) {
    assert.doesNotMatch(completionScript(shell), /@[A-Z]+@/, shell);
  }
  assert.match(
    completionScript("zsh"),
    /^ {4}'\(-r --role\)-r\+\[a config file'\\''s role: its system message and model\]:name:\{_gpt4o_known roles ""\}' \\$/m,
  );
  assert.match(
    completionScript("fish"),
    /^complete -c gpt4o -s r -l role -x -d 'a config file\\'s role: its system message and model'$/m,
  );
  assert.match(
    completionScript("zsh"),
    /^ {4}'\*-T\+\[.*\]:name:\{_gpt4o_known servers , all\}' \\$/m,
  );
  assert.match(
    completionScript("bash"),
    /^ {2}-T \| --tools\) _gpt4o_known servers "\$typed" , all ;;$/m,
  );
  assert.match(
    completionScript("fish"),
    /^complete -c gpt4o -l conversation -x -a '\(__gpt4o_known conversations ""\)'$/m,
  );
});

Deno.test("completionOf() takes a shell or a kind, alone", async (t) => {
  const cases: [string[], Completion | string | undefined][] = [
    [["--completions", "bash"], { kind: "script", shell: "bash" }],
    [["--completions=fish"], { kind: "script", shell: "fish" }],
    [
      ["--completions", "tcsh"],
      '--completions takes bash, zsh or fish, not "tcsh"',
    ],
    [["--completions"], "--completions needs a value"],
    ...COMPLETE_KINDS.map((of): [string[], Completion] => [
      ["--complete", of],
      { kind: "values", of },
    ]),
    [
      ["--complete", "files"],
      '--complete takes roles, models, conversations, servers, not "files"',
    ],
    [
      ["--completions", "zsh", "-m", "x"],
      "--completions prints what a shell completes: give it nothing else, not -m",
    ],
    [
      ["--complete", "roles", "now"],
      '--complete prints what a shell completes: give it nothing else, not "now"',
    ],
    [["Hi"], undefined],
  ];
  for (const [args, expected] of cases) {
    await t.step(args.join(" "), () => {
      if (typeof expected === "string") {
        assert.throws(() => parseOptions(args), new UsageError(expected));
      } else {
        assert.deepEqual(parseOptions(args).completion, expected);
      }
    });
  }
  assert.equal(completionOf({}, new Set(), []), undefined);
  assert.deepEqual(
    [["--complete", "roles"], ["--complete=x"], ["--completions"], [], [
      "Hi",
      "--complete",
    ]].map(isCompleteCall),
    [true, true, false, false, false],
  );
});
