import assert from "node:assert/strict";
import { ConfigError } from "./connection.ts";
import { loadConfigFile } from "./file.ts";
import { explainToml } from "./toml_errors.ts";

/** The one line the config file `text` is refused with. */
async function refusal(text: string): Promise<string> {
  const io = {
    readTextFile: () => Promise.resolve(text),
    fileMode: () => 0o600,
  };
  try {
    await loadConfigFile(io, "/c.toml", { os: "linux" });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  throw new Error("the file was taken");
}

Deno.test("loadConfigFile() explains the frequent TOML mistakes in words a user knows, at their line", async (t) => {
  const cases: [string, string, string][] = [
    [
      "a string without quotes",
      "model = gpt-4o\n",
      '/c.toml:1: strings need quotes: model = "gpt-4o"',
    ],
    [
      "a sentence without quotes, with a comment after it",
      'model = "x"\nsystem = You are terse.   # short\n',
      '/c.toml:2: strings need quotes: system = "You are terse."',
    ],
    [
      "a URL without quotes",
      "[providers.w]\nbase_url = http://localhost:8080/v1\n",
      '/c.toml:2: strings need quotes: base_url = "http://localhost:8080/v1"',
    ],
    [
      "a string without quotes in a list",
      'model = ["a", gpt-4o]\n',
      '/c.toml:1: strings need quotes: "gpt-4o"',
    ],
    [
      "a string without quotes in an inline table",
      "[aliases]\nfast = { x = y }\n",
      '/c.toml:2: strings need quotes: x = "y"',
    ],
    [
      "a header's value without quotes is not shown",
      '[providers.w]\nbase_url = "https://x"\nheaders = { X-Team = law }\n',
      '/c.toml:3: strings need quotes: X-Team = "…"',
    ],
    [
      "a key-like value without quotes is not shown",
      "system = sk-proj-0123456789abcdef\n",
      '/c.toml:1: strings need quotes: system = "…"',
    ],
    [
      "a URL with a query without quotes is not shown",
      "[providers.w]\nbase_url = https://x/v1?key=abc\n",
      '/c.toml:2: strings need quotes: base_url = "…"',
    ],
    [
      "curly quotes",
      "model = “gpt-4o”\n",
      '/c.toml:1: “ and ” are no quotes in TOML: use straight ones, model = "gpt-4o"',
    ],
    [
      "no value",
      "model =\n",
      '/c.toml:1: model has no value after "=": write model = "…"',
    ],
    [
      "two =",
      'model == "x"\n',
      '/c.toml:1: write one "=" between model and its value',
    ],
    [
      "True in capitals",
      '[mcp.a]\nmodule = "x"\nallow = True\n',
      "/c.toml:3: true and false are written in lower case: allow = true",
    ],
    [
      "null",
      "system = null\n",
      "/c.toml:1: TOML has no null: leave system out to leave it unset",
    ],
    [
      "a setting set twice",
      'model = "a"\nsystem = "s"\nmodel = "b"\n',
      "/c.toml:3: model is set twice (first at line 1): keep one",
    ],
    [
      "a setting set twice in a table",
      '[roles.a]\nsystem = "x"\n\nsystem = "y"\n',
      "/c.toml:4: system is set twice (first at line 2): keep one",
    ],
    [
      "a setting set twice in an inline table",
      "options = { seed = 1, seed = 2 }\n",
      "/c.toml:1: seed is set twice in this table: keep one",
    ],
    [
      "a table declared twice",
      '[aliases]\nfast = "a"\n\n[aliases]\nslow = "b"\n',
      "/c.toml:4: the table [aliases] is declared twice (first at line 1): " +
      "keep one, with all its settings",
    ],
    [
      "a table set as a value before",
      'roles = "x"\n[roles.a]\nsystem = "y"\n',
      "/c.toml:2: [roles.a] is already set above, as a setting or a dotted " +
      "name: set each name once",
    ],
    [
      "no = between a name and its value",
      'model "gpt-4o"\n',
      '/c.toml:1: a setting needs "=" between its name and its value: write ' +
      "model = …",
    ],
    [
      "a name alone",
      'model = "x"\nsystem\n',
      '/c.toml:2: system has no "=" and no value: write system = "…"',
    ],
    [
      ": for =",
      'model: "gpt-4o"\n',
      '/c.toml:1: TOML sets a value with "=", not ":": write model = …',
    ],
    [
      "JSON's way",
      '"model": "gpt-4o"\n',
      '/c.toml:1: TOML sets a value with "=", not ":": write model = …',
    ],
    [
      "a name with a space",
      'my model = "x"\n',
      '/c.toml:1: a name with a space needs quotes: "my model" = …, or write ' +
      "it with _ (my_model)",
    ],
    [
      "a table header not closed",
      'model = "x"\n[roles.lawyer\nsystem = "y"\n',
      "/c.toml:2: the table header [roles.lawyer is not closed: write " +
      "[roles.lawyer]",
    ],
    [
      "a table header with a space",
      "[roles lawyer]\n",
      "/c.toml:1: a table's name has no spaces: write [roles.lawyer], or " +
      'quote the part that has one: [roles."my lawyer"]',
    ],
    [
      "a table array header not closed",
      "[[roles.a]\n",
      "/c.toml:1: the table header [[roles.a] is not closed: end it with ]]",
    ],
    [
      "a string not closed",
      'model = "gpt-4o\nsystem = "x"\n',
      '/c.toml:1: the string is not closed: end it with " on the same line ' +
      '(or use """ for text of several lines)',
    ],
    [
      "a literal string not closed",
      "system = 'terse\n",
      "/c.toml:1: the string is not closed: end it with ' on the same line " +
      "(or use ''' for text of several lines)",
    ],
    [
      "a multi-line string never closed",
      'system = """\nYou are terse.\n',
      "/c.toml:1: the string is never closed: end it with the quotes it " +
      "began with (\"\"\" or ''')",
    ],
    [
      "a list never closed, at its first line",
      'model = ["a", "b"\n\n[roles.r]\nsystem = "x"\n',
      "/c.toml:1: the list that begins here is not closed: end it with ]",
    ],
    [
      "a list over lines never closed, a # and a ] in its strings",
      'system = "x"\nmodel = [\n  "a#]", # the first\n  \'b]\',\n',
      "/c.toml:2: the list that begins here is not closed: end it with ]",
    ],
    [
      "an inline table never closed",
      "options = { temperature = 0.2\n",
      "/c.toml:1: the inline table that begins here is not closed: end it " +
      "with }",
    ],
    [
      "a comma missing in a list",
      'model = ["a" "b"]\n',
      "/c.toml:1: a comma is missing between two items of the list (or the ] " +
      "that ends it)",
    ],
    [
      "a comma missing in an inline table",
      "options = { temperature = 0.2 seed = 1 }\n",
      "/c.toml:1: a comma is missing between two items of the inline table " +
      "(or the } that ends it)",
    ],
    [
      "a // comment",
      'model = "x" // the default\n',
      "/c.toml:1: comments begin with #, not //",
    ],
    [
      "a semicolon",
      'model = "x";\n',
      '/c.toml:1: no ";" after a value: end the line there',
    ],
    [
      "two values",
      'model = "a" "b"\n',
      "/c.toml:1: a setting takes one value: for several, write a list, such " +
      'as model = ["a", "b"]',
    ],
    [
      "something after a header",
      "[roles.a] lawyer\n",
      "/c.toml:1: only a # comment may follow a table header on its line",
    ],
    [
      "a backslash in a basic string",
      'system = "C:\\Users\\me"\n',
      '/c.toml:1: a backslash in "…" begins an escape such as \\n or \\t: ' +
      "write \\\\ for a backslash, or use '…', in which a backslash is just one",
    ],
    [
      "a mistake without words of its own keeps smol-toml's",
      "tool_rounds = 1_\n",
      "/c.toml:1: unfinished numeric value (fix the TOML there)",
    ],
    [
      "a byte-order mark does not move the column",
      "\uFEFFmodel = gpt-4o\n",
      '/c.toml:1: strings need quotes: model = "gpt-4o"',
    ],
  ];
  for (const [what, text, message] of cases) {
    await t.step(what, async () => {
      assert.equal(await refusal(text), message);
    });
  }
});

Deno.test("explainToml() has no words for a message it does not know", () => {
  assert.equal(
    explainToml("x = 1\n", { message: "something new", line: 1, column: 1 }),
    undefined,
  );
});
