import assert from "node:assert/strict";
import {
  DEFAULT_MODEL,
  DEFAULT_SYSTEM,
  DEFAULT_TIMEOUT_SECONDS,
  parseOptions,
  UsageError,
} from "./options.ts";

Deno.test("parseOptions() gives the seed demo's defaults for no arguments", () => {
  assert.deepEqual(parseOptions([]), {
    model: DEFAULT_MODEL,
    system: DEFAULT_SYSTEM,
    stream: false,
    json: false,
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    verbose: false,
    help: false,
    version: false,
    prompt: "",
  });
  assert.equal(DEFAULT_MODEL, "gpt-4o");
  assert.equal(DEFAULT_SYSTEM, "You are a helpful assistant.");
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
    model: "gpt-4o-mini",
    system: "Be brief.",
    stream: true,
    json: true,
    timeoutSeconds: 2.5,
    verbose: true,
    help: false,
    version: false,
    prompt: "why is --the-sky",
  });
});

Deno.test("parseOptions() names the offending option in a UsageError", () => {
  const cases: [string[], string][] = [
    [["--nope"], "unknown option --nope"],
    [["-s"], "-s, --system needs a value"],
    [["--json=1"], "--json takes no value"],
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
