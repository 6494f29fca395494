import assert from "node:assert/strict";
import { cut, flatten } from "./line.ts";

Deno.test("flatten() puts a text on one line, and cut() counts characters, not code units", () => {
  assert.equal(flatten("\n\t a\r\nb \x00"), "a b");
  assert.equal(cut("🏛️🏛️🏛️", 2), "🏛…");
  assert.equal(cut("", 3), "");
});
