import assert from "node:assert/strict";
import stringWidth from "string-width";
import { NARROW, widthOf } from "./spans.ts";
import { visible } from "../io/terminal.ts";

Deno.test("the characters measured by their length are one column wide for string-width too", () => {
  const wrong: string[] = [];
  for (let code = 0; code <= 0x2fff; code++) {
    const char = String.fromCodePoint(code);
    if (NARROW.test(char) && stringWidth(char) !== 1) wrong.push(char);
  }
  assert.deepEqual(wrong, []);
});

Deno.test("widthOf() measures a control character as the one-column symbol a terminal's output shows", () => {
  const wrong: string[] = [];
  for (
    const code of [
      ...Array(0x20).keys(),
      0x7f,
      ...Array(0x20).keys().map((i) => 0x80 + i),
    ]
  ) {
    const char = String.fromCharCode(code);
    if (char === "\t" || char === "\n") continue; // shown as they are
    const shown = visible(`a${char}b`);
    if (widthOf(`a${char}b`) !== stringWidth(shown)) wrong.push(char);
  }
  assert.deepEqual(wrong, []);
  assert.equal(widthOf("\x1b[31mred\x1b[0m"), 12, "␛[31mred␛[0m");
});
