import assert from "node:assert/strict";
import stringWidth from "string-width";
import { NARROW } from "./spans.ts";

Deno.test("the characters measured by their length are one column wide for string-width too", () => {
  const wrong: string[] = [];
  for (let code = 0; code <= 0x2fff; code++) {
    const char = String.fromCodePoint(code);
    if (NARROW.test(char) && stringWidth(char) !== 1) wrong.push(char);
  }
  assert.deepEqual(wrong, []);
});
