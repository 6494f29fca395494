import assert from "node:assert/strict";
import { rewrapsOnResize, terminalOutput, visible } from "./terminal.ts";

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
