import assert from "node:assert/strict";
import {
  revealed,
  rewrapsOnResize,
  terminalOutput,
  visible,
} from "./terminal.ts";

Deno.test("visible() shows every C0, C1 and DEL control character but line breaks and tabs", () => {
  const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i))
    .filter((char) => char !== "\n" && char !== "\t" && char !== "\r");
  for (const char of controls) {
    assert.equal(
      visible(char),
      String.fromCharCode(0x2400 + char.charCodeAt(0)),
    );
  }
  assert.equal(visible("\x7f"), "\u2421");
  assert.equal(visible("\x9b2J"), "\ufffd2J"); // an 8-bit CSI
  assert.equal(visible("a\r\nb\rc"), "a\nb␍c");
  assert.equal(visible("é 最高裁 🏛️\n\t"), "é 最高裁 🏛️\n\t");
});

Deno.test("revealed() shows every character that hides, as its code point, and leaves the rest", async (t) => {
  for (
    const [name, text, shown] of [
      ["blank braille", "a\u2800b", "a⟨U+2800⟩b"],
      [
        "zero-width",
        "\u200b\u200c\u200d\u2060\ufeff",
        "⟨U+200B⟩⟨U+200C⟩⟨U+200D⟩⟨U+2060⟩⟨U+FEFF⟩",
      ],
      [
        "bidirectional controls",
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
        "⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩⟨U+202E⟩⟨U+2066⟩⟨U+2067⟩⟨U+2068⟩" +
        "⟨U+2069⟩⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩",
      ],
      [
        "other format characters: soft hyphen, tags",
        "\u00ad\u{e0041}\u{e007f}",
        "⟨U+00AD⟩⟨U+E0041⟩⟨U+E007F⟩",
      ],
      [
        "spaces that are not U+0020, and separators",
        "\u00a0\u1680\u2000\u200a\u202f\u205f\u3000\u2028\u2029",
        "⟨U+00A0⟩⟨U+1680⟩⟨U+2000⟩⟨U+200A⟩⟨U+202F⟩⟨U+205F⟩⟨U+3000⟩⟨U+2028⟩⟨U+2029⟩",
      ],
      [
        "fillers, selectors, joiners",
        "\u115f\u1160\u3164\uffa0\ufe0f\u{e0100}\u034f\u17b4\u180e",
        "⟨U+115F⟩⟨U+1160⟩⟨U+3164⟩⟨U+FFA0⟩⟨U+FE0F⟩⟨U+E0100⟩⟨U+034F⟩⟨U+17B4⟩⟨U+180E⟩",
      ],
      [
        "a surrogate alone, private use, unassigned",
        "\ud800\ue000\u{10ffff}",
        "⟨U+D800⟩⟨U+E000⟩⟨U+10FFFF⟩",
      ],
      ["control characters, as visible() shows them", "\x1b[2J\x07", "␛[2J␇"],
      [
        "plain text, spaces, tabs and line breaks stay",
        "é 最高裁 🏛\tcase\n",
        "é 最高裁 🏛\tcase\n",
      ],
    ] as const
  ) {
    await t.step(name, () => assert.equal(revealed(text), shown));
  }
});

Deno.test("terminalOutput() shows what is written, and lets the program's own style through", () => {
  const writes: string[] = [];
  const out = terminalOutput({ write: (text) => void writes.push(text) });
  out.write("\x1b[31mred?");
  out.style?.("\x1b[2m");
  assert.deepEqual(writes, ["␛[31mred?", "\x1b[2m"]);
});

Deno.test("terminalOutput() passes a batch on to the output it wraps", () => {
  const events: string[] = [];
  const out = terminalOutput({
    write: (text) => void events.push(text),
    batch(writes) {
      events.push("begin");
      writes();
      events.push("end");
    },
  });
  out.batch?.(() => out.write("\x07a line"));
  assert.deepEqual(events, ["begin", "␇a line", "end"]);
});

Deno.test("rewrapsOnResize() tells the terminals that re-wrap their rows to a new width", async (t) => {
  const cases: [Record<string, string>, boolean][] = [
    [{ TERM: "tmux-256color", TERM_PROGRAM: "tmux" }, true],
    [{ TERM: "screen-256color", TERM_PROGRAM: "tmux" }, true],
    [{ TERM: "xterm-256color", TERM_PROGRAM: "iTerm.app" }, true],
    [{ TERM: "xterm-256color", TERM_PROGRAM: "Apple_Terminal" }, true],
    [{ TERM: "xterm-256color", VTE_VERSION: "7600" }, true],
    [{ TERM: "xterm-256color", WT_SESSION: "1c5a" }, true],
    [{ TERM: "xterm-kitty" }, true],
    [{ TERM: "foot" }, true],
    [{ TERM: "alacritty" }, true],
    [{ TERM: "xterm-256color" }, false],
    [{ TERM: "linux" }, false],
    [{ TERM: "screen" }, false],
    [{}, false],
  ];
  for (const [env, expected] of cases) {
    await t.step(JSON.stringify(env), () => {
      assert.equal(rewrapsOnResize((name) => env[name]), expected);
    });
  }
  await t.step("a variable not granted reads as unset", () => {
    assert.equal(
      rewrapsOnResize((name) => {
        if (name === "TERM_PROGRAM") throw new Deno.errors.NotCapable(name);
        return { TERM: "foot" }[name];
      }),
      true,
    );
  });
});
