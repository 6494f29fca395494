import assert from "node:assert/strict";
import stringWidth from "string-width";
import { Secrets } from "../io/redact.ts";
import type { ConsentRequest } from "./box.ts";
import { consentQuestion, consentView } from "./consent.ts";

const SECRET = "sk-proj-SECRET0123456789abcdefSECRET";
const secrets = new Secrets();
secrets.add(SECRET);
const redact = (text: string) => secrets.redact(text);

const TAIL = ": run it? [y]es, [n]o, [a]lways for this tool, [v]iew: ";

/** A call to `t.echo` (a module's: sandboxed) with `args`, and what else is given. */
function call(
  args: unknown,
  more: Partial<ConsentRequest> = {},
): ConsentRequest {
  return {
    server: "t",
    tool: "echo",
    args: "",
    arguments: typeof args === "string" ? args : JSON.stringify(args),
    sandboxed: true,
    ...more,
  };
}

Deno.test("consentQuestion() shows every key and value cut alike, made visible and masked", async (t) => {
  const v40 = "v".repeat(40);
  for (
    const [name, request, shown] of [
      [
        "a short call, as it is",
        call({ path: "a.md", n: 2 }),
        `{"path":"a.md","n":2}`,
      ],
      ["no arguments", call(""), "{}"],
      [
        "a long value: its first and last 40 columns, and how many characters are left out between them",
        call({ content: "v".repeat(300), path: "/root/.bashrc" }),
        `{"content":"${v40}"…(+220)"${v40}","path":"/root/.bashrc"}`,
      ],
      [
        "a long key: its first and last 20 columns",
        call({ ["k".repeat(2600)]: "x", path: ".git/hooks/pre-commit" }),
        `{"${"k".repeat(20)}"…(+2560)"${
          "k".repeat(20)
        }":"x","path":".git/hooks/pre-commit"}`,
      ],
      [
        "blank braille in a key, with a path made up after it",
        call({
          [`${"\u2800".repeat(2600)}"path": "README.md"`]: "",
          path: ".git/hooks/pre-commit",
        }),
        `{"⟨U+2800⟩⟨U+2800⟩"…(+2600)"ath\\": \\"README.md\\"":"","path":".git/hooks/pre-commit"}`,
      ],
      [
        "zero-width characters",
        call({ "pa\u200bth": "a\u200c\u200d\u2060\ufeffb" }),
        `{"pa⟨U+200B⟩th":"a⟨U+200C⟩⟨U+200D⟩⟨U+2060⟩⟨U+FEFF⟩b"}`,
      ],
      [
        "bidirectional controls",
        call({ path: "\u202egnp.exe\u2066\u200e" }),
        `{"path":"⟨U+202E⟩gnp.exe⟨U+2066⟩⟨U+200E⟩"}`,
      ],
      [
        "unusual spaces, and control characters",
        call({ "a\u00a0b": "c\u3000d\x1b[2J\x9b\n" }),
        `{"a⟨U+00A0⟩b":"c⟨U+3000⟩d\\u001b[2J\ufffd\\n"}`,
      ],
      [
        "a value that is no string, cut all the same",
        call({ list: Array(100).fill(1), nested: { "\u2800": null } }),
        `{"list":[${"1,".repeat(19)}1…(+121)${
          "1,".repeat(19)
        }1],"nested":{"⟨U+2800⟩":null}}`,
      ],
      [
        "wide characters count their columns",
        call({ text: "最".repeat(100) }),
        `{"text":"${"最".repeat(20)}"…(+60)"${"最".repeat(20)}"}`,
      ],
      [
        "the mark of a cut cannot be written by the model: it stays in the quotes",
        call({ path: 'a"…(+3)' }),
        `{"path":"a\\"…(+3)"}`,
      ],
      [
        "a key in the arguments is masked",
        call({ [SECRET]: SECRET }),
        `{"[redacted]":"[redacted]"}`,
      ],
      [
        "masked before it is cut: the first part of a key cut in half does not show",
        call({ text: `${"x".repeat(70)}${SECRET}` }),
        `{"text":"${"x".repeat(70)}[redacted]"}`,
      ],
      [
        "arguments that are not a JSON object, on one line",
        call(`not json\n\u2800${SECRET}`),
        "not json␊⟨U+2800⟩[redacted]",
      ],
      ["a JSON array", call("[1, 2]"), "[1, 2]"],
    ] as const
  ) {
    await t.step(name, () => {
      assert.equal(
        consentQuestion(request, { columns: 80, rows: 24 }, redact),
        `tool t.echo ${shown}${TAIL}`,
      );
    });
  }
});

Deno.test("consentQuestion() fits the screen: the count of arguments when not all fit, names cut, NOT sandboxed before the arguments", async (t) => {
  const many = Object.fromEntries(
    Array.from({ length: 100 }, (_, i) => [`key${i}`, "v".repeat(100)]),
  );
  const v40 = "v".repeat(40);
  const entry = (i: number) => `"key${i}":"${v40}"…(+20)"${v40}"`;
  const entries = (n: number) =>
    Array.from({ length: n }, (_, i) => entry(i)).join(",");
  for (
    const [name, request, screen, shown] of [
      [
        "many keys at 80x24",
        call(many),
        { columns: 80, rows: 24 },
        `tool t.echo {${entries(16)},…(+84 of 100 arguments)}${TAIL}`,
      ],
      [
        "many keys at 40x10",
        call(many),
        { columns: 40, rows: 10 },
        `tool t.echo {${entries(2)},…(+98 of 100 arguments)}${TAIL}`,
      ],
      [
        "a screen too small for one: the count alone",
        call(many),
        { columns: 20, rows: 5 },
        `tool t.echo {…(+100 of 100 arguments)}${TAIL}`,
      ],
      [
        "one argument that does not fit",
        call({ text: "v".repeat(100) }),
        { columns: 10, rows: 3 },
        `tool t.echo {…(+1 of 1 argument)}${TAIL}`,
      ],
      [
        "a hostile tool's name: made visible, cut to 40 columns, its end shown",
        call({ path: "x" }, {
          tool: `\x1b[2K\r${"\u2800".repeat(500)}write`,
        }),
        { columns: 80, rows: 24 },
        `tool t.␛[2K␍⟨U+2800⟩…(+498)⟨U+2800⟩write {"path":"x"}${TAIL}`,
      ],
      [
        "a hostile server's name, masked",
        call({ path: "x" }, { server: `${SECRET}\n${"s".repeat(60)}` }),
        { columns: 80, rows: 24 },
        `tool [redacted]␊${"s".repeat(9)}…(+31)${
          "s".repeat(20)
        }.echo {"path":"x"}${TAIL}`,
      ],
      [
        "a command server: NOT sandboxed, before the arguments",
        call(many, { server: "git", tool: "commit", sandboxed: false }),
        { columns: 80, rows: 24 },
        `tool git.commit (NOT sandboxed) {${
          entries(16)
        },…(+84 of 100 arguments)}${TAIL}`,
      ],
      [
        "a command server with hostile names: NOT sandboxed stays near the start",
        call(many, {
          server: "s".repeat(100),
          tool: "\u200b".repeat(1000),
          sandboxed: false,
        }),
        { columns: 80, rows: 24 },
        `tool ${"s".repeat(20)}…(+60)${
          "s".repeat(20)
        }.⟨U+200B⟩⟨U+200B⟩…(+996)` +
        "⟨U+200B⟩⟨U+200B⟩ " +
        `(NOT sandboxed) {${entries(15)},…(+85 of 100 arguments)}${TAIL}`,
      ],
    ] as const
  ) {
    await t.step(name, () => {
      const question = consentQuestion(request, screen, redact);
      assert.equal(question, shown);
      // On a screen that has room for it, the question takes its rows
      // less two at most.
      if (screen.columns >= 40) {
        const width = stringWidth(question);
        assert.ok(width <= screen.columns * (screen.rows - 2), `${width}`);
      }
      // The names cut, NOT sandboxed comes within the first 120 columns.
      assert.equal(question.includes("(NOT sandboxed)"), !request.sandboxed);
      assert.ok(question.indexOf("(NOT sandboxed)") < 120);
    });
  }
});

Deno.test("consentView() shows the whole call: every argument, masked and made visible, not cut", async (t) => {
  for (
    const [name, request, shown] of [
      [
        "a long key and value",
        call({ ["\u2800".repeat(3)]: "v".repeat(300), [SECRET]: [1, {}] }),
        `tool t.echo, in full:\n{\n  "${"⟨U+2800⟩".repeat(3)}": "${
          "v".repeat(300)
        }",\n  "[redacted]": [\n    1,\n    {}\n  ]\n}`,
      ],
      [
        "a command server's, NOT sandboxed, its names made visible",
        call({}, {
          server: "git\x1b[2K",
          tool: "\u202ecommit",
          sandboxed: false,
        }),
        "tool git␛[2K.⟨U+202E⟩commit (NOT sandboxed), in full:\n{}",
      ],
      [
        "arguments that are not JSON, as they are, masked and made visible",
        call(`{broken\n\u200b${SECRET}`),
        "tool t.echo, in full:\n{broken\n⟨U+200B⟩[redacted]",
      ],
    ] as const
  ) {
    await t.step(name, () => assert.equal(consentView(request, redact), shown));
  }
});
